package trace

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/migsim/migsim/world"
)

// DescribeRecord renders a record in words, as the text export and the
// pcapng packet comments show it:
//
//	12 t=0s tlp vcpu0 -> src.vf1: MWr 00:00.0->00:00.0 addr=0x100004000 data=0000e0fe
func DescribeRecord(r *Record) string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(r.Step))
	b.WriteString(" t=")
	b.WriteString(r.Time.String())
	b.WriteByte(' ')
	kind := r.Kind.String()
	if recordKind(r) == RecordKindAdmin {
		kind = "admin"
	}
	b.WriteString(kind)
	b.WriteByte(' ')
	b.WriteString(r.Who)
	b.WriteString(" -> ")
	b.WriteString(functionName(r.Host, r.Target))
	b.WriteString(": ")
	switch recordSection(recordKind(r)) {
	case "tlp":
		b.WriteString(r.TLP.String())
	case "msix":
		b.WriteString(r.MSIX.String())
	case "admin":
		fmt.Fprintf(&b, "command=%x result=%x", r.Admin, r.AdminResult)
	}
	if r.Text != "" {
		if recordSection(recordKind(r)) != "" {
			b.WriteByte(' ')
		}
		b.WriteString(r.Text)
	}
	return b.String()
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
func WriteText(w io.Writer, events []world.TraceEvent) error {
	for i := range events {
		r := RecordOf(events[i])
		if _, err := io.WriteString(w, DescribeRecord(&r)+"\n"); err != nil {
			return fmt.Errorf("trace: text trace: event %d: %w", i, err)
		}
	}
	return nil
}
