package report

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
)

// The interrupted line counts what ran in the summary's own words: a
// sampling's schedules, and a dfs search's runs, its complete runs
// (schedules) apart from the pruned runs, which the lines above it say are
// not schedules.
func TestPrintSummary_InterruptedCounts(t *testing.T) {
	for _, c := range []struct {
		name string
		rep  Exploration
		want string
	}{
		{"random", Exploration{Strategy: engine.StrategyRandom, Schedules: 1000,
			Summary: engine.Summary{Strategy: engine.StrategyRandom, Schedules: 618, Distinct: 618, Interrupted: true}},
			"interrupted: the summary covers only the 618 schedules run before the interrupt\n"},
		{"dfs with pruned runs", Exploration{Strategy: engine.StrategyDFS, Bound: -1, Schedules: 100000000, States: true,
			Summary: engine.Summary{Strategy: engine.StrategyDFS, Schedules: 42, Pruned: 5413, Distinct: 42, Interrupted: true}},
			"interrupted: the summary covers only the 5455 runs (42 schedules, 5413 pruned) run before the interrupt\n"},
		{"dfs, nothing pruned", Exploration{Strategy: engine.StrategyDFS, Bound: 2, Schedules: 1000,
			Summary: engine.Summary{Strategy: engine.StrategyDFS, Schedules: 1, Distinct: 1, Interrupted: true}},
			"interrupted: the summary covers only the 1 schedule run before the interrupt\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			c.rep.PrintSummary(&b)
			assert.Contains(t, b.String(), c.want)
		})
	}
}
