package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An exploration past its DistinctCap counts the first DistinctCap
// distinct interleavings in schedule order and says the count is a lower
// bound; everything else in its summary is what the uncapped exploration
// gives, for any number of jobs. A cap at or above the count changes
// nothing at all.
func TestExplore_DistinctCap(t *testing.T) {
	explore := func(schedules, limit, jobs int) Summary {
		sum, err := Explore(context.Background(), ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyRandom,
			Schedules: schedules, Seed: 5, Jobs: jobs, DistinctCap: limit, MergeData: true})
		require.NoError(t, err)
		return withoutCost(sum)
	}
	const n = 700
	whole := explore(n, 0, 1)
	require.False(t, whole.DistinctCapped)
	require.Greater(t, whole.Distinct, 10, "the toy has enough interleavings to cap")
	assert.Equal(t, whole, explore(n, whole.Distinct, 2), "a cap of exactly the count")
	assert.Equal(t, whole, explore(n, whole.Distinct+1, 1), "a cap above the count")

	for _, limit := range []int{1, 7, whole.Distinct - 1} {
		capped := explore(n, limit, 1)
		assert.Equal(t, capped, explore(n, limit, 3), "cap %d: jobs change nothing", limit)
		assert.True(t, capped.DistinctCapped, "cap %d", limit)
		assert.Equal(t, limit, capped.Distinct)
		require.Len(t, capped.Interleavings, limit)
		// The first schedules that reach limit distinct interleavings,
		// explored without a cap, hold exactly the ones kept.
		// Distinct grows with the schedules: search for the fewest.
		lo, hi := 1, n
		for lo < hi {
			if mid := (lo + hi) / 2; explore(mid, 0, 2).Distinct < limit {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		k := lo
		assert.Equal(t, explore(k, 0, 1).Interleavings, capped.Interleavings, "cap %d: the first %d in schedule order", limit, limit)
		rest := capped
		rest.Distinct, rest.DistinctCapped, rest.Interleavings = whole.Distinct, false, whole.Interleavings
		assert.Equal(t, whole, rest, "cap %d: nothing else changes", limit)
	}
}
