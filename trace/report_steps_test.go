package trace

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
)

// TestReportSteps: a report's step list shows the last steps of the
// finding's causal slice, its own step and the steps the orderings name,
// and the steps its verdict cites (a blamed write the slice's tail leaves
// out), not the run's last steps; when no ordering decides the finding,
// the steps of its narrowed slice in place of the causal slice's last
// ones (with a flow error's reported step and, for context, the steps just
// before the finding's), when the report has it;
// without a finding, the run's last steps.
func TestReportSteps(t *testing.T) {
	// Actor 0 runs steps at indices 0, 2 and 4 (the finding's); actor 1's
	// steps 1 and 3 touch nothing actor 0 does: the slice is 0, 2, 4.
	cs := []engine.Choice{{Actor: 0}, {Actor: 1}, {Actor: 0}, {Actor: 1}, {Actor: 0}}
	var events []record.TraceEvent
	for s := 0; s <= 5; s++ {
		events = append(events, record.TraceEvent{Step: s})
	}
	finding := engine.Result{Choices: cs, Finding: &engine.Finding{Oracle: "transparent", Step: 4}}
	why := &Why{Orders: []WhyOrder{{Before: 0, After: 3}}}
	// The verdict cites step 2 (actor 1's, outside the slice), step 9
	// (past the finding's step: an impact judged by running on, which the
	// trace does not hold) and step 3 (in the slice's tail already).
	cited := finding
	cited.Finding = &engine.Finding{Oracle: "transparent", Step: 4,
		Message:   "blamed on the hypervisor: vcpu0 ran MWr at step 2, it landed at step 3",
		ImpactWhy: "transparent at step 9, after frozen-context"}
	none := &Why{Moved: true, Text: "the finding does not depend on the interleaving"}
	flow := finding
	flow.Finding = &engine.Finding{Oracle: "error:x", Step: 4, CauseStep: 2, Caused: true}
	narrowed := "No ordering of two steps decides the finding (Why), so these are the %s of 5 steps " +
		"whose recorded place it was seen to need (its causal slice narrowed by running: run first in their recorded order, " +
		"every other step held back as long as the run allows, the finding stays; docs/engine.md, \"Narrowing the slice by running\")"
	for _, tc := range []struct {
		name  string
		r     Report
		n     int
		shown []int
		intro string
	}{
		{"no ordering: the narrowed slice", Report{Result: finding, Events: events, Why: none, Slice: []int{4}}, 2, []int{3, 4, 5},
			fmt.Sprintf(narrowed, "1") + ", and for context the steps just before the finding's (3, 4): steps 3, 4, 5."},
		{"no ordering: the narrowed slice and the verdict's step", Report{Result: cited, Events: events, Why: none, Slice: []int{0, 4}}, 2, []int{1, 2, 3, 4, 5},
			fmt.Sprintf(narrowed, "2") + ", the steps the verdict names (2, 3), and for context the steps just before the finding's (4): steps 1, 2, 3, 4, 5."},
		{"no ordering: a flow error's narrowed slice", Report{Result: flow, Events: events, Why: none, Slice: []int{0, 2}}, 2, []int{1, 3, 4, 5},
			fmt.Sprintf(narrowed, "2") + ", the step the run's end reports it at (5), and for context the steps just before the finding's (4): steps 1, 3, 4, 5."},
		{"no ordering, not narrowed: the slice tail", Report{Result: finding, Events: events, Why: none}, 2, []int{3, 5},
			"The last 2 steps of the 3 steps the finding depends on through happens-before (its causal slice): steps 3, 5."},
		{"orderings: the slice tail, not the narrowed slice", Report{Result: finding, Events: events, Why: why, Slice: []int{4}}, 2, []int{1, 3, 4, 5},
			"The last 2 steps of the 3 steps the finding depends on through happens-before (its causal slice), " +
				"and the steps the orderings above name that lie further back (1, 4): steps 1, 3, 4, 5."},
		{"slice tail", Report{Result: finding, Events: events}, 2, []int{3, 5},
			"The last 2 steps of the 3 steps the finding depends on through happens-before (its causal slice): steps 3, 5."},
		{"slice tail and orderings", Report{Result: finding, Events: events, Why: why}, 2, []int{1, 3, 4, 5},
			"The last 2 steps of the 3 steps the finding depends on through happens-before (its causal slice), " +
				"and the steps the orderings above name that lie further back (1, 4): steps 1, 3, 4, 5."},
		{"whole slice", Report{Result: finding, Events: events}, 12, []int{1, 3, 5},
			"The last 3 steps of the 3 steps the finding depends on through happens-before (its causal slice): steps 1, 3, 5."},
		{"the verdict's step", Report{Result: cited, Events: events}, 2, []int{2, 3, 5},
			"The last 2 steps of the 3 steps the finding depends on through happens-before (its causal slice), " +
				"and the steps the verdict names that lie further back (2): steps 2, 3, 5."},
		{"orderings and the verdict's step", Report{Result: cited, Events: events, Why: why}, 2, []int{1, 2, 3, 4, 5},
			"The last 2 steps of the 3 steps the finding depends on through happens-before (its causal slice), " +
				"the steps the orderings above name that lie further back (1, 4), " +
				"and the steps the verdict names that lie further back (2): steps 1, 2, 3, 4, 5."},
		{"no finding", Report{Result: engine.Result{Choices: cs}, Events: events}, 2, []int{4, 5},
			"The last 2 steps of the run (steps 4 and on)."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shown, intro, _ := reportSteps(&tc.r, tc.n)
			var got []int
			for s := range shown {
				got = append(got, s)
			}
			slices.Sort(got)
			assert.Equal(t, tc.shown, got)
			assert.Equal(t, tc.intro, intro)
		})
	}
}
