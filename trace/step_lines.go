package trace

import (
	"strconv"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
)

// DecodeStepLines returns the step lines of a run (the engine's trace,
// engine.RunConfig.Trace: "N t=T ACTOR LABEL" per step, "- t=T clock" per
// clock jump) with the admin commands each step completed appended to its
// line, as StepAdmin renders them and `migsim trace --format text` prints
// them: "60 t=0s src.pf src.pf:admin(tag 0) (DEV_MODE_SET SR-IOV member 1
// mode=stopped (flags 0x1): OK)". events is the run's recorded trace.
func DecodeStepLines(text string, events []record.TraceEvent) string {
	admin, actor := map[int][]string{}, map[int]string{}
	for k := range events {
		e := &events[k]
		if _, ok := actor[e.Step]; !ok {
			actor[e.Step] = e.Who // the step's first event is its actor's
		}
		if e.Kind == record.TraceAdmin {
			admin[e.Step] = append(admin[e.Step], adminText(e, actor[e.Step]))
		}
	}
	if len(admin) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	for text != "" {
		line, rest, found := strings.Cut(text, "\n")
		text = rest
		b.WriteString(line)
		num, _, _ := strings.Cut(line, " ")
		if n, err := strconv.Atoi(num); err == nil && len(admin[n]) > 0 {
			b.WriteString(" (" + strings.Join(admin[n], "; ") + ")")
		}
		if found {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// SliceLines returns the step lines of text (as DecodeStepLines reads
// them) whose steps are in res's causal slice, each clock jump before a
// kept step once, after a "slice: …" line that says how many steps
// matter; a run without a finding gives the line that says so.
func SliceLines(text string, res engine.Result) string {
	slice := engine.CausalSlice(res)
	return SliceLinesOf(text, slice, engine.SliceSummary(len(slice), len(res.Choices)))
}

// SliceLinesOf is SliceLines for a given slice (step indices, as
// engine.CausalSlice returns them; a narrowed one, explain.NarrowSlice)
// and its summary line. A nil slice is a run without a finding; an empty
// one a finding that came before the first step (the summary alone).
func SliceLinesOf(text string, slice []int, summary string) string {
	if slice == nil {
		return "slice: no finding, nothing to slice\n"
	}
	var b strings.Builder
	b.WriteString("slice: " + summary + "\n")
	in := make(map[int]bool, len(slice))
	for _, i := range slice {
		in[engine.ShownStep(i)] = true // the trace numbers steps as shown
	}
	clock := ""
	for _, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		idx, _, _ := strings.Cut(l, " ")
		if idx == "-" {
			clock = l
			continue
		}
		if i, err := strconv.Atoi(idx); err == nil && in[i] {
			if clock != "" {
				b.WriteString(clock + "\n")
				clock = ""
			}
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}
