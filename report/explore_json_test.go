package report

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
)

// The document takes the target's parts from the report's data, never
// from the header's text (a setting whose value has a space stays whole),
// gives a dfs search its bound and completeness (a sampling none), and
// names the schedule file only when one was written.
func TestExplorationDoc(t *testing.T) {
	found := engine.Report{Index: 3, Seed: 9, Finding: engine.Finding{Oracle: "frozen-context", Step: 4}}
	shrunkFd := engine.Finding{Oracle: "frozen-context", Step: 2, Impact: "rule-only"}
	for _, tc := range []struct {
		name string
		rep  Exploration
		want func(t *testing.T, d ExplorationDoc)
	}{
		{"pct with a finding, knobs and settings", Exploration{Target: "s draft-2023 flr-vs-mode=hold-reply set:vfs=2", Budget: "pct 10 schedules",
			Scenario: "s", Edition: "draft-2023", Knobs: []string{"flr-vs-mode=hold-reply"}, Settings: []string{"vfs=2"},
			Strategy: engine.StrategyPCT, Schedules: 10,
			Summary:  engine.Summary{Schedules: 10, Executed: 9, Distinct: 4, Failing: 2, Findings: []engine.Report{found}},
			Shrunk:   &engine.ShrinkResult{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 3}, Result: engine.Result{Finding: &shrunkFd}},
			Schedule: &schedfile.Schedule{}, Path: "out/s.json"},
			func(t *testing.T, d ExplorationDoc) {
				assert.Equal(t, []any{"s", "draft-2023", []string{"flr-vs-mode=hold-reply"}, []string{"vfs=2"}}, []any{d.Scenario, d.Edition, d.Knobs, d.Settings})
				assert.Nil(t, d.Explored.Bound)
				assert.Equal(t, []int{10, 10, 9, 4, 2}, []int{d.Explored.Budget, d.Explored.Schedules, d.Explored.Executed, d.Explored.Distinct, d.Explored.Failing})
				require.Len(t, d.Findings, 1)
				assert.Equal(t, DocFinding{Index: 3, Seed: 9, Finding: found.Finding}, d.Findings[0])
				assert.Equal(t, &shrunkFd, d.Finding, "the shrunk run's finding")
				assert.Equal(t, &DocShrunk{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 3}}, d.Shrunk)
				assert.Equal(t, []string{"out/s.json", "migsim replay out/s.json"}, []string{d.Schedule, d.Replay})
			}},
		{"a shrink an interrupt cut", Exploration{Target: "s draft-2023", Scenario: "s", Edition: "draft-2023", Strategy: engine.StrategyPCT, Schedules: 10,
			Summary: engine.Summary{Schedules: 10, Failing: 1, Findings: []engine.Report{found}},
			Shrunk:  &engine.ShrinkResult{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 5}, Interrupted: true, Result: engine.Result{Finding: &shrunkFd}}},
			func(t *testing.T, d ExplorationDoc) {
				assert.Equal(t, &DocShrunk{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 5}, Interrupted: true}, d.Shrunk,
					"a document tells a cut shrink from one that found nothing smaller")
			}},
		{"a shrink its replay budget cut", Exploration{Target: "s draft-2023", Scenario: "s", Edition: "draft-2023", Strategy: engine.StrategyPCT, Schedules: 10,
			Summary: engine.Summary{Schedules: 10, Failing: 1, Findings: []engine.Report{found}},
			Shrunk:  &engine.ShrinkResult{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 5}, BudgetSpent: true, Result: engine.Result{Finding: &shrunkFd}}},
			func(t *testing.T, d ExplorationDoc) {
				assert.Equal(t, &DocShrunk{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 5}, BudgetSpent: true}, d.Shrunk,
					"a document tells a shrink its budget cut from one that found nothing smaller")
			}},
		{"a finding kept as found (--no-shrink)", Exploration{Target: "s draft-2023", Scenario: "s", Edition: "draft-2023", Strategy: engine.StrategyPCT, Schedules: 10,
			Summary:   engine.Summary{Schedules: 10, Failing: 1, Findings: []engine.Report{found}},
			Shrunk:    &engine.ShrinkResult{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 5}, Replays: 1, BudgetSpent: true, Result: engine.Result{Finding: &shrunkFd}},
			NotShrunk: true},
			func(t *testing.T, d ExplorationDoc) {
				assert.True(t, d.NotShrunk)
				assert.Equal(t, &DocShrunk{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 5}}, d.Shrunk,
					"no shrink ran, so none ran out of budget: the one replay that annotates the run is not a shrink's budget")
			}},
		{"a schedule path with a space", Exploration{Target: "s draft-2023", Scenario: "s", Edition: "draft-2023", Strategy: engine.StrategyPCT, Schedules: 10,
			Summary:  engine.Summary{Schedules: 10, Failing: 1, Findings: []engine.Report{found}},
			Shrunk:   &engine.ShrinkResult{Before: engine.Size{Steps: 5}, After: engine.Size{Steps: 3}, Result: engine.Result{Finding: &shrunkFd}},
			Schedule: &schedfile.Schedule{}, Path: "my out/s.json"},
			func(t *testing.T, d ExplorationDoc) {
				assert.Equal(t, []string{"my out/s.json", "migsim replay 'my out/s.json'"}, []string{d.Schedule, d.Replay},
					"the command pastes into a shell; the path is the file's")
			}},
		{"a value with a space", Exploration{Target: "s virtio-1.4 set:note=a b", Scenario: "s", Edition: "virtio-1.4", Settings: []string{"note=a b"},
			Strategy: engine.StrategyRandom, Schedules: 1},
			func(t *testing.T, d ExplorationDoc) {
				assert.Equal(t, []any{"s", "virtio-1.4", []string{}, []string{"note=a b"}}, []any{d.Scenario, d.Edition, d.Knobs, d.Settings})
			}},
		{"dfs exhausted within its bound", Exploration{Target: "s virtio-1.4", Scenario: "s", Edition: "virtio-1.4", Strategy: engine.StrategyDFS, Bound: 2, Schedules: 1000,
			Summary: engine.Summary{Schedules: 40, Complete: true, BoundHit: true, Shards: 4}, Merged: 4},
			func(t *testing.T, d ExplorationDoc) {
				assert.Equal(t, []string{}, d.Knobs)
				assert.Nil(t, d.Settings)
				require.NotNil(t, d.Explored.Bound)
				assert.Equal(t, 2, *d.Explored.Bound)
				assert.Equal(t, []bool{true, false, false, true}, []bool{*d.Explored.CompleteWithinBound, *d.Explored.CompleteUnbounded, d.Explored.Exhaustive, d.Explored.BoundHit})
				assert.Equal(t, []int{4, 4}, []int{d.Explored.Shards, d.Merged})
				assert.Empty(t, d.Findings)
				assert.Nil(t, d.Finding)
				assert.Empty(t, d.Schedule)
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want(t, tc.rep.Doc())
			var b bytes.Buffer
			require.NoError(t, tc.rep.WriteJSON(&b))
			var back ExplorationDoc
			require.NoError(t, json.Unmarshal(b.Bytes(), &back), b.String())
			assert.Equal(t, tc.rep.Doc().Target, back.Target)
			assert.NotNil(t, back.Findings, "findings is a list, never null")
		})
	}
}

// A finding's seed is above 2^53 more often than not; the document
// writes it as a decimal string, as the schedule file does, so that a
// reader that holds numbers as doubles gets the seed that replays it.
func TestExplorationDoc_SeedExactAsDouble(t *testing.T) {
	const seed uint64 = 8038239006130193684 // ScheduleSeed(1, 0): not a double
	require.NotEqual(t, seed, uint64(float64(seed)))
	rep := Exploration{Target: "s draft-2023", Scenario: "s", Edition: "draft-2023", Strategy: engine.StrategyPCT, Schedules: 1,
		Summary: engine.Summary{Schedules: 1, Failing: 1, Findings: []engine.Report{{Index: 0, Seed: seed, Finding: engine.Finding{Oracle: "live"}}}}}
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJSON(&buf))
	var doc struct {
		Findings []struct {
			Seed any `json:"seed"`
		} `json:"findings"`
	}
	require.NoError(t, json.Unmarshal(buf.Bytes(), &doc), "a reader that decodes numbers as float64")
	require.Len(t, doc.Findings, 1)
	assert.Equal(t, "8038239006130193684", doc.Findings[0].Seed)
}
