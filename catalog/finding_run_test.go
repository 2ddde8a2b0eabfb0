package catalog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

func TestFirstFinding(t *testing.T) {
	rep := func(oracle string, index int) engine.Report {
		return engine.Report{Index: index, Finding: engine.Finding{Oracle: oracle}}
	}
	run := func(reps ...engine.Report) StrategyRun { return StrategyRun{Explored: engine.Summary{Findings: reps}} }
	for _, tc := range []struct {
		name       string
		runs       []StrategyRun
		wantOracle string
		wantIndex  int
		wantRun    int
	}{
		{"no exploration", nil, "", 0, 0},
		{"nothing found", []StrategyRun{run(), run()}, "", 0, 0},
		{"the scenario's own exploration comes first", []StrategyRun{run(rep("transparent", 4)), run(rep("live", 0))},
			"transparent", 4, 0},
		{"the cross-check's when the scenario's own found nothing", []StrategyRun{run(), run(rep("error:vf-reset", 1), rep("live", 2))},
			"error:vf-reset", 1, 1},
		{"a pass row's fallback search", []StrategyRun{run(), run(), run(rep("one-running", 7))}, "one-running", 7, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, i := firstFinding(tc.runs)
			assert.Equal(t, tc.wantRun, i)
			if tc.wantOracle == "" {
				assert.Nil(t, got)
				return
			}
			require.NotNil(t, got)
			assert.Equal(t, tc.wantOracle, got.Finding.Oracle)
			assert.Equal(t, tc.wantIndex, got.Index)
		})
	}
}

// crossCheckScenario is a generated scenario (migsim gen, seed 104) whose
// virtio-1.4 row passes its own exploration (random, 2 schedules) while
// the cross-check (pct, same seed) finds the guest's FLR ending the
// migration session (error vf-reset) at schedule #1.
const crossCheckScenario = `scenario gen-104
title generated from seed 104
vfs 1
queues 2
set capacity=359

guest vcpu0 vf=1
  probe
  flr
  probe
  read sector=28 count=4
  submit get-id
  submit write sector=0 count=1 pattern=0x4c q=1
  wait

hypervisor edition=draft-2023
  precheck dst
  mode src stop
  read src
  halt-vcpus
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  switchover dst
  mode dst active
  resume-vcpus

expect draft-2023 pass
expect virtio-1.4 pass
explore strategy=random schedules=2 seed=265 proof=0
`

// TestJudge_FindingOfACrossCheck: a row whose finding only the second
// exploration made shows it: the verdict got is that finding's, not the
// pass of the exploration that missed it, and the row carries the finding
// and its shrunk schedule (named after the strategy that found it), from
// which the verdict table names that strategy (catalog/verdicttable).
func TestJudge_FindingOfACrossCheck(t *testing.T) {
	s := writeScenario(t, "gen-104.scn", crossCheckScenario)
	var e scenario.Expectation
	for _, x := range s.Expect {
		if x.Edition == spec.Virtio14 {
			e = x
		}
	}
	o, err := Judge(context.Background(), s, e, JudgeConfig{Jobs: 1})
	require.NoError(t, err)
	require.Len(t, o.Runs, 2)
	require.Empty(t, o.Runs[0].Explored.Findings, "the scenario's own exploration finds nothing")
	require.NotEmpty(t, o.Runs[1].Explored.Findings, "the cross-check finds the error")

	assert.False(t, o.Match)
	assert.Equal(t, scenario.VerdictError, o.Got)
	assert.Equal(t, "vf-reset", o.GotOracle)
	assert.Equal(t, 1, o.FindingRun)
	assert.Equal(t, o.Runs[1].Explored.Findings[0].Index, o.FindingIndex)
	require.NotNil(t, o.Finding)
	assert.Equal(t, "error:vf-reset", o.Finding.Oracle)
	assert.Equal(t, ImpactFlow, o.Finding.Impact)
	require.NotNil(t, o.Shrunk)
	require.NotNil(t, o.Schedule)
	assert.Equal(t, engine.StrategyPCT, o.Schedule.Strategy)
	assert.Equal(t, o.FindingIndex, o.Schedule.Index)
	res, err := ReplaySchedule(o.Schedule, engine.RunConfig{})
	require.NoError(t, err, "the schedule replays to its finding")
	require.NotNil(t, res.Finding)
	assert.Equal(t, "error:vf-reset", res.Finding.Oracle)

}
