package trace

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// ArcKind says how a trace moved a member between modes.
type ArcKind uint8

// Arc kinds.
const (
	// ArcTaken is a DEV_MODE_SET that completed with status OK.
	ArcTaken ArcKind = iota + 1
	// ArcRefused is a DEV_MODE_SET that failed; the mode did not change.
	ArcRefused
	// ArcOther is a mode change no DEV_MODE_SET asked for (an FLR or a
	// virtio reset finishing).
	ArcOther
)

// ModeArc is one mode transition of a member in a trace.
type ModeArc struct {
	Kind     ArcKind
	Function string
	From, To spec.Mode
	Step     int
	// Why says what made an ArcOther change (FLR, reset) or how an
	// ArcRefused command failed (EINVAL/INVALID_FIELD).
	Why string
}

// ModeArcs returns the mode transitions of the trace in order. A member
// starts Active; a DEV_MODE_SET admin record moves it (or, failing, is a
// refused arc from its current mode); a state record whose mode differs
// from the current one is a change nothing asked for, named after what was
// in progress before it.
func ModeArcs(events []record.TraceEvent) []ModeArc {
	cur := map[string]spec.Mode{}
	prev := map[string]record.TraceMemberState{}
	var out []ModeArc
	for i := range events {
		e := &events[i]
		switch e.Kind {
		case record.TraceAdmin:
			s := SummarizeAdmin(e.Edition, e.Admin, e.AdminResult)
			if !s.ModeSet || !s.HasMode {
				continue
			}
			fn := e.Host + ".vf" + strconv.FormatUint(s.Member, 10)
			a := ModeArc{Kind: ArcTaken, Function: fn, From: cur[fn], To: s.Mode, Step: e.Step}
			if !s.Succeeded() {
				a.Kind, a.Why = ArcRefused, s.StatusText()
			} else {
				cur[fn] = s.Mode
			}
			out = append(out, a)
		case record.TraceState:
			fn := functionName(e.Host, e.Target)
			was := prev[fn]
			prev[fn] = e.State
			if e.State.Mode == cur[fn] {
				continue
			}
			why := "device"
			switch {
			case was.FLRPending && !e.State.FLRPending:
				why = "FLR"
			case was.ResetPending && !e.State.ResetPending:
				why = "reset"
			}
			out = append(out, ModeArc{Kind: ArcOther, Function: fn, From: cur[fn], To: e.State.Mode, Step: e.Step, Why: why})
			cur[fn] = e.State.Mode
		}
	}
	return out
}

// Styles of the arcs in WriteModeGraph.
const (
	dotTaken   = `color="#d62728", fontcolor="#d62728", penwidth=2.5`
	dotRefused = `color="#d62728", fontcolor="#d62728", style=dashed`
	dotOther   = `color="#1f77b4", fontcolor="#1f77b4", style=dotted, penwidth=2`
)

// WriteModeGraph writes the edition's mode machine (spec's DOT, under the
// run's rules) with the trace's transitions drawn on it: DEV_MODE_SETs
// that succeeded in bold red, labelled with the functions and steps (a
// run of at least minArcRun consecutive VFs of one host as one range,
// "src.vf1-vf64@187-943"); those
// refused dashed red with their status; changes an FLR or reset made
// dotted blue.
func WriteModeGraph(w io.Writer, table spec.TransitionTable, events []record.TraceEvent) error {
	type key struct {
		kind     ArcKind
		from, to spec.Mode
		why      string
	}
	var order []key
	arcs := map[key][]ModeArc{}
	for _, a := range ModeArcs(events) {
		k := key{a.Kind, a.From, a.To, a.Why}
		if _, ok := arcs[k]; !ok {
			order = append(order, k)
		}
		arcs[k] = append(arcs[k], a)
	}
	var styles []spec.ArcStyle
	for _, k := range order {
		var labels []string
		for _, r := range arcRuns(arcs[k]) {
			labels = append(labels, r.Functions()+"@"+r.Steps())
		}
		text := strings.Join(labels, ", ")
		attrs := dotTaken
		switch k.kind {
		case ArcRefused:
			attrs, text = dotRefused, "refused "+k.why+": "+text
		case ArcOther:
			attrs, text = dotOther, k.why+": "+text
		}
		styles = append(styles, spec.ArcStyle{From: k.from, To: k.to,
			Attrs: attrs + `, label="` + strings.ReplaceAll(text, `"`, `'`) + `"`})
	}
	if _, err := io.WriteString(w, table.DOTStyled(styles)); err != nil {
		return fmt.Errorf("trace: mode graph: %w", err)
	}
	return nil
}
