package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/schedfile"
)

// PrintWhy names the orderings by their steps' labels and, when the run
// cannot be recorded again for the admin commands, says so under them
// with the error as errText renders it (its own text without errText).
func TestPrintWhy_AdminCommandsError(t *testing.T) {
	ex := &explain.Explanation{Steps: 3, Checked: 3, Orders: []explain.Order{{Before: 0, After: 2, Moved: 2, Instead: "lost-kick"}}}
	cs := []engine.Choice{{Label: "vcpu0:kick"}, {Label: "hv:stop"}, {Label: "hv:freeze"}}
	sc := &schedfile.Schedule{Scenario: "no-such-scenario", Edition: "draft-2023"}
	var own, rendered bytes.Buffer
	PrintWhy(&own, ex, cs, sc, 0, nil)
	PrintWhy(&rendered, ex, cs, sc, 0, func(err error) string { return "RENDERED" })
	order := "    step 1 vcpu0:kick before step 3 hv:freeze (reversed: lost-kick instead)\n"
	assert.True(t, strings.HasPrefix(own.String(), "  why: "+ex.Text()+"\n"+order), own.String())
	assert.Contains(t, own.String(), "    (the admin commands of these steps are not named: report: admin commands: catalog: no scenario \"no-such-scenario\"")
	assert.Equal(t, "  why: "+ex.Text()+"\n"+order+"    (the admin commands of these steps are not named: RENDERED)\n", rendered.String())
	var alone bytes.Buffer
	PrintWhy(&alone, ex, cs, nil, 0, nil) // no schedule: the labels stand alone
	assert.Equal(t, "  why: "+ex.Text()+"\n"+order, alone.String())
}

// PrintResult's shrunk line words the shrink as migsim run's table does
// (catalog.ShrinkText): a schedule that lost its preemptions for a step
// more does not read as a failure to shrink.
func TestPrintResult_ShrunkLine(t *testing.T) {
	fd := engine.Finding{Oracle: "transparent", Step: 231}
	r := &Exploration{Summary: engine.Summary{Schedules: 1, Failing: 1, Findings: []engine.Report{{Finding: fd}}},
		Shrunk: &engine.ShrinkResult{Before: engine.Size{Steps: 231, Preemptions: 76, Relevant: 231},
			After: engine.Size{Steps: 232, Relevant: 232}, Replays: 977, Executed: 68,
			Result: engine.Result{Choices: make([]engine.Choice, 232)}, Slice: []int{0, 231}}}
	var b bytes.Buffer
	r.PrintResult(&b, nil)
	assert.Contains(t, b.String(), "shrunk transparent: 231 steps, 76 preemptions -> 232 steps, 0 preemptions: "+
		"76 fewer preemptions for 1 more relevant step and 1 more step, as preemptions rank first (977 replays, 68 executed), footprints: 2 of 232 steps matter\n")
}

// A shrink an interrupt cut short says so on its line, and that the
// schedule may be larger than it must, not that nothing smaller fails.
func TestPrintResult_ShrinkInterrupted(t *testing.T) {
	fd := engine.Finding{Oracle: "one-running", Step: 165}
	size := engine.Size{Steps: 166, Relevant: 166}
	r := &Exploration{Summary: engine.Summary{Schedules: 1, Failing: 1, Findings: []engine.Report{{Finding: fd}}},
		Shrunk: &engine.ShrinkResult{Before: size, After: size, Replays: 1, Executed: 1, Interrupted: true,
			Result: engine.Result{Choices: make([]engine.Choice, 166)}, Slice: []int{165}}}
	var b bytes.Buffer
	r.PrintResult(&b, nil)
	assert.Contains(t, b.String(), "shrunk one-running: 166 steps, 0 preemptions -> 166 steps, 0 preemptions: "+
		"interrupted before a smaller schedule was found (1 replay, 1 executed), footprints: 1 of 166 steps matter\n")
	assert.Contains(t, b.String(), "shrinking interrupted: the schedule below still fails the same way but may not be minimal\n")
	assert.NotContains(t, b.String(), "no smaller schedule fails the same way")
}

// A count of distinct interleavings past the explorer's cap prints as the
// lower bound it is, and a capped shard summary keeps saying so through
// its file; below the cap the summary line and the file are as before
// (the field is left out of the file).
func TestPrintSummary_DistinctCapped(t *testing.T) {
	for _, tc := range []struct {
		capped bool
		line   string
	}{
		{false, "schedules: 9, decisions: 90, distinct interleavings: 4, failing: 0, findings: 0\n"},
		{true, "schedules: 9, decisions: 90, distinct interleavings: ≥4, failing: 0, findings: 0\n"},
	} {
		rep := Exploration{Target: "t virtio-1.4", Scenario: "t", Edition: "virtio-1.4", Budget: "random 18 schedules, seed 0, max steps 100", Strategy: engine.StrategyRandom, Schedules: 18, ScenarioHash: "h", MaxSteps: 100,
			Summary: engine.Summary{Strategy: engine.StrategyRandom, Shard: 1, Shards: 2, Schedules: 9, Decisions: 90, Executed: 9,
				ExecutedDecisions: 90, Distinct: 4, DistinctCapped: tc.capped, Interleavings: []uint64{1, 2, 3, 4}}}
		var b bytes.Buffer
		rep.PrintSummary(&b)
		assert.True(t, strings.HasPrefix(b.String(), tc.line), "%q", b.String())

		path := filepath.Join(t.TempDir(), "x.summary.json")
		require.NoError(t, WriteShardFile(path, &rep))
		raw, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, tc.capped, strings.Contains(string(raw), "DistinctCapped"), "the field is in the file only when set")
		sf, err := ReadShardFile(path)
		require.NoError(t, err)
		assert.Equal(t, tc.capped, sf.Report.Summary.DistinctCapped)
	}
}

// PrintResult says when every schedule of the exploration failed (the
// finding then does not hang on the interleaving it sampled), and not
// when one passed, when one schedule ran or when the run was interrupted.
func TestPrintResult_EveryScheduleFailed(t *testing.T) {
	const line = "every schedule explored failed (100 of 100): no interleaving the exploration tried avoids a finding\n"
	fd := engine.Finding{Oracle: "transparent", Step: 3}
	cases := []struct {
		name string
		sum  engine.Summary
		want bool
	}{
		{"all failed", engine.Summary{Schedules: 100, Failing: 100}, true},
		{"one passed", engine.Summary{Schedules: 100, Failing: 99}, false},
		{"one schedule", engine.Summary{Schedules: 1, Failing: 1}, false},
		{"interrupted", engine.Summary{Schedules: 100, Failing: 100, Interrupted: true}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.sum.Findings = []engine.Report{{Finding: fd}}
			r := &Exploration{Summary: tc.sum}
			var b bytes.Buffer
			r.PrintResult(&b, nil)
			if tc.want {
				assert.Contains(t, b.String(), line)
			} else {
				assert.NotContains(t, b.String(), "every schedule explored failed")
			}
		})
	}
}

// PrintSummary says, under a dfs search that did not exhaust its space,
// when its state table or known transitions filled and what --state-cap
// does about it; not when the search was exhausted (the cap cost runs,
// not coverage) nor when no table filled. The JSON document carries the
// runs and the cap whenever a table filled.
func TestPrintSummary_StateTableFull(t *testing.T) {
	const line = "dfs: state table full at run 600 (1024 states): later states not remembered; the search stays sound, but no run ends any more at a state explored after that, so it may spend its budget where a larger table would exhaust the space: --state-cap N remembers up to N of each\n"
	for _, c := range []struct {
		name     string
		sum      engine.Summary
		merged   int
		want     string
		wantJSON bool
	}{
		{"budget spent, table full", engine.Summary{Schedules: 700, Pruned: 300, StatesFullAt: 600, StateCap: 1024}, 0, line, true},
		{"interrupted, table full", engine.Summary{Schedules: 700, Pruned: 3, Interrupted: true, StatesFullAt: 600, StateCap: 1024}, 0, line, true},
		{"merged shards", engine.Summary{Schedules: 700, Pruned: 300, StatesFullAt: 600, StateCap: 1024}, 2,
			strings.Replace(line, "remembered;", "remembered (in a shard, at its own run);", 1), true},
		{"exhausted, table full", engine.Summary{Schedules: 700, Pruned: 300, Complete: true, StatesFullAt: 600, StateCap: 1024}, 0, "", true},
		{"budget spent, no table full", engine.Summary{Schedules: 700, Pruned: 300}, 0, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.sum.Strategy, c.sum.Distinct = engine.StrategyDFS, 1
			rep := Exploration{Strategy: engine.StrategyDFS, Bound: 2, Schedules: 1000, States: true, Merged: c.merged, Summary: c.sum}
			var b bytes.Buffer
			rep.PrintSummary(&b)
			if c.want == "" {
				assert.NotContains(t, b.String(), "full at run")
			} else {
				assert.Contains(t, b.String(), c.want)
			}
			var js bytes.Buffer
			require.NoError(t, rep.WriteJSON(&js))
			assert.Equal(t, c.wantJSON, strings.Contains(js.String(), `"states_full": 600`), "%s", js.String())
			assert.Equal(t, c.wantJSON, strings.Contains(js.String(), `"state_cap": 1024`))
		})
	}
}
