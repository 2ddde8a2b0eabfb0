package engine_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/merge"
)

// explorePart explores one shard (or everything, shards 1) with MergeData.
func explorePart(t *testing.T, cfg engine.ExploreConfig, shard, shards int) engine.Summary {
	t.Helper()
	cfg.Shard, cfg.Shards, cfg.MergeData = shard, shards, true
	sum, err := engine.Explore(context.Background(), cfg)
	require.NoError(t, err)
	return sum
}

// mergeView is what must agree between one process and merged shards.
func mergeView(s engine.Summary) engine.Summary {
	s = engine.WithoutCost(s)
	s.Shard, s.Shards = 0, 1
	return s
}

// Every strategy shards: the merge of n shards is the summary of one
// process with the same configuration, and dfs shards partition the tree.
func TestMerge_ShardsEqualOneProcess(t *testing.T) {
	cases := []struct {
		name string
		cfg  engine.ExploreConfig
	}{
		{"random", engine.ExploreConfig{Factory: engine.NoisyRaceFactory(), Strategy: engine.StrategyRandom, Schedules: 700, Seed: 3}},
		{"pct", engine.ExploreConfig{Factory: engine.NoisyRaceFactory(), Strategy: engine.StrategyPCT, Schedules: 700, Seed: 3, Memo: &engine.MemoConfig{}}},
		{"dfs sleep", engine.ExploreConfig{Factory: engine.LostUpdateFactory(), Strategy: engine.StrategyDFS, Schedules: 100_000, Bound: 2, SplitDepth: 3}},
		{"dfs dpor", engine.ExploreConfig{Factory: engine.NoisyRaceFactory(), Strategy: engine.StrategyDFS, Schedules: 100_000, Bound: 1,
			Reduction: engine.ReductionDPOR, SplitDepth: 4}},
		{"dfs none", engine.ExploreConfig{Factory: engine.LostUpdateFactory(), Strategy: engine.StrategyDFS, Schedules: 100_000, Bound: 1,
			Reduction: engine.ReductionNone, SplitDepth: 2}},
	}
	for _, tc := range cases {
		whole := explorePart(t, tc.cfg, 0, 1)
		require.NotEmpty(t, whole.Findings, tc.name)
		for _, n := range []int{2, 4} {
			var parts []engine.Summary
			for i := 0; i < n; i++ {
				parts = append(parts, explorePart(t, tc.cfg, i, n))
			}
			got, err := merge.Summaries(parts)
			require.NoError(t, err, tc.name)
			assert.Equal(t, mergeView(whole), mergeView(got), "%s, %d shards", tc.name, n)
			if tc.cfg.Strategy == engine.StrategyDFS {
				busy := 0
				for _, p := range parts {
					if p.Schedules > 0 {
						busy++
					}
				}
				assert.Greater(t, busy, 1, "%s, %d shards: the work is split", tc.name, n)
			}
		}
	}
}

// Sharded dfs reaches exactly the outcomes of one process on random toy
// systems, for every reduction.
func TestMerge_DFSShardsSound(t *testing.T) {
	for sys, ps := range engine.PropSystems(engine.PropSystemCount() / 3) {
		for _, red := range []engine.Reduction{engine.ReductionSleep, engine.ReductionDPOR} {
			cfg := engine.ExploreConfig{Factory: ps.Factory, Strategy: engine.StrategyDFS, Schedules: 1 << 20,
				Bound: 1, Reduction: red, SplitDepth: 2}
			whole := explorePart(t, cfg, 0, 1)
			var parts []engine.Summary
			for i := 0; i < 3; i++ {
				parts = append(parts, explorePart(t, cfg, i, 3))
			}
			got, err := merge.Summaries(parts)
			require.NoError(t, err)
			if !assert.Equal(t, mergeView(whole), mergeView(got), fmt.Sprintf("system %d %s\n%s", sys, red, ps.Text)) {
				return
			}
		}
	}
}

// Merging refuses summaries that do not make one exploration.
func TestMerge_Errors(t *testing.T) {
	cfg := engine.ExploreConfig{Factory: engine.LostUpdateFactory(), Strategy: engine.StrategyRandom, Schedules: 50, Seed: 1}
	a, b := explorePart(t, cfg, 0, 2), explorePart(t, cfg, 1, 2)
	other := b
	other.Seed = 2
	noData := b
	noData.Interleavings = nil
	// A shard count as a summary file may state it: the merge allocates
	// nothing proportional to it.
	huge0, huge1 := a, b
	huge0.Shards, huge1.Shards = 4_000_000_000_000, 4_000_000_000_000
	third0, third2 := a, b
	third0.Shards, third2.Shards, third2.Shard = 3, 3, 2
	outOfRange := b
	outOfRange.Shard = 7
	cases := []struct {
		parts []engine.Summary
		want  string
	}{
		{nil, "engine: merge: no summaries"},
		{[]engine.Summary{a}, "engine: merge: shard 1/2 is missing"},
		{[]engine.Summary{a, a}, "engine: merge: shard 0/2 appears twice (summary 0 and summary 1)"},
		{[]engine.Summary{a, other}, "engine: merge: summary 1 is shard 1/2 of a random exploration with seed 2, summary 0 is shard 0/2 of a random exploration with seed 1: not one exploration"},
		{[]engine.Summary{a, noData}, "engine: merge: shard 1/2 (summary 1) was explored without MergeData"},
		{[]engine.Summary{huge0, huge1}, "engine: merge: shard 2/4000000000000 is missing"},
		{[]engine.Summary{huge1}, "engine: merge: shard 0/4000000000000 is missing"},
		{[]engine.Summary{third2, third0}, "engine: merge: shard 1/3 is missing"},
		{[]engine.Summary{a, outOfRange}, "engine: merge: summary 1: shard 7 out of range 0..1"},
	}
	for _, tc := range cases {
		_, err := merge.Summaries(tc.parts)
		assert.EqualError(t, err, tc.want)
	}
	// Named parts (shard summary files) are named in the errors.
	_, err := merge.Named([]engine.Summary{a, other}, []string{"a.json", "b.json"})
	assert.EqualError(t, err, "b.json is shard 1/2 of a random exploration with seed 2, a.json is shard 0/2 of a random exploration with seed 1: not one exploration")
	_, err = merge.Named([]engine.Summary{a, a}, []string{"a.json", "c.json"})
	assert.EqualError(t, err, "shard 0/2 appears twice (a.json and c.json)")
}

// The memory a merge takes is the parts', not the shard count's: a
// million shards stated, two given, allocate what two of two would.
func TestMerge_ShardCountAllocatesNothing(t *testing.T) {
	cfg := engine.ExploreConfig{Factory: engine.LostUpdateFactory(), Strategy: engine.StrategyRandom, Schedules: 50, Seed: 1}
	a, b := explorePart(t, cfg, 0, 2), explorePart(t, cfg, 1, 2)
	bytesOf := func(shards int) uint64 {
		x, y := a, b
		x.Shards, y.Shards = shards, shards
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := merge.Summaries([]engine.Summary{x, y})
		runtime.ReadMemStats(&after)
		if shards == 2 {
			require.NoError(t, err)
		} else {
			require.Error(t, err)
		}
		return after.TotalAlloc - before.TotalAlloc
	}
	two := bytesOf(2)
	assert.Less(t, bytesOf(1_000_000), two+4096, "a stated shard count of 10^6 allocates about what 2 does")
}

// Shards that each kept only their first DistinctCap interleavings merge
// into a lower bound: the union of what they kept, DistinctCapped set,
// every other field as one process gives it.
func TestMerge_DistinctCapped(t *testing.T) {
	cfg := engine.ExploreConfig{Factory: engine.NoisyRaceFactory(), Strategy: engine.StrategyRandom, Schedules: 700, Seed: 3}
	whole := mergeView(explorePart(t, cfg, 0, 1))
	cfg.DistinctCap = 5
	var parts []engine.Summary
	for i := 0; i < 2; i++ {
		p := explorePart(t, cfg, i, 2)
		require.True(t, p.DistinctCapped, "shard %d", i)
		parts = append(parts, p)
	}
	got, err := merge.Summaries(parts)
	require.NoError(t, err)
	assert.True(t, got.DistinctCapped)
	assert.Subset(t, whole.Interleavings, got.Interleavings)
	assert.Equal(t, len(got.Interleavings), got.Distinct)
	assert.GreaterOrEqual(t, got.Distinct, 5)
	assert.LessOrEqual(t, got.Distinct, 10)
	got = mergeView(got)
	got.Distinct, got.DistinctCapped, got.Interleavings = whole.Distinct, false, whole.Interleavings
	assert.Equal(t, whole, got)
}
