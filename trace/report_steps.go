package trace

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
)

// reportSteps picks the steps a report's step list and sequence diagram
// show (as trace event steps), with the sentence that introduces them and
// the diagram's range comment. With a finding: the last n steps of its
// causal slice (the steps it depends on through happens-before;
// engine.CausalSlice), its own step, and the steps the Why section's
// orderings name. Without one: the run's last n steps.
func reportSteps(r *Report, n int) (shown map[int]bool, intro, rng string) {
	shown = map[int]bool{}
	f := r.Result.Finding
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
	var named []int
	if r.Why != nil {
		for _, o := range r.Why.Orders {
			for _, i := range []int{o.Before, o.After} {
				if s := engine.ShownStep(i); !shown[s] {
					shown[s] = true
					named = append(named, s)
				}
			}
		}
	}
	all := slices.Sorted(func(yield func(int) bool) {
		for s := range shown {
			if !yield(s) {
				return
			}
		}
	})
	of := fmt.Sprintf("the %d steps the finding depends on through happens-before (its causal slice)", len(slice))
	if len(slice) == len(r.Result.Choices) {
		of = fmt.Sprintf("the finding's causal slice, which is all %d steps of the run: their footprints do not separate them", len(slice))
	}
	intro = fmt.Sprintf("The last %s of %s", plural.Count(len(tail), "step"), of)
	if len(named) > 0 {
		slices.Sort(named)
		intro += ", and the steps the orderings above name that lie further back (" + joinInts(named) + ")"
	}
	intro += ": steps " + joinInts(all) + "."
	return shown, intro, "steps " + joinInts(all)
}

// joinInts renders numbers as "55, 58, 60".
func joinInts(ns []int) string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = strconv.Itoa(n)
	}
	return strings.Join(out, ", ")
}
