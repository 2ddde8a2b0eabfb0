package world_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world"
)

// TestFork_SampledSame: on the rows of TestFork_RealSameSearch, random and
// pct explorations whose runs start from a copy of the world at the first
// choice point (engine.ExploreConfig.Fork with SeedFree; World.Fork, then
// ForkLast) run the same schedules as explorations of worlds that do not
// record their actors: every schedule's choices, footprints, preemptions,
// clock, trace and interleaving hashes and finding, in schedule order, the
// same end states, guest logs and findings, the same summary (but its
// time and the fork's counts) and the same shrunk findings; on one job
// without the memo, and on a third of the rows each past the first round
// with the memo, past it without, or random on three jobs.
func TestFork_SampledSame(t *testing.T) {
	rows := realForkRows()
	if testing.Short() {
		rows = rows[:2]
	}
	var restored, executed, failing int
	for i, row := range rows {
		// Every row on one job, without the memo, before the first round
		// of 256 schedules ends; a third of them (in turn) on three jobs,
		// past that round (memo hits, pct's k learnt) with and without the
		// memo: the rows' whole cross product cost two minutes of CPU.
		type variant struct {
			strategy  string
			jobs      int
			memo      bool
			schedules int
		}
		vs := []variant{{engine.StrategyRandom, 1, false, 60}, {engine.StrategyPCT, 1, false, 60}}
		switch i % 3 {
		case 0:
			vs = append(vs, variant{engine.StrategyPCT, 1, true, 260})
		case 1:
			vs = append(vs, variant{engine.StrategyPCT, 1, false, 260}, variant{engine.StrategyRandom, 1, true, 260})
		case 2:
			vs = append(vs, variant{engine.StrategyRandom, 3, false, 60}) // pct on three jobs: the engine's toys
		}
		for _, v := range vs {
			name := fmt.Sprintf("%s/%s/%v/%s/jobs=%d/memo=%v/%d", row.scenario, row.ed, row.knobs, v.strategy, v.jobs, v.memo, v.schedules)
			t.Run(name, func(t *testing.T) {
				st, sum := sameSampled(t, row, v.strategy, v.jobs, v.memo, v.schedules)
				restored, executed, failing = restored+st.Restored, executed+sum.Executed, failing+sum.Failing
				t.Logf("%d failing, %d executed, %d from a copy (%d decisions not run again), %d built, %d refused",
					sum.Failing, sum.Executed, st.Restored, st.SkippedDecisions, st.Replayed, st.Refused)
			})
		}
	}
	t.Logf("%d of %d executed runs started from a copy; %d failing schedules", restored, executed, failing)
	assert.Greater(t, restored, executed*3/4, "most runs start from a copy")
	if !testing.Short() {
		assert.Positive(t, failing, "some rows' schedules find violations")
	}
}

// sameSampled explores row with strategy without the fork (worlds that do
// not record their actors) and with it, and requires the same schedules,
// ends and summary; it returns the fork's counts and the summary.
func sameSampled(t *testing.T, row forkRow, strategy string, jobs int, memo bool, schedules int) (engine.ForkStats, engine.Summary) {
	t.Helper()
	type result struct {
		sum  engine.Summary
		runs []string
		ends []string
	}
	explore := func(fork bool) result {
		s, err := catalog.CatalogScenario(row.scenario)
		require.NoError(t, err)
		tg, err := catalog.NewTarget(s, row.ed, row.knobs, nil)
		require.NoError(t, err)
		tg.RecordActors = fork
		f, seedFree, err := tg.FactoryInfo(engine.ScheduleSeed(1, 0))
		require.NoError(t, err)
		require.True(t, seedFree, "the row's runs without migration depend on the seed")
		var r result
		sink := &endSink{}
		wrapped := func(st engine.Streams) (engine.System, error) {
			sys, err := f(st)
			if err != nil {
				return nil, err
			}
			return &forkOut{World: sys.(*world.World), out: sink}, nil
		}
		if row.scenario == "vm-8-of-1024" {
			schedules = min(schedules, 30) // a run costs ten of the others'
		}
		cfg := engine.ExploreConfig{Factory: wrapped, Strategy: strategy, Schedules: schedules, Seed: 1, Jobs: jobs,
			MaxSteps: catalog.DefaultJudgeMaxSteps, Fork: fork, SeedFree: fork, MergeData: true,
			Shrink:   &engine.ShrinkConfig{MaxReplays: 20},
			AfterRun: func(res engine.Result, err error) { r.runs = append(r.runs, runText(res, err)) }}
		if memo {
			cfg.Memo = &engine.MemoConfig{VerifyEvery: 16}
		}
		r.sum, err = engine.Explore(context.Background(), cfg)
		require.NoError(t, err)
		r.ends = sink.ends
		if jobs > 1 {
			slices.Sort(r.ends) // the jobs end their runs in any order
		}
		return r
	}
	off, on := explore(false), explore(true)
	require.NotNil(t, on.sum.Fork)
	st := *on.sum.Fork
	assert.Equal(t, off.runs, on.runs, "every schedule is the same")
	assert.Equal(t, off.ends, on.ends, "every run ends the same way")
	on.sum.Fork, on.sum.Elapsed, off.sum.Elapsed = nil, 0, 0
	assert.Equal(t, off.sum, on.sum)
	assert.Equal(t, on.sum.Executed, st.Restored+st.Replayed, "every executed run is restored or built")
	return st, on.sum
}
