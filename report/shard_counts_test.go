package report

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// resealed returns the shard summary at name under shardTestdata, changed
// by change and sealed again, as a writer with a bug (or a hand that knows
// the checksum) would leave it.
func resealed(t *testing.T, name string, change func(sf *ShardFile)) []byte {
	t.Helper()
	sf, err := ReadShardFile(filepath.Join(shardTestdata, name))
	require.NoError(t, err)
	change(sf)
	sf.Checksum, err = sf.checksum()
	require.NoError(t, err)
	b, err := json.Marshal(sf)
	require.NoError(t, err)
	return b
}

const (
	pctShard1 = "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.shard-1-of-2.summary.json" // pct 6 schedules, a finding at #5
	dfsShard0 = "test-smoke_draft-2023.shard-0-of-2.summary.json"                                  // dfs up to 12 runs, budget spent
)

// Counts that no exploration gives are refused although the checksum
// holds; the same summaries as explore wrote them, or changed the way an
// honest run could have left them (interrupted), are accepted.
func TestShardFile_CountChecks(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		change     func(sf *ShardFile)
		want       string // "": accepted
	}{
		{"pct as written", pctShard1, func(*ShardFile) {}, ""},
		{"no build identity", pctShard1, func(sf *ShardFile) { sf.Build = "" },
			"field build: empty, want the identity of the migsim build that wrote the summary"},
		{"pct below its share", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Schedules = 2 },
			"field report.summary.Schedules: 2, but shard 1/2 of 6 schedules runs 3"},
		{"pct below its share, interrupted", pctShard1, func(sf *ShardFile) {
			sf.Report.Summary.Schedules, sf.Report.Summary.Interrupted = 2, true
			sf.Report.Summary.Executed = 5
		}, ""},
		{"pct above its share", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Schedules = 4 }, "field report.summary.Schedules: 4"},
		{"pct executed far above what it ran", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Executed = 600 },
			"field report.summary.Executed: 600 executed and 0 memo hits (0 checked again), but shard 1/2 of 6 schedules runs 6"},
		{"pct executed below what it ran", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Executed = 5 }, "field report.summary.Executed: 5"},
		{"pct memo hits for the missing runs", pctShard1, func(sf *ShardFile) {
			sf.Report.Summary.Executed, sf.Report.Summary.Memo.Hits = 5, 1
		}, ""},
		{"more decisions than the step bound allows", pctShard1, func(sf *ShardFile) {
			sf.Report.Summary.Decisions = int64(sf.Report.MaxSteps)*3 + 1
		}, "field report.summary.Decisions"},
		{"as many decisions as the step bound allows", pctShard1, func(sf *ShardFile) {
			sf.Report.Summary.Decisions = int64(sf.Report.MaxSteps) * 3
		}, ""},
		{"a finding at another shard's index", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Findings[0].Index = 4 },
			"field report.summary.Findings[0]: schedule #4"},
		{"fewer failing runs than findings", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Failing = 0 },
			"field report.summary.Failing: 0 failing runs for 1 findings"},
		{"executed decisions negative", pctShard1, func(sf *ShardFile) { sf.Report.Summary.ExecutedDecisions = -1 },
			"field report.summary.ExecutedDecisions: -1 is negative"},
		{"a state table full at a negative run", pctShard1, func(sf *ShardFile) { sf.Report.Summary.StatesFullAt = -3 },
			"field report.summary.StatesFullAt: -3 is negative"},
		{"a negative state cap", pctShard1, func(sf *ShardFile) { sf.Report.Summary.StateCap = -1 },
			"field report.summary.StateCap: -1 is negative"},
		{"executed decisions above the step bound", pctShard1, func(sf *ShardFile) {
			sf.Report.Summary.ExecutedDecisions = int64(sf.Report.MaxSteps)*int64(sf.Report.Summary.Executed) + 1
		}, "field report.summary.ExecutedDecisions: "},
		{"executed decisions at the step bound", pctShard1, func(sf *ShardFile) {
			sf.Report.Summary.ExecutedDecisions = int64(sf.Report.MaxSteps) * int64(sf.Report.Summary.Executed)
		}, ""},
		// No explore writes these: a hand that knows the checksum would
		// make the merge's sums wrap around (decisions printed negative).
		{"a step bound above --max-steps's limit", pctShard1, func(sf *ShardFile) {
			sf.Report.MaxSteps, sf.Report.Summary.Decisions = scenario.MaxSteps+1, math.MaxInt64
		}, "field report.max_steps: 10000001, want a step bound of 1..10000000 (--max-steps)"},
		{"a budget above --schedules's limit", pctShard1, func(sf *ShardFile) { sf.Report.Schedules = scenario.MaxSchedules + 1 },
			"field report.schedules: 1000000001, want a budget of 1..1000000000 (--schedules)"},
		{"no budget", dfsShard0, func(sf *ShardFile) { sf.Report.Schedules = 0 },
			"field report.schedules: 0, want a budget of 1..1000000000 (--schedules)"},
		{"a bound above --bound's limit", dfsShard0, func(sf *ShardFile) { sf.Report.Bound = scenario.MaxBound + 1 },
			"field report.bound: 65, want a preemption bound of -1..64 (--bound)"},
		{"a bound below none", dfsShard0, func(sf *ShardFile) { sf.Report.Bound = -2 },
			"field report.bound: -2, want a preemption bound of -1..64 (--bound)"},
		{"a state table full past the budget", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.StatesFullAt, sf.Report.Summary.StateCap = 13, engine.MinStateCap
		}, "field report.summary.StatesFullAt: the state table full at run 13, the known transitions at run 0, with a budget of 12 runs"},
		{"a state table full within the budget", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.StatesFullAt, sf.Report.Summary.StateCap = 12, engine.MinStateCap
			sf.Report.Budget += " up to 1024 states" // explore ran with --state-cap 1024
		}, ""},
		{"a state table full at a cap the budget does not name", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.StatesFullAt, sf.Report.Summary.StateCap = 12, engine.MinStateCap
		}, `field report.budget: "dfs up to 12 runs per shard, seed 2, bound 0, split depth 1, state pruning", but the fields it names (strategy, schedules, seed, bound, max_steps, shards, reduction, split depth, states) say "dfs up to 12 runs per shard, seed 2, bound 0, split depth 1, state pruning up to 1024 states"`},
		// Merge prints the budget text as its header and the fields below
		// it: they must say one exploration.
		{"no preemption bound, the text says bound 0", dfsShard0, func(sf *ShardFile) { sf.Report.Bound, sf.Report.Summary.BoundHit = -1, false },
			`field report.budget: "dfs up to 12 runs per shard, seed 2, bound 0, split depth 1, state pruning", but the fields it names (strategy, schedules, seed, bound, max_steps, shards, reduction, split depth, states) say "dfs up to 12 runs per shard, seed 2, unbounded, split depth 1, state pruning"`},
		{"no preemption bound, the text says so", dfsShard0, func(sf *ShardFile) {
			sf.Report.Bound, sf.Report.Summary.BoundHit = -1, false
			sf.Report.Budget = "dfs up to 12 runs per shard, seed 2, unbounded, split depth 1, state pruning"
		}, ""},
		{"a budget text of another seed", dfsShard0, func(sf *ShardFile) {
			sf.Report.Budget = "dfs up to 12 runs per shard, seed 3, bound 0, split depth 1, state pruning"
		}, `field report.budget: "dfs up to 12 runs per shard, seed 3,`},
		{"a budget text without per shard", dfsShard0, func(sf *ShardFile) {
			sf.Report.Budget = "dfs up to 12 runs, seed 2, bound 0, split depth 1, state pruning"
		}, "field report.budget: "},
		{"a budget text of another split depth", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.SplitDepth = 2 }, "field report.budget: "},
		{"a budget text of another step bound", pctShard1, func(sf *ShardFile) { sf.Report.MaxSteps = 5000 },
			`field report.budget: "pct 6 schedules, seed 1, depth 3", but the fields it names (strategy, schedules, seed, bound, max_steps, shards, reduction, split depth, states) say "pct 6 schedules, seed 1, depth 3, max steps 5000"`},
		{"a pct budget text without a depth", pctShard1, func(sf *ShardFile) { sf.Report.Budget = "pct 6 schedules, seed 1, depth x" },
			"field report.budget: "},
		{"a pct budget text of another depth", pctShard1, func(sf *ShardFile) { sf.Report.Budget = "pct 6 schedules, seed 1, depth 5" }, ""},
		// What the text alone says must be what explore takes.
		{"a pct budget text of depth 0", pctShard1, func(sf *ShardFile) { sf.Report.Budget = "pct 6 schedules, seed 1, depth 0" },
			`field report.budget: "pct 6 schedules, seed 1, depth 0": depth 0, want 1..64 (--depth)`},
		{"a pct budget text of a negative depth", pctShard1, func(sf *ShardFile) { sf.Report.Budget = "pct 6 schedules, seed 1, depth -3" },
			`field report.budget: "pct 6 schedules, seed 1, depth -3": depth -3, want 1..64 (--depth)`},
		{"a pct budget text of depth 65", pctShard1, func(sf *ShardFile) { sf.Report.Budget = "pct 6 schedules, seed 1, depth 65" },
			`field report.budget: "pct 6 schedules, seed 1, depth 65": depth 65, want 1..64 (--depth)`},
		{"a budget text of a state cap below --state-cap's", dfsShard0, func(sf *ShardFile) {
			sf.Report.Budget = "dfs up to 12 runs per shard, seed 2, bound 0, split depth 1, state pruning up to 5 states"
		}, `field report.budget: "dfs up to 12 runs per shard, seed 2, bound 0, split depth 1, state pruning up to 5 states": a state cap of 5, want 1024..67108864 (--state-cap)`},
		{"a budget text of a state cap --state-cap takes", dfsShard0, func(sf *ShardFile) {
			sf.Report.Budget = "dfs up to 12 runs per shard, seed 2, bound 0, split depth 1, state pruning up to 4096 states"
		}, ""},
		{"known transitions full, no cap", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.TransitionsFullAt = 3 },
			"field report.summary.StateCap: 0, want 1024..67108864 (--state-cap) when a table was full (state table full at run 0, known transitions at run 3), else 0"},
		{"a cap above --state-cap's limit", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.StatesFullAt, sf.Report.Summary.StateCap = 12, engine.MaxStateCap+1
		}, "field report.summary.StateCap: 67108865"},
		{"a cap, no table full", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.StateCap = engine.MinStateCap },
			"field report.summary.StateCap: 1024"},
		{"a split depth above --split-depth's limit", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.SplitDepth = scenario.MaxBound + 1 },
			"field report.summary.SplitDepth: 65, want 0..64 (--split-depth)"},
		{"a negative split depth", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.SplitDepth = -1 },
			"field report.summary.SplitDepth: -1, want 0..64 (--split-depth)"},
		{"a reduction no build knows", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.Reduction = 3 },
			"field report.summary.Reduction: 3, want 0..2 (sleep, dpor, none)"},
		{"a finding past the step bound", pctShard1, func(sf *ShardFile) {
			sf.Report.Summary.Findings[0].Finding.Step = sf.Report.MaxSteps + 1
		}, "field report.summary.Findings[0].Finding.step: 200001, in a run of at most 200000 steps"},
		{"a finding at the step bound", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Findings[0].Finding.Step = sf.Report.MaxSteps }, ""},
		// A finding seen before the first step (nothing could run: the
		// engine's step -1, which a schedule file's finding.step takes
		// too) is one a shard may write.
		{"a finding before the first step", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Findings[0].Finding.Step = -1 }, ""},
		{"a finding before step -1", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Findings[0].Finding.Step = -2 },
			"field report.summary.Findings[0].Finding.step: -2, in a run of at most 200000 steps"},
		{"pct with pruned runs", pctShard1, func(sf *ShardFile) { sf.Report.Summary.Pruned = 1 }, "in a pct exploration"},
		{"dfs as written", dfsShard0, func(*ShardFile) {}, ""},
		{"dfs executed above its budget", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.Executed = 13 },
			"field report.summary.Executed: 13 runs executed, 1 complete and 11 pruned, with a budget of 12"},
		{"dfs complete runs not executed", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.Executed, sf.Report.Summary.ExecutedDecisions = 0, 0 },
			"field report.summary.Executed: 0 runs executed for 1 complete ones"},
		{"dfs budget not spent", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.Pruned = 5; sf.Report.Summary.Executed = 1 },
			"field report.summary.Complete: neither exhausted nor interrupted"},
		{"dfs budget not spent, interrupted", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.Pruned, sf.Report.Summary.Executed, sf.Report.Summary.Interrupted = 5, 6, true
		}, ""},
		{"dfs known runs in a split search", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.Pruned, sf.Report.Summary.Executed, sf.Report.Summary.Interrupted = 5, 4, true
		}, "field report.summary.Executed: 4 runs executed for 1 complete and 5 pruned, but a split search runs every run it counts"},
		{"dfs known runs in a split search, budget spent", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.Pruned, sf.Report.Summary.Executed = 11, 11
		}, "field report.summary.Executed: 11 runs executed for 1 complete and 11 pruned"},
		{"dfs subtree runs", dfsShard0, func(sf *ShardFile) { sf.Report.Summary.Subtrees[0].Runs = 2 },
			"field report.summary.Subtrees: 2 runs in the subtrees, Schedules says 1"},
		{"dfs bound hit without a bound", dfsShard0, func(sf *ShardFile) {
			sf.Report.Bound, sf.Report.Summary.BoundHit = -1, true
		}, "field report.summary.BoundHit"},
		{"interleavings out of order", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.Schedules, sf.Report.Summary.Pruned, sf.Report.Summary.Distinct = 2, 10, 2
			sf.Report.Summary.Subtrees[0].Runs = 2
			sf.Report.Summary.Interleavings = []uint64{5, 5}
		}, "field report.summary.Interleavings[1]"},
		{"no interleaving", dfsShard0, func(sf *ShardFile) {
			sf.Report.Summary.Distinct, sf.Report.Summary.Interleavings = 0, nil
		}, "field report.summary.Distinct: no interleaving in 1 schedules"},
	} {
		_, err := ParseShardFile(resealed(t, tc.file, tc.change))
		if tc.want == "" {
			assert.NoError(t, err, tc.name)
			continue
		}
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
}

// Shards that differ in what they explored besides the header's texts
// (an edited scenario, another step bound, another build) are not one
// exploration: the error names both files and the field.
func TestMergeShards_OneExploration(t *testing.T) {
	const other = "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.shard-0-of-2.summary.json"
	for _, tc := range []struct {
		name   string
		change func(sf *ShardFile)
		want   string
	}{
		{"scenario edited", func(sf *ShardFile) { sf.Report.ScenarioHash = "0123456789abcdef" },
			`a and b are not one exploration: field report.scenario_hash is "` + "%s" + `" in the first, "0123456789abcdef" in the second (the scenario changed between them`},
		{"step bound", func(sf *ShardFile) { sf.Report.MaxSteps, sf.Report.Budget = 5000, sf.Report.Budget+", max steps 5000" }, `field report.max_steps is "%d" in the first, "5000" in the second`},
		{"state pruning", func(sf *ShardFile) { sf.Report.States = true }, `field report.states is "false" in the first, "true" in the second`},
		{"module version", func(sf *ShardFile) { sf.Module = "v9.9.9" }, `field module is "devel" in the first, "v9.9.9" in the second (two builds`},
		// Both "devel", as every unversioned build says: the build identity
		// alone tells an older commit's binary from this one.
		{"build identity", func(sf *ShardFile) { sf.Build = "sha256:0123456789abcdef" },
			`a and b are not one exploration: field build is "vcs:2dc989baa5e4809c3aff3699a8d072251e72ce1c" in the first, "sha256:0123456789abcdef" in the second (two builds of migsim: explore every shard with one)`},
		{"build identity of a modified tree", func(sf *ShardFile) {
			sf.Build = "vcs:2dc989baa5e4809c3aff3699a8d072251e72ce1c+modified sha256:0123456789abcdef"
		}, `field build is "vcs:2dc989baa5e4809c3aff3699a8d072251e72ce1c" in the first, "vcs:2dc989baa5e4809c3aff3699a8d072251e72ce1c+modified sha256:0123456789abcdef" in the second (two builds`},
	} {
		a, err := ParseShardFile(resealed(t, other, func(*ShardFile) {}))
		require.NoError(t, err)
		b, err := ParseShardFile(resealed(t, pctShard1, tc.change))
		require.NoError(t, err, tc.name)
		_, _, err = MergeShards([]*ShardFile{a, b}, []string{"a", "b"}, MergeOptions{})
		require.Error(t, err, tc.name)
		want := tc.want
		switch tc.name {
		case "scenario edited":
			want = fmt.Sprintf(want, a.Report.ScenarioHash)
		case "step bound":
			want = fmt.Sprintf(want, a.Report.MaxSteps)
		}
		assert.Contains(t, err.Error(), want, tc.name)
	}
}
