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
		refs := sampledRefs{}
		for _, v := range vs {
			name := fmt.Sprintf("%s/%s/%v/%s/jobs=%d/memo=%v/%d", row.scenario, row.ed, row.knobs, v.strategy, v.jobs, v.memo, v.schedules)
			t.Run(name, func(t *testing.T) {
				st, sum := sameSampled(t, refs, row, v.strategy, v.jobs, v.memo, v.schedules)
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

// sampledResult is what sameSampled compares of an exploration: its
// summary, every schedule (runText, in schedule order) and every run's
// end (endSink's; sorted when the exploration ran on several jobs).
type sampledResult struct {
	sum  engine.Summary
	runs []string
	ends []string
}

// sampledRefs keeps a row's explorations without the fork, by strategy,
// memo and schedules, each run once on one job (sameSampled).
type sampledRefs map[string]sampledResult

// sameSampled explores row with strategy without the fork (worlds that do
// not record their actors) and with it, and requires the same schedules,
// ends and summary; it returns the fork's counts and the summary. The
// exploration without the fork is refs', run on one job whatever jobs
// is: a random or pct exploration runs every schedule from its own seed
// and reports the schedules (AfterRun) and findings in schedule order, so
// its schedules, summary and sorted ends do not depend on its jobs
// (engine's TestExplore_JobsDeterministic; catalog's
// TestJudge_JobsDoNotChangeTheOutcome on a catalog row). The variant on
// three jobs is the fork's on three jobs, compared with the row's
// exploration on one job that its variant on one job compares with.
func sameSampled(t *testing.T, refs sampledRefs, row forkRow, strategy string, jobs int, memo bool, schedules int) (engine.ForkStats, engine.Summary) {
	t.Helper()
	explore := func(fork bool, jobs int) sampledResult {
		s, err := catalog.CatalogScenario(row.scenario)
		require.NoError(t, err)
		tg, err := catalog.NewTarget(s, row.ed, row.knobs, nil)
		require.NoError(t, err)
		tg.RecordActors = fork
		f, seedFree, err := tg.FactoryInfo(engine.ScheduleSeed(1, 0))
		require.NoError(t, err)
		require.True(t, seedFree, "the row's runs without migration depend on the seed")
		var r sampledResult
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
	key := fmt.Sprintf("%s/%v/%d", strategy, memo, schedules)
	off, ok := refs[key]
	if !ok {
		off = explore(false, 1)
		refs[key] = off
	}
	if jobs > 1 {
		off.ends = slices.Sorted(slices.Values(off.ends)) // the jobs end their runs in any order
	}
	on := explore(true, jobs)
	require.NotNil(t, on.sum.Fork)
	st := *on.sum.Fork
	assert.Equal(t, off.runs, on.runs, "every schedule is the same")
	assert.Equal(t, off.ends, on.ends, "every run ends the same way")
	on.sum.Fork, on.sum.Elapsed, off.sum.Elapsed = nil, 0, 0
	assert.Equal(t, off.sum, on.sum)
	assert.Equal(t, on.sum.Executed, st.Restored+st.Replayed, "every executed run is restored or built")
	return st, on.sum
}
