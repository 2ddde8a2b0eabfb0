package trace

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
)

// TestReportSteps: a report's step list shows the last steps of the
// finding's causal slice, its own step and the steps the orderings name,
// and the steps its verdict cites (a blamed write the slice's tail leaves
// out), not the run's last steps; without a finding, the run's last steps.
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
	for _, tc := range []struct {
		name  string
		r     Report
		n     int
		shown []int
		intro string
	}{
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
