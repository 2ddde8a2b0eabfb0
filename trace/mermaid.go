package trace

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/record"
)

// Mermaid participant classes, in diagram order: guest vCPUs, the
// hypervisor, peers, then each host's functions (PF first, then VFs).
const (
	classGuest = iota
	classHypervisor
	classPeer
	classFunction
)

// mermaidParticipant is one lifeline of the diagram.
type mermaidParticipant struct {
	name  string // as in the trace: vcpu0, hv, src.vf1
	id    string // Mermaid identifier: vcpu0, hv, src_vf1
	class int
	host  int // order of first appearance of the host (functions)
	fn    int // 0 for the PF, n for vfN (functions)
	first int // order of first appearance
}

// FindingEventStep returns the TraceEvent.Step of the step a finding was
// seen after, the number every output shows for it: the scheduler indexes
// steps from 0, the world numbers event steps from 1 (0 is host boot).
func FindingEventStep(f *engine.Finding) int { return engine.ShownStep(f.Step) }

// Window returns the events of the last window steps of the trace, up to
// the finding's step when finding is set, else up to the last event, and
// the first and last step of that range; window ≤ 0 means every step up to
// that one. `migsim trace --window` shows these steps (mermaid, text).
func Window(events []record.TraceEvent, finding *engine.Finding, window int) (sel []record.TraceEvent, first, last int) {
	for _, e := range events {
		last = max(last, e.Step)
	}
	if finding != nil {
		last = FindingEventStep(finding)
	}
	if window > 0 {
		first = max(0, last-window+1)
	}
	for _, e := range events {
		if e.Step >= first && e.Step <= last {
			sel = append(sel, e)
		}
	}
	return sel, first, last
}

// WriteMermaid writes a Mermaid sequenceDiagram of the last window steps of
// the trace: up to the finding's step when finding is set, else up to the
// last event; window ≤ 0 means the whole trace. Lifelines are the guest
// vCPUs, the hypervisor, peers and each host's PF and VFs; TLPs are
// arrows (completions dashed, back to the requester), MSI-X messages are
// async arrows to the interrupt's consumer, admin commands are arrows from
// the hypervisor to the PF labelled with the command and its status,
// steps, DMA, state changes and notes are notes over the function, and the
// finding is a note over the actors it names.
func WriteMermaid(w io.Writer, events []record.TraceEvent, finding *engine.Finding, window int) error {
	sel, first, last := Window(events, finding, window)
	return writeMermaid(w, sel, finding, fmt.Sprintf("steps %d..%d", first, last))
}

// writeMermaid writes the diagram of the selected events sel; steps says
// which steps they are, in the diagram's first comment.
func writeMermaid(w io.Writer, sel []record.TraceEvent, finding *engine.Finding, steps string) error {
	parts := mermaidParticipants(sel, finding)
	byName := map[string]*mermaidParticipant{}
	for _, p := range parts {
		byName[p.name] = p
	}
	var b strings.Builder
	b.WriteString("sequenceDiagram\n")
	if finding != nil {
		fmt.Fprintf(&b, "    %%%% migsim: %s after step %d, %s\n", finding.Oracle, FindingEventStep(finding), steps)
	} else {
		fmt.Fprintf(&b, "    %%%% migsim: %s\n", steps)
	}
	for _, p := range parts {
		if p.id == p.name {
			fmt.Fprintf(&b, "    participant %s\n", p.id)
		} else {
			fmt.Fprintf(&b, "    participant %s as %s\n", p.id, mermaidText(p.name))
		}
	}
	for _, e := range sel {
		writeMermaidEvent(&b, e, byName)
	}
	if finding != nil {
		writeMermaidFinding(&b, finding, parts, byName)
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("trace: mermaid: %w", err)
	}
	return nil
}

// mermaidParticipants lists the lifelines of the selected events in
// diagram order: every endpoint except guest memory (DMA is a note over
// the function). A finding with no events still gets a "world" lifeline.
func mermaidParticipants(events []record.TraceEvent, finding *engine.Finding) []*mermaidParticipant {
	seen := map[string]*mermaidParticipant{}
	hosts := map[string]int{}
	var out []*mermaidParticipant
	add := func(name string, class int) *mermaidParticipant {
		if p, ok := seen[name]; ok {
			return p
		}
		p := &mermaidParticipant{name: name, id: mermaidID(name), class: class, first: len(out)}
		seen[name] = p
		out = append(out, p)
		return p
	}
	for _, e := range events {
		if _, ok := hosts[e.Host]; !ok {
			hosts[e.Host] = len(hosts)
		}
	}
	for i := range events {
		e := &events[i]
		from, to := Endpoints(e)
		for _, name := range []string{from, to} {
			if isMemory(name) {
				continue
			}
			h, t, isFn := strings.Cut(name, ".")
			if !isFn {
				p := add(name, actorClass(name, hosts))
				if e.Kind == record.TraceTLP && e.TLP.Requester == world.PeerRID && e.TLP.Kind != pcie.Completion && name == from {
					p.class = classPeer
				}
				continue
			}
			if _, ok := hosts[h]; !ok {
				hosts[h] = len(hosts)
			}
			p := add(name, classFunction)
			p.host, p.fn = hosts[h], functionIndex(t)
		}
	}
	if len(out) == 0 && finding != nil {
		add("world", classHypervisor)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.class != b.class {
			return a.class < b.class
		}
		if a.class == classFunction {
			if a.host != b.host {
				return a.host < b.host
			}
			if a.fn != b.fn {
				return a.fn < b.fn
			}
		}
		return a.first < b.first
	})
	return out
}

// isMemory reports whether an endpoint is a host's guest memory (src.mem).
func isMemory(name string) bool { return strings.HasSuffix(name, ".mem") }

// actorClass classifies an endpoint that is not a function: the world
// names its hypervisor hv (or after the scenario's hypervisor actor), a
// host itself receives interrupts nobody takes; every other name is a
// guest unless it issues peer TLPs.
func actorClass(name string, hosts map[string]int) int {
	if _, isHost := hosts[name]; isHost || name == "hv" || name == "hypervisor" || name == "world" {
		return classHypervisor
	}
	return classGuest
}

// functionIndex returns 0 for pf, n for vfN, and a large number otherwise.
func functionIndex(target string) int {
	if target == "pf" {
		return 0
	}
	if n, err := strconv.Atoi(strings.TrimPrefix(target, "vf")); err == nil && strings.HasPrefix(target, "vf") {
		return n
	}
	return 1 << 16
}

// mermaidID turns a name into a Mermaid identifier.
func mermaidID(name string) string {
	b := []byte(name)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			b[i] = '_'
		}
	}
	if len(b) == 0 {
		return "_"
	}
	return string(b)
}

// mermaidText escapes message text: Mermaid ends a statement at ';' or a
// newline, reads '#' as an entity and '<' '>' as HTML.
func mermaidText(s string) string {
	r := strings.NewReplacer("#", "#35;", ";", "#59;", "<", "#60;", ">", "#62;", "\n", " ", "\r", " ")
	return r.Replace(s)
}

// shortData renders a payload for a label: hex up to 8 bytes, else the
// byte count.
func shortData(d []byte) string {
	if len(d) <= 8 {
		return fmt.Sprintf("%x", d)
	}
	return fmt.Sprintf("%d bytes", len(d))
}

// tlpLabel is the short arrow label of a TLP.
func tlpLabel(t pcie.TLP) string {
	switch t.Kind {
	case pcie.CfgRead, pcie.MemRead:
		return fmt.Sprintf("%s %#x len %d", t.Kind, t.Addr, t.Len)
	case pcie.Completion:
		return fmt.Sprintf("%s %s", t.Kind, shortData(t.Data))
	}
	return fmt.Sprintf("%s %#x = %s", t.Kind, t.Addr, shortData(t.Data))
}

func writeMermaidEvent(b *strings.Builder, e record.TraceEvent, byName map[string]*mermaidParticipant) {
	fromName, toName := Endpoints(&e)
	from, to := byName[fromName], byName[toName]
	fn := byName[functionName(e.Host, e.Target)]
	if fn == nil {
		fn = from
	}
	prefix := fmt.Sprintf("[%d] ", e.Step)
	arrow := func(kind, label string) {
		if from == nil || to == nil || from == to {
			fmt.Fprintf(b, "    Note over %s: %s\n", fn.id, mermaidText(label))
			return
		}
		fmt.Fprintf(b, "    %s%s%s: %s\n", from.id, kind, to.id, mermaidText(label))
	}
	switch e.Kind {
	case record.TraceTLP:
		if e.TLP.Kind == pcie.Completion {
			arrow("-->>", prefix+tlpLabel(e.TLP))
		} else {
			arrow("->>", prefix+tlpLabel(e.TLP))
		}
	case record.TraceMSIX:
		arrow("-)", fmt.Sprintf("%sMSI-X vector %d", prefix, e.MSIX.Vector))
	case record.TraceAdmin:
		arrow("->>", prefix+SummarizeAdmin(e.Edition, e.Admin, e.AdminResult).String())
	case record.TraceDMA:
		fmt.Fprintf(b, "    Note over %s: %s\n", fn.id, mermaidText(prefix+"DMA "+e.Text))
	case record.TraceStep, record.TraceState:
		fmt.Fprintf(b, "    Note over %s: %s\n", fn.id, mermaidText(prefix+e.Text))
	default:
		fmt.Fprintf(b, "    Note right of %s: %s\n", fn.id, mermaidText(prefix+e.Text))
	}
}

func writeMermaidFinding(b *strings.Builder, f *engine.Finding, parts []*mermaidParticipant, byName map[string]*mermaidParticipant) {
	var over []*mermaidParticipant
	for _, a := range f.Actors {
		if p, ok := byName[a]; ok {
			over = append(over, p)
		}
	}
	if len(over) == 0 {
		over = []*mermaidParticipant{parts[0], parts[len(parts)-1]}
	}
	lo, hi := over[0], over[0]
	idx := map[*mermaidParticipant]int{}
	for i, p := range parts {
		idx[p] = i
	}
	for _, p := range over {
		if idx[p] < idx[lo] {
			lo = p
		}
		if idx[p] > idx[hi] {
			hi = p
		}
	}
	span := lo.id
	if hi != lo {
		span += "," + hi.id
	}
	text := "finding " + f.Oracle
	if len(f.Reqs) > 0 {
		text += " (" + strings.Join(f.Reqs, ", ") + ")"
	}
	text += ": " + f.Message
	fmt.Fprintf(b, "    Note over %s: %s\n", span, mermaidText(text))
}
