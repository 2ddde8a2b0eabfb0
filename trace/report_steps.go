package trace

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/world/record"
)

// reportSteps picks the steps a report's step list and sequence diagram
// show (as trace event steps), with the sentence that introduces them and
// the diagram's range comment. With a finding: the last n steps of its
// causal slice (the steps it depends on through happens-before;
// engine.CausalSlice), its own step, the steps the Why section's
// orderings name and the steps the verdict cites (verdictSteps); when no
// ordering decides it and the report has its narrowed slice, that
// slice's steps in place of the causal slice's last ones
// (narrowedSteps), with the last few steps before it for context. Without
// one: the run's last n steps.
func reportSteps(r *Report, n int) (shown map[int]bool, intro, rng string) {
	f := r.Result.Finding
	if f != nil && r.Why != nil && r.Why.Moved && len(r.Why.Orders) == 0 && len(r.Slice) > 0 {
		return narrowedSteps(r, n)
	}
	shown = map[int]bool{}
	slice := engine.CausalSlice(r.Result)
	if f == nil || len(slice) == 0 {
		last := 0
		for _, e := range r.Events {
			last = max(last, e.Step)
		}
		first := max(0, last-n+1)
		for s := first; s <= last; s++ {
			shown[s] = true
		}
		return shown, fmt.Sprintf("The last %d steps of the run (steps %d and on).", n, first),
			fmt.Sprintf("steps %d..%d", first, last)
	}
	tail := slice[max(0, len(slice)-n):]
	for _, i := range tail {
		shown[engine.ShownStep(i)] = true
	}
	shown[FindingEventStep(f)] = true
	var ordered []int
	if r.Why != nil {
		for _, o := range r.Why.Orders {
			ordered = append(ordered, engine.ShownStep(o.Before), engine.ShownStep(o.After))
		}
	}
	named := addNew(shown, ordered)
	cited := addNew(shown, verdictSteps(f, r.Events))
	quiesced := addNew(shown, quiescedWrites(f, r.Events))
	all := slices.Sorted(maps.Keys(shown))
	of := fmt.Sprintf("the %d steps the finding depends on through happens-before (its causal slice)", len(slice))
	if len(slice) == len(r.Result.Choices) {
		of = fmt.Sprintf("the finding's causal slice, which is all %d steps of the run: their footprints do not separate them", len(slice))
	}
	intro = fmt.Sprintf("The last %s of %s", plural.Count(len(tail), "step"), of)
	var more []string
	if len(named) > 0 {
		more = append(more, "the steps the orderings above name that lie further back ("+joinInts(named)+")")
	}
	if len(cited) > 0 {
		more = append(more, "the steps the verdict names that lie further back ("+joinInts(cited)+")")
	}
	if len(quiesced) > 0 {
		more = append(more, quiescedMore+" ("+joinInts(quiesced)+")")
	}
	intro += joinMore(more) + ": steps " + joinInts(all) + "."
	return shown, intro, "steps " + joinInts(all)
}

// quiescedMore introduces, in a step list's introduction, the steps of
// quiescedWrites it adds.
const quiescedMore = "the latest writes that reached a member of the finding while it was quiesced"

// addNew marks steps shown and returns, ascending, those that were not.
func addNew(shown map[int]bool, steps []int) []int {
	var added []int
	for _, s := range steps {
		if !shown[s] {
			shown[s] = true
			added = append(added, s)
		}
	}
	slices.Sort(added)
	return added
}

// joinMore renders the parts a step list's introduction adds: ", and A",
// ", A, and B", ", A, B, and C"; "" for none.
func joinMore(more []string) string {
	switch len(more) {
	case 0:
		return ""
	case 1:
		return ", and " + more[0]
	}
	return ", " + strings.Join(more[:len(more)-1], ", ") + ", and " + more[len(more)-1]
}

// narrowedSteps is reportSteps of a finding no ordering decides: the
// steps of its narrowed slice (Report.Slice), its own step (for a flow
// error, the step the run's end reports it at), the steps the verdict
// cites, and for context the last contextSteps (at most n) steps up to the
// finding's. Every step moved alone kept the finding, so the orderings
// name none, and the causal slice's last steps are the run's last steps:
// on their own they show what happened to come last, and the narrowed
// slice on its own is often the finding's step alone, which hides what
// led to it (the write a frozen-context read shows, a few steps before).
func narrowedSteps(r *Report, n int) (shown map[int]bool, intro, rng string) {
	f := r.Result.Finding
	shown = map[int]bool{}
	for _, i := range r.Slice {
		shown[engine.ShownStep(i)] = true
	}
	var more []string
	if s := FindingEventStep(f); !shown[s] {
		shown[s] = true
		more = append(more, fmt.Sprintf("the step the run's end reports it at (%d)", s))
	}
	cited := addNew(shown, verdictSteps(f, r.Events))
	if len(cited) > 0 {
		more = append(more, "the steps the verdict names ("+joinInts(cited)+")")
	}
	if quiesced := addNew(shown, quiescedWrites(f, r.Events)); len(quiesced) > 0 {
		more = append(more, quiescedMore+" ("+joinInts(quiesced)+")")
	}
	recorded := map[int]bool{}
	for _, e := range r.Events {
		recorded[e.Step] = true
	}
	var context []int
	for s := FindingEventStep(f) - 1; s > 0 && len(context) < min(n, contextSteps); s-- {
		if recorded[s] {
			context = append(context, s)
		}
	}
	if ctxNew := addNew(shown, context); len(ctxNew) > 0 {
		more = append(more, fmt.Sprintf("for context the steps just before the finding's (%s)", joinInts(ctxNew)))
	}
	all := slices.Sorted(maps.Keys(shown))
	intro = fmt.Sprintf("No ordering of two steps decides the finding (Why), so these are "+
		"the %d of %d steps whose recorded place it was seen to need (its causal slice narrowed by running: run first "+
		"in their recorded order, every other step held back as long as the run allows, the finding stays; "+
		"docs/engine.md, \"Narrowing the slice by running\")", len(r.Slice), len(r.Result.Choices))
	intro += joinMore(more)
	steps := "steps " + joinInts(all)
	if len(all) == 1 {
		steps = "step " + joinInts(all)
	}
	return shown, intro + ": " + steps + ".", steps
}

// contextSteps is how many steps up to a finding no ordering decides its
// report lists for context besides its narrowed slice (narrowedSteps).
const contextSteps = 6

// stepCited matches a step the finding's message or impact cites ("vcpu0
// ran MWr at step 87", "it landed at step 91").
var stepCited = regexp.MustCompile(`\bat step (\d+)\b`)

// verdictSteps returns the trace steps, in the order cited, that the
// finding's message and impact name ("the hypervisor froze src.vf1 without
// halting the vCPUs: vcpu0 ran MWr at step 87"), so that the step list
// shows what the verdict points at; a step after the finding's (an impact
// judged by running on past it) or without a recorded event is left out:
// the report's trace has nothing to show of it.
func verdictSteps(f *engine.Finding, events []record.TraceEvent) []int {
	recorded := map[int]bool{}
	for _, e := range events {
		recorded[e.Step] = true
	}
	var out []int
	for _, text := range []string{f.Message, f.ImpactWhy} {
		for _, m := range stepCited.FindAllStringSubmatch(text, -1) {
			s, err := strconv.Atoi(m[1])
			if err != nil || s > FindingEventStep(f) || !recorded[s] || slices.Contains(out, s) {
				continue
			}
			out = append(out, s)
		}
	}
	return out
}

// joinInts renders numbers as "55, 58, 60".
func joinInts(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, ", ")
}
