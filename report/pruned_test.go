package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
)

// A dfs search's pruned runs ("+N pruned") are told apart in words and in
// JSON: those state pruning cut short (the state hits) and those sleep
// sets did (the rest), which add up to the pruned count, and the
// state-pruned runs counted without running them (known transitions).
func TestPrunedRuns_TextAndJSON(t *testing.T) {
	for _, tc := range []struct {
		name      string
		sum       engine.Summary
		lines     []string // the summary's dfs lines after "dfs: exhaustive…"
		hits      int      // state_hits
		sleep     int      // pruned_sleep_sets
		known     int      // pruned_known
		notInText []string
	}{
		{"both", engine.Summary{Schedules: 100, Pruned: 435, StateHits: 318, Executed: 335, Complete: true},
			[]string{"dfs: the 435 pruned runs stopped before their end and are not schedules: " +
				"318 by state pruning (the run reached a state earlier runs had already explored completely from there), " +
				"117 by sleep sets (every step enabled there was asleep: it would only reorder independent steps of an interleaving already run, or, under the bound, cost a preemption more than was left)",
				"dfs: 200 of the 318 state-pruned runs were known to end there without running them (known transitions)"},
			318, 117, 200, nil},
		{"sleep sets only", engine.Summary{Schedules: 10, Pruned: 1, Executed: 11, Complete: true},
			[]string{"dfs: the 1 pruned run stopped before its end and is not a schedule: 1 by sleep sets (every step enabled there was asleep"},
			0, 1, 0, []string{"state pruning", "known transitions"}},
		{"state pruning only", engine.Summary{Schedules: 10, Pruned: 7, StateHits: 7, Executed: 17, Complete: true},
			[]string{"dfs: the 7 pruned runs stopped before their end and are not schedules: 7 by state pruning (the run reached"},
			7, 0, 0, []string{"sleep sets", "known transitions"}},
		// More state hits than pruned runs (a shard's runs into other
		// shards' subtrees can hit states too): every line counts the
		// clamped state-pruned runs, so the two lines agree.
		{"more hits than pruned runs", engine.Summary{Schedules: 10, Pruned: 5, StateHits: 9, Executed: 12, Complete: true},
			[]string{"dfs: the 5 pruned runs stopped before their end and are not schedules: 5 by state pruning",
				"dfs: 3 of the 5 state-pruned runs were known to end there without running them (known transitions)"},
			5, 0, 3, []string{"sleep sets", "of the 9 "}},
		{"nothing pruned", engine.Summary{Schedules: 10, Executed: 10, Complete: true}, nil, 0, 0, 0,
			[]string{"pruned", "sleep sets", "state pruning"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.sum.Strategy = engine.StrategyDFS
			rep := Exploration{Strategy: engine.StrategyDFS, Bound: 2, Schedules: 1000, States: true, Summary: tc.sum}
			var b bytes.Buffer
			rep.PrintSummary(&b)
			for _, l := range tc.lines {
				assert.Contains(t, b.String(), "\n"+l, "%s", b.String())
			}
			for _, s := range tc.notInText {
				assert.NotContains(t, strings.SplitN(b.String(), "\n", 2)[1], s)
			}
			e := rep.Doc().Explored
			assert.Equal(t, []int{tc.sum.Pruned, tc.hits, tc.sleep, tc.known}, []int{e.Pruned, e.StateHits, e.PrunedSleepSets, e.PrunedKnown})
			assert.Equal(t, e.Pruned, e.StateHits+e.PrunedSleepSets, "every pruned run is one or the other's")
		})
	}
}
