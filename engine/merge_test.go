package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// explorePart explores one shard (or everything, shards 1) with MergeData.
func explorePart(t *testing.T, cfg ExploreConfig, shard, shards int) Summary {
	t.Helper()
	cfg.Shard, cfg.Shards, cfg.MergeData = shard, shards, true
	sum, err := Explore(context.Background(), cfg)
	require.NoError(t, err)
	return sum
}

// mergeView is what must agree between one process and merged shards.
func mergeView(s Summary) Summary {
	s = withoutCost(s)
	s.Shard, s.Shards = 0, 1
	return s
}

// Every strategy shards: the merge of n shards is the summary of one
// process with the same configuration, and dfs shards partition the tree.
func TestMerge_ShardsEqualOneProcess(t *testing.T) {
	cases := []struct {
		name string
		cfg  ExploreConfig
	}{
		{"random", ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyRandom, Schedules: 700, Seed: 3}},
		{"pct", ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyPCT, Schedules: 700, Seed: 3, Memo: &MemoConfig{}}},
		{"dfs sleep", ExploreConfig{Factory: lostUpdate.factory(), Strategy: StrategyDFS, Schedules: 100_000, Bound: 2, SplitDepth: 3}},
		{"dfs dpor", ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyDFS, Schedules: 100_000, Bound: 1,
			Reduction: ReductionDPOR, SplitDepth: 4}},
		{"dfs none", ExploreConfig{Factory: lostUpdate.factory(), Strategy: StrategyDFS, Schedules: 100_000, Bound: 1,
			Reduction: ReductionNone, SplitDepth: 2}},
	}
	for _, tc := range cases {
		whole := explorePart(t, tc.cfg, 0, 1)
		require.NotEmpty(t, whole.Findings, tc.name)
		for _, n := range []int{2, 4} {
			var parts []Summary
			for i := 0; i < n; i++ {
				parts = append(parts, explorePart(t, tc.cfg, i, n))
			}
			got, err := MergeSummaries(parts)
			require.NoError(t, err, tc.name)
			assert.Equal(t, mergeView(whole), mergeView(got), "%s, %d shards", tc.name, n)
			if tc.cfg.Strategy == StrategyDFS {
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
	gen := propGen{actors: 3, instrs: 4, vars: 3}
	for sys := 0; sys < *propSystems/3; sys++ {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		for _, red := range []Reduction{ReductionSleep, ReductionDPOR} {
			cfg := ExploreConfig{Factory: propFactory(progs, gen.vars), Strategy: StrategyDFS, Schedules: 1 << 20,
				Bound: 1, Reduction: red, SplitDepth: 2}
			whole := explorePart(t, cfg, 0, 1)
			var parts []Summary
			for i := 0; i < 3; i++ {
				parts = append(parts, explorePart(t, cfg, i, 3))
			}
			got, err := MergeSummaries(parts)
			require.NoError(t, err)
			if !assert.Equal(t, mergeView(whole), mergeView(got), fmt.Sprintf("system %d %s\n%s", sys, red, propString(progs))) {
				return
			}
		}
	}
}

// Merging refuses summaries that do not make one exploration.
func TestMerge_Errors(t *testing.T) {
	cfg := ExploreConfig{Factory: lostUpdate.factory(), Strategy: StrategyRandom, Schedules: 50, Seed: 1}
	a, b := explorePart(t, cfg, 0, 2), explorePart(t, cfg, 1, 2)
	other := b
	other.Seed = 2
	noData := b
	noData.Interleavings = nil
	cases := []struct {
		parts []Summary
		want  string
	}{
		{nil, "engine: merge: no summaries"},
		{[]Summary{a}, "engine: merge: shard 1/2 is missing"},
		{[]Summary{a, a}, "engine: merge: shard 0/2 appears twice"},
		{[]Summary{a, other}, "engine: merge: summary 1 is random seed 2 shard 1/2, summary 0 is random seed 1 of 2 shards"},
		{[]Summary{a, noData}, "engine: merge: shard 1/2 was explored without MergeData"},
	}
	for _, tc := range cases {
		_, err := MergeSummaries(tc.parts)
		assert.EqualError(t, err, tc.want)
	}
}
