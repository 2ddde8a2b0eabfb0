package catalog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// The memo changes what runs, never what is reported: pct over a catalog
// scenario gives the same summary (findings, distinct interleavings,
// decisions, pct's k) with the memo on or off, for one job or two, while
// running the world for only some of the schedules. Under -short (the
// race detector's run) the memo runs with two jobs only: with one, every
// access is on one goroutine and the detector has nothing to see, and go
// test's run without -short compares one job too.
func TestMemo_CatalogScenarioSameSummary(t *testing.T) {
	jobsOn := []int{1, 2}
	if testing.Short() {
		jobsOn = []int{2}
	}
	s, err := CatalogScenario("flr-during-freeze")
	require.NoError(t, err)
	for _, knobs := range [][]string{nil, {"flr-vs-mode=complete-anyway"}} {
		tg, err := NewTarget(s, spec.Draft2023, knobs, nil)
		require.NoError(t, err)
		f, seedFree, err := tg.FactoryInfo(engine.ScheduleSeed(1, 0))
		require.NoError(t, err)
		require.True(t, seedFree, "the guest program does not depend on the seed")
		schedules := 600
		if testing.Short() {
			schedules = 300 // the race detector's run: past the first round of 256, which sets pct's run length
		}
		cfg := engine.ExploreConfig{Factory: f, Strategy: engine.StrategyPCT, Schedules: schedules, Seed: 1, Jobs: 1, MaxSteps: DefaultJudgeMaxSteps}
		off, err := engine.Explore(context.Background(), cfg)
		require.NoError(t, err)
		for _, jobs := range jobsOn {
			c := cfg
			c.Jobs, c.Memo = jobs, &engine.MemoConfig{VerifyEvery: 16}
			on, err := engine.Explore(context.Background(), c)
			require.NoError(t, err)
			assert.Less(t, on.Executed, on.Schedules, "knobs %v: the memo answers repeated interleavings", knobs)
			assert.Positive(t, on.Memo.Verified)
			a, b := off, on
			a.Elapsed, a.Executed, a.ExecutedDecisions, a.Memo = 0, 0, 0, engine.MemoStats{}
			b.Elapsed, b.Executed, b.ExecutedDecisions, b.Memo = 0, 0, 0, engine.MemoStats{}
			assert.Equal(t, a, b, "knobs %v, %d jobs", knobs, jobs)
		}
		if knobs != nil {
			require.NotEmpty(t, off.Findings)
		}
	}
}

// Judging with the memos (the exploration's and the shrink's) gives the
// same outcome as without. The outcomes are judgeFLR's: those with the
// memo are shared with TestJudge_JobsDoNotChangeTheOutcome and
// TestJudge_JobsDoNotChangeAPassRowsProof (1 job).
func TestMemo_JudgeSameOutcome(t *testing.T) {
	s := flrScenario(t)
	for _, e := range s.Expect[:2] {
		var outs []Outcome
		for _, noMemo := range []bool{false, true} {
			o := judgeFLR(t, e, JudgeConfig{Jobs: 1, NoMemo: noMemo, MaxRuns: shortRuns(), Shrink: shortShrink()})
			o.Explored.Executed, o.Explored.ExecutedDecisions, o.Explored.Memo = 0, 0, engine.MemoStats{}
			for i := range o.Runs { // every exploration of the row, not only the first
				o.Runs[i].Explored.Executed, o.Runs[i].Explored.ExecutedDecisions, o.Runs[i].Explored.Memo = 0, 0, engine.MemoStats{}
			}
			if o.Shrunk != nil { // the shrink's memo: fewer runs, the same shrink
				if noMemo {
					assert.Equal(t, o.Shrunk.Replays, o.Shrunk.Executed, "line %d: without the memo every candidate runs", e.Line)
				}
				o.Shrunk.Executed = 0
			}
			outs = append(outs, o)
		}
		assert.Equal(t, outs[0], outs[1], "line %d", e.Line)
	}
}
