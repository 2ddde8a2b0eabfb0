package engine

import (
	"context"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The bounded set holds the first limit distinct hashes in the order they
// came, whatever they are (0 and hashes that share a first slot included),
// grows its table only while it is at most half full, and says when it
// left one out; a hash it holds is never "left out".
func TestDistinctSet(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	many := make([]uint64, 20_000)
	for i := range many {
		many[i] = rng.Uint64() % 30_000 // repeats, and small values
	}
	for _, tc := range []struct {
		name  string
		limit int
		in    []uint64
	}{
		{"empty", 4, nil},
		{"repeats below the limit", 4, []uint64{7, 7, 9, 7, 9}},
		{"zero is a hash", 3, []uint64{0, 5, 0, 6}},
		{"zero past the limit", 2, []uint64{5, 6, 0}},
		{"at the limit, nothing left out", 3, []uint64{1, 2, 3, 3, 2, 1}},
		{"past the limit", 3, []uint64{1, 2, 3, 4, 1, 5}},
		{"same first slot", 8, []uint64{1 << 63, 1<<63 | 1, 1<<63 | 2, 1 << 62, 1}},
		{"many, below the limit", 50_000, many},
		{"many, past the limit", 5_000, many},
		{"default limit", 0, many},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newDistinctSet(tc.limit)
			limit := tc.limit
			if limit <= 0 {
				limit = DefaultDistinctCap
			}
			kept := []uint64{} // as the explorer's Interleavings: never nil
			seen, capped := map[uint64]bool{}, false
			for _, h := range tc.in {
				s.add(h)
				switch {
				case seen[h]:
				case len(kept) < limit:
					kept = append(kept, h)
				default:
					capped = true
				}
				seen[h] = true
				require.LessOrEqual(t, 2*s.n, max(len(s.slots), 2), "at most half full")
			}
			slices.Sort(kept)
			assert.Equal(t, len(kept), s.n)
			assert.Equal(t, capped, s.capped)
			assert.Equal(t, kept, s.sorted())
		})
	}
}

// The table never outgrows what its limit needs: twice the limit, rounded
// up to a power of two.
func TestDistinctSet_TableBound(t *testing.T) {
	for _, limit := range []int{1, 5, 64, 1000, 4096} {
		s := newDistinctSet(limit)
		for h := uint64(1); h <= uint64(4*limit+100); h++ {
			s.add(h * 0x51_7cc1_b727_220a_95)
		}
		assert.Equal(t, limit, s.n, "limit %d", limit)
		assert.True(t, s.capped, "limit %d", limit)
		want := 64
		for want < 2*limit {
			want *= 2
		}
		assert.Equal(t, want, len(s.slots), "limit %d", limit)
	}
}

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
