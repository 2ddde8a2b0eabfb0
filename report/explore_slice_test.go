package report

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
)

// The shrunk finding's narrowed slice prints under the shrunk line as
// "slice: …" with each step left and its label, and goes into the JSON
// document's slice object; a slice whose own check lost the finding
// prints its summary alone; with no narrowing (--slice-runs 0) neither
// appears.
func TestExploration_NarrowedSlice(t *testing.T) {
	cs := []engine.Choice{{Label: "vcpu0:kick"}, {Label: "hv:stop"}, {Label: "src.vf1:fetch(q0)"}, {Label: "vcpu0:read"}}
	for _, tc := range []struct {
		name  string
		n     *explain.Narrowed
		lines string
		doc   *DocSlice
	}{
		{name: "narrowed", n: &explain.Narrowed{Slice: []int{0, 3}, Check: explain.SliceCheck{Kept: true}, Runs: 7},
			lines: "  slice: 2 of 4 steps placed: run first in their recorded order, every other step held back as long as the run allows (in its recorded order, and reversed), the finding stays; a step left out runs where its actor's program and waits put it, its actor's earlier steps ahead of a placed one (an ordering replay --explain names may be of such a step) (7 checks)\n" +
				"    step 1 vcpu0:kick\n    step 4 vcpu0:read\n",
			doc: &DocSlice{Steps: []DocSliceStep{{1, "vcpu0:kick"}, {4, "vcpu0:read"}}, Of: 4, Kept: true, Checks: 7}},
		{name: "interrupted", n: &explain.Narrowed{Slice: []int{0, 1, 2, 3}, Check: explain.SliceCheck{Kept: true}, Runs: 1, Cut: true, Interrupted: true},
			lines: "  slice: 4 of 4 steps placed: run first in their recorded order, every other step held back as long as the run allows (in its recorded order, and reversed), the finding stays (1 check, interrupted before every step was tried)\n" +
				"    step 1 vcpu0:kick\n    step 2 hv:stop\n    step 3 src.vf1:fetch(q0)\n    step 4 vcpu0:read\n",
			doc: &DocSlice{Steps: []DocSliceStep{{1, "vcpu0:kick"}, {2, "hv:stop"}, {3, "src.vf1:fetch(q0)"}, {4, "vcpu0:read"}}, Of: 4, Kept: true, Checks: 1, Cut: true, Interrupted: true}},
		{name: "lost", n: &explain.Narrowed{Slice: []int{2, 3}, Check: explain.SliceCheck{Lost: "reversed"}, Runs: 1},
			lines: "  slice: not narrowed: the slice of 2 of 4 steps, run first with the rest held back, lost the finding (reversed run: none)\n",
			doc:   &DocSlice{Steps: []DocSliceStep{{3, "src.vf1:fetch(q0)"}, {4, "vcpu0:read"}}, Of: 4, Checks: 1}},
		{name: "not narrowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fd := engine.Finding{Oracle: "transparent", Step: 3}
			size := engine.Size{Steps: 4, Relevant: 4}
			r := &Exploration{Summary: engine.Summary{Schedules: 1, Failing: 1, Findings: []engine.Report{{Finding: fd}}},
				Shrunk: &engine.ShrinkResult{Before: size, After: size, Replays: 1, Executed: 1,
					Result: engine.Result{Choices: cs, Finding: &fd}, Slice: []int{0, 1, 2, 3}}, Narrowed: tc.n}
			var b bytes.Buffer
			r.PrintResult(&b, nil)
			if tc.n == nil {
				assert.NotContains(t, b.String(), "slice:")
			} else {
				assert.Contains(t, b.String(), "all 4 steps matter")
				assert.Contains(t, b.String(), "\n"+tc.lines)
			}
			d := r.Doc()
			assert.Equal(t, tc.doc, d.Slice)
			js, err := json.Marshal(d)
			require.NoError(t, err)
			assert.Equal(t, tc.doc != nil, bytes.Contains(js, []byte(`"slice":{"steps":[`)), string(js))
		})
	}
}

// The throughput line calls its rate schedules/s only when every run it
// counts is a schedule: a dfs search's pruned runs are not. Its time per
// decision counts only the decisions run, not those the fork's copies
// stood for.
func TestPrintSummary_ThroughputWords(t *testing.T) {
	for _, tc := range []struct {
		name string
		sum  engine.Summary
		want string
	}{
		{"random", engine.Summary{Strategy: engine.StrategyRandom, Schedules: 10, Executed: 10, Decisions: 100, Elapsed: time.Second},
			"throughput: 10 schedules/s, 10 runs executed (10/s, 0 memo hits), "},
		{"dfs with pruned runs", engine.Summary{Strategy: engine.StrategyDFS, Schedules: 3, Pruned: 7, Executed: 10, Decisions: 100, Elapsed: time.Second},
			"throughput: 10 runs/s, complete and pruned, 10 runs executed (10/s, 0 memo hits), "},
		{"no fork: time over every step", engine.Summary{Strategy: engine.StrategyDFS, Schedules: 10, Executed: 10, ExecutedDecisions: 1000, Elapsed: time.Second},
			"(10/s, 0 memo hits), 1000000 ns/decision\n"},
		// 900 of the 1000 steps were not run: the copies stood for them.
		{"forked: time over the decisions run", engine.Summary{Strategy: engine.StrategyDFS, Schedules: 10, Executed: 10, ExecutedDecisions: 1000, Elapsed: time.Second,
			Fork: &engine.ForkStats{Restored: 9, SkippedDecisions: 900}},
			"(10/s, 0 memo hits), 10000000 ns per decision run (100 decisions run, 900 more started from copies of the world)\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := &Exploration{Strategy: tc.sum.Strategy, Summary: tc.sum}
			var b bytes.Buffer
			r.PrintSummary(&b)
			assert.Contains(t, b.String(), tc.want)
		})
	}
}
