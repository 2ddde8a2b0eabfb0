package trace

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/record"
)

// DescribeRecord renders a record in words, as the text export and the
// pcapng packet comments show it: step, virtual time, kind, endpoints
// (from -> to, or the function alone), what happened, and the actor whose
// step caused it when that is neither endpoint:
//
//	12 t=0s tlp vcpu0 -> src.vf1: MWr 00:00.0->01:00.1 addr=0x100004000 data=0000e0fe
//	40 t=0s admin hv -> src.pf: DEV_MODE_SET SR-IOV member 1 mode=Freeze: OK (step of src.pf)
func DescribeRecord(r *Record) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(r.Step))
	b.WriteString(" t=")
	b.WriteString(r.Time.String())
	b.WriteByte(' ')
	b.WriteString(r.Kind.String())
	b.WriteByte(' ')
	from, to := Endpoints(&r.TraceEvent)
	b.WriteString(from)
	if to != from {
		b.WriteString(" -> ")
		b.WriteString(to)
	}
	b.WriteString(": ")
	body := ""
	switch recordSection(uint8(r.Kind)) {
	case "tlp":
		body = tlpText(r.TLP)
	case "msix":
		body = r.MSIX.String()
	case "admin":
		body = SummarizeAdmin(r.Edition, r.Admin, r.AdminResult).String()
	}
	b.WriteString(body)
	if r.Text != "" && recordSection(uint8(r.Kind)) != "admin" {
		if body != "" {
			b.WriteByte(' ')
		}
		b.WriteString(r.Text)
	}
	if r.Who != "" && r.Who != from && r.Who != to {
		b.WriteString(" (step of " + r.Who + ")")
	}
	return b.String()
}

// tlpText renders a TLP; a completion reads completer -> requester, the
// direction it travels.
func tlpText(t pcie.TLP) string {
	if t.Kind == pcie.Completion {
		return fmt.Sprintf("%s %s->%s addr=%#x data=%x", t.Kind, t.Completer, t.Requester, t.Addr, t.Data)
	}
	return t.String()
}

// Endpoints returns an event's origin and destination: its From and To,
// or for events recorded without them, the actor and the function of a
// request (the reverse for a completion) and the function alone for
// everything else.
func Endpoints(e *record.TraceEvent) (from, to string) {
	if e.From != "" && e.To != "" {
		return e.From, e.To
	}
	fn := functionName(e.Host, e.Target)
	if e.Kind == record.TraceTLP && e.Who != "" {
		if e.TLP.Kind == pcie.Completion {
			return fn, e.Who
		}
		return e.Who, fn
	}
	return fn, fn
}

// functionName names a function as host.target (src.vf1), or the host
// alone when the target is empty.
func functionName(host, target string) string {
	if target == "" {
		return host
	}
	return host + "." + target
}

// WriteText writes the events one per line (DescribeRecord).
func WriteText(w io.Writer, events []record.TraceEvent) error {
	for i := range events {
		r := RecordOf(events[i])
		if _, err := io.WriteString(w, DescribeRecord(&r)+"\n"); err != nil {
			return fmt.Errorf("trace: text trace: event %d: %w", i, err)
		}
	}
	return nil
}
