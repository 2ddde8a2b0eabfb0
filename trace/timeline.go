package trace

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// ModeSpan is one stretch of a member's state: steps From to To-1.
type ModeSpan struct {
	From, To int
	State    record.TraceMemberState
}

// ModeLane is the state timeline of one member function (src.vf1).
type ModeLane struct {
	Function string
	Spans    []ModeSpan
}

// ModeTimeline returns one lane per member that appears in the trace
// (hosts in order of first appearance, VFs by number), built from the
// state records: every member starts Active with nothing in progress at
// step 0, and the last span ends after the trace's last step.
func ModeTimeline(events []record.TraceEvent) []ModeLane {
	last := 0
	hosts := map[string]int{}
	lanes := map[string]*ModeLane{}
	var order []*ModeLane
	for _, e := range events {
		last = max(last, e.Step)
		if _, ok := hosts[e.Host]; !ok {
			hosts[e.Host] = len(hosts)
		}
		if !strings.HasPrefix(e.Target, "vf") {
			continue
		}
		fn := functionName(e.Host, e.Target)
		l, ok := lanes[fn]
		if !ok {
			l = &ModeLane{Function: fn, Spans: []ModeSpan{{From: 0}}}
			lanes[fn] = l
			order = append(order, l)
		}
		if e.Kind != record.TraceState {
			continue
		}
		cur := &l.Spans[len(l.Spans)-1]
		if cur.State == e.State {
			continue
		}
		if cur.From == e.Step {
			cur.State = e.State // several changes within one step: keep the last
			continue
		}
		cur.To = e.Step
		l.Spans = append(l.Spans, ModeSpan{From: e.Step, State: e.State})
	}
	for _, l := range order {
		l.Spans[len(l.Spans)-1].To = last + 1
		// Merge neighbours a same-step overwrite made equal.
		merged := l.Spans[:1]
		for _, s := range l.Spans[1:] {
			if p := &merged[len(merged)-1]; p.State == s.State {
				p.To = s.To
				continue
			}
			merged = append(merged, s)
		}
		l.Spans = merged
	}
	sort.SliceStable(order, func(i, j int) bool {
		hi, ti, _ := strings.Cut(order[i].Function, ".")
		hj, tj, _ := strings.Cut(order[j].Function, ".")
		if hosts[hi] != hosts[hj] {
			return hosts[hi] < hosts[hj]
		}
		return functionIndex(ti) < functionIndex(tj)
	})
	out := make([]ModeLane, len(order))
	for i, l := range order {
		out[i] = *l
	}
	return out
}

// stateName renders a state: "Freeze + FLR", "stopped + reset".
func stateName(ed spec.Edition, s record.TraceMemberState) string {
	n := ed.ModeName(s.Mode)
	if s.FLRPending {
		n += " + FLR"
	}
	if s.ResetPending {
		n += " + reset"
	}
	return n
}

// stateLetter is a state's column in the text chart: the mode's initial,
// upper case, lower case while an FLR or reset is in progress.
func stateLetter(ed spec.Edition, s record.TraceMemberState) byte {
	c := strings.ToUpper(ed.ModeName(s.Mode))[0]
	if s.FLRPending || s.ResetPending {
		c += 'a' - 'A'
	}
	return c
}

// traceEdition is the edition the events were recorded under.
func traceEdition(events []record.TraceEvent) spec.Edition {
	for _, e := range events {
		if e.Edition != 0 {
			return e.Edition
		}
	}
	return spec.Draft2023
}

// maxTimelineColumns bounds the width of the text chart.
const maxTimelineColumns = 64

// WriteTimelineText writes the mode timeline as a compact text lane chart:
// one lane per member, one column per range of steps (the state at the
// range's last step), an axis of step numbers, a legend, and below it
// every span exactly. A range of at least minArcRun consecutive VFs of
// one host that go through the same modes one after another (a VM of
// many VFs) is one lane, '~' where some of its VFs have changed and others
// not yet, and below it the spans of its first and last VF:
//
//	src.vf1  AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAaSfffffffffA
//	src.vf1: 0-62 Active · 63 Active + FLR · 64-70 Stop + FLR · …
func WriteTimelineText(w io.Writer, events []record.TraceEvent) error {
	lanes := ModeTimeline(events)
	ed := traceEdition(events)
	var b strings.Builder
	if len(lanes) == 0 {
		b.WriteString("no member functions in the trace\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	end := lanes[0].Spans[len(lanes[0].Spans)-1].To
	per := (end + maxTimelineColumns - 1) / maxTimelineColumns
	cols := (end + per - 1) / per
	groups := foldLanes(lanes)
	width := len("step")
	folded := false
	for _, g := range groups {
		width = max(width, len(g.Function()))
		folded = folded || len(g.Lanes) > 1
	}
	var letters []string
	for _, m := range ed.Modes() {
		letters = append(letters, fmt.Sprintf("%c %s", stateLetter(ed, record.TraceMemberState{Mode: m}), ed.ModeName(m)))
	}
	fold := ""
	if folded {
		fold = fmt.Sprintf("; a lane of a range of VFs (src.vf1-vf64) is %d or more VFs that go through the same modes one after another, %c where some have changed and others not yet",
			minArcRun, foldedLetter)
	}
	fmt.Fprintf(&b, "mode timeline, steps 0-%d, one column per %d step(s): %s; lower case while an FLR or reset is in progress%s\n",
		end-1, per, strings.Join(letters, ", "), fold)
	fmt.Fprintf(&b, "%-*s  %s\n", width, "step", timelineAxis(cols, per))
	letter := func(s ModeSpan) byte { return stateLetter(ed, s.State) }
	for _, g := range groups {
		row := make([]byte, cols)
		for c := range row {
			row[c] = g.letterAt(min((c+1)*per, end)-1, letter)
		}
		fmt.Fprintf(&b, "%-*s  %s\n", width, g.Function(), row)
	}
	name := func(s ModeSpan) string { return stateName(ed, s.State) }
	for _, g := range groups {
		first, last := g.Lanes[0], g.Lanes[len(g.Lanes)-1]
		if len(g.Lanes) == 1 {
			fmt.Fprintf(&b, "%s: %s\n", first.Function, spansText(first, name))
			continue
		}
		fmt.Fprintf(&b, "%s (%d VFs): %s: %s … %s: %s\n", g.Function(), len(g.Lanes),
			first.Function, spansText(first, name), last.Function, spansText(last, name))
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("trace: timeline: %w", err)
	}
	return nil
}

// timelineAxis is the chart's axis: every tenth of its cols columns
// labelled with the first step it covers (per steps a column), each label
// starting at its column. The last label may run past the lanes' end: cut
// to the lanes' width, "100" at the last column would read "1".
func timelineAxis(cols, per int) string {
	var axis []byte
	for c := 0; c < cols; c += 10 {
		axis = append(axis, strings.Repeat(" ", max(0, c-len(axis)))...)
		axis = append(axis, strconv.Itoa(c*per)...)
	}
	return string(axis)
}

// WriteTimelineGantt writes the mode timeline as a Mermaid gantt chart:
// one section per member, one bar per span, the axis in scheduler steps; a
// range of VFs that go through the same modes one after another
// (foldLanes) is one section, each bar from the first VF's entry into its
// state to the last VF's exit, overlapping while the VFs change
// (dateFormat X reads the step numbers as seconds). Stop and Freeze bars
// are marked crit, bars with an FLR or reset in progress active.
func WriteTimelineGantt(w io.Writer, events []record.TraceEvent, title string) error {
	lanes := ModeTimeline(events)
	ed := traceEdition(events)
	var b strings.Builder
	b.WriteString("gantt\n")
	fmt.Fprintf(&b, "    title %s\n", ganttText(title))
	b.WriteString("    dateFormat X\n")
	b.WriteString("    axisFormat %s\n")
	for _, g := range foldLanes(lanes) {
		fmt.Fprintf(&b, "    section %s\n", ganttText(g.Function()))
		for k, s := range g.Lanes[0].Spans {
			s.From, s.To = g.Bounds(k)
			tag := ""
			switch {
			case s.State.FLRPending || s.State.ResetPending:
				tag = "active, "
			case s.State.Mode.Quiesced():
				tag = "crit, "
			}
			fmt.Fprintf(&b, "    %s :%s%d, %d\n", ganttText(stateName(ed, s.State)), tag, s.From, s.To)
		}
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("trace: gantt: %w", err)
	}
	return nil
}

// ganttText keeps a gantt title or task name to characters Mermaid takes
// literally there (no ':' '#' ';').
func ganttText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ':' || r == '#' || r == ';' || r == '\n' {
			return ' '
		}
		return r
	}, s)
}
