package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// TestPrintResult_NoFindingsSaysOverWhat: an exploration that found
// nothing says whether it sampled, exhausted its space (within the bound
// or not) or stopped at its budget or an interrupt.
func TestPrintResult_NoFindingsSaysOverWhat(t *testing.T) {
	cases := []struct {
		name string
		r    Exploration
		want string
	}{
		{"pct", Exploration{Strategy: engine.StrategyPCT, Summary: engine.Summary{Schedules: 300}},
			"no findings in 300 schedules of pct (a sample, not exhaustive: --strategy dfs searches every interleaving within a preemption bound)\n"},
		{"random, one schedule", Exploration{Strategy: engine.StrategyRandom, Summary: engine.Summary{Schedules: 1}},
			"no findings in 1 schedule of random (a sample, not exhaustive: --strategy dfs searches every interleaving within a preemption bound)\n"},
		{"dfs within its bound", Exploration{Strategy: engine.StrategyDFS, Bound: 2, Summary: engine.Summary{Schedules: 40, Complete: true, BoundHit: true}},
			"no findings: every interleaving within preemption bound 2 was run\n"},
		{"dfs, the bound never cut", Exploration{Strategy: engine.StrategyDFS, Bound: 2, Summary: engine.Summary{Schedules: 4, Complete: true}},
			"no findings: every interleaving was run\n"},
		{"dfs, budget spent", Exploration{Strategy: engine.StrategyDFS, Bound: 2, Summary: engine.Summary{Schedules: 100}},
			"no findings within the run budget (not exhaustive)\n"},
		{"one dfs shard", Exploration{Strategy: engine.StrategyDFS, Bound: 2, Summary: engine.Summary{Schedules: 40, Complete: true, BoundHit: true, Shard: 1, Shards: 4}},
			"no findings: every interleaving within preemption bound 2 was run, in shard 1/4's subtrees only (migsim merge of every shard's summary speaks for the whole space)\n"},
		{"dfs shards merged", Exploration{Strategy: engine.StrategyDFS, Bound: 2, Merged: 4, Summary: engine.Summary{Schedules: 40, Complete: true, BoundHit: true, Shard: 0, Shards: 4}},
			"no findings: every interleaving within preemption bound 2 was run\n"},
		{"interrupted", Exploration{Strategy: engine.StrategyPCT, Summary: engine.Summary{Schedules: 7, Interrupted: true}},
			"no findings before the interrupt\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			c.r.PrintResult(&b, func(err error) string { return err.Error() })
			assert.Equal(t, c.want, b.String())
		})
	}
}

// TestPrintSummary_ExhaustiveSaysTheBound: an exhaustive dfs search says
// its bound never cut a pick, or, without a bound, that it had none
// ("unbounded", as a catalog row says), never "bound -1"; the header's
// budget text says the same.
func TestPrintSummary_ExhaustiveSaysTheBound(t *testing.T) {
	for _, tc := range []struct {
		bound        int
		line, budget string
	}{
		{2, "dfs: exhaustive (bound 2 never cut)\n", "dfs up to 10 runs, seed 1, bound 2"},
		{-1, "dfs: exhaustive (unbounded)\n", "dfs up to 10 runs, seed 1, unbounded"},
	} {
		r := Exploration{Strategy: engine.StrategyDFS, Bound: tc.bound, Summary: engine.Summary{Strategy: engine.StrategyDFS, Schedules: 4, Complete: true}}
		var b bytes.Buffer
		r.PrintSummary(&b)
		assert.Contains(t, b.String(), tc.line)
		assert.NotContains(t, b.String(), "-1")
		assert.Equal(t, tc.budget, BudgetText(scenario.Budget{Strategy: engine.StrategyDFS, Schedules: 10, Seed: 1, Bound: tc.bound},
			Search{MaxSteps: catalog.DefaultJudgeMaxSteps}))
	}
}
