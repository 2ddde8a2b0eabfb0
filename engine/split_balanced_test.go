package engine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/merge"
)

// The balanced split depth depends on the shard count and state pruning
// alone, the values docs/scale.md measured.
func TestBalancedSplitDepth(t *testing.T) {
	for _, tc := range []struct {
		shards int
		states bool
		want   int
	}{
		{0, false, 0}, {1, false, 0}, {1, true, 0},
		{2, false, 8}, {4, false, 8}, {8, false, 8}, {1_000_000, false, 8},
		{2, true, 2}, {3, true, 2}, {4, true, 2}, {5, true, 4}, {8, true, 4}, {1_000_000, true, 4},
	} {
		assert.Equal(t, tc.want, engine.BalancedSplitDepth(tc.shards, tc.states), "%d shards, states %v", tc.shards, tc.states)
	}
}

// Shards split at the balanced depth, each computing it from the shard
// count alone, partition the search: without state pruning their merge is
// one process's search at that depth, field for field; with it they find
// what one process finds (their counts exceed one process's:
// docs/scale.md).
func TestBalancedSplitDepth_ShardsMergeToOneProcess(t *testing.T) {
	for _, f := range []struct {
		name    string
		factory engine.Factory
	}{
		{"lost update", engine.LostUpdateFactory()},
		{"noisy race", engine.NoisyRaceFactory()},
	} {
		for _, states := range []bool{false, true} {
			for _, n := range []int{2, 4, 8} {
				depth := engine.BalancedSplitDepth(n, states)
				cfg := engine.ExploreConfig{Factory: f.factory, Strategy: engine.StrategyDFS, Schedules: 1 << 20, Bound: 1,
					States: states, SplitDepth: depth}
				whole := explorePart(t, cfg, 0, 1)
				require.NotEmpty(t, whole.Findings, f.name)
				parts := make([]engine.Summary, n)
				busy := 0
				for i := range parts {
					parts[i] = explorePart(t, cfg, i, n)
					require.Equal(t, depth, parts[i].SplitDepth, "%s: shard %d/%d", f.name, i, n)
					if parts[i].Schedules > 0 {
						busy++
					}
				}
				assert.Greater(t, busy, 1, "%s, %d shards at depth %d: the work is split", f.name, n, depth)
				got, err := merge.Summaries(parts)
				require.NoError(t, err, f.name)
				require.True(t, got.Complete, "%s, %d shards: every shard exhausted its part", f.name, n)
				if !states {
					assert.Equal(t, mergeView(whole), mergeView(got), "%s, %d shards at depth %d", f.name, n, depth)
					continue
				}
				assert.Equal(t, oracles(whole), oracles(got), "%s, %d shards at depth %d with state pruning", f.name, n, depth)
			}
		}
	}
}

// oracles lists the oracles of a summary's findings, in its order.
func oracles(s engine.Summary) []string {
	var out []string
	for _, f := range s.Findings {
		out = append(out, f.Finding.Oracle)
	}
	return out
}
