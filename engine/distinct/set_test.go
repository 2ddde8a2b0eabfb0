package distinct

import (
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
func TestSet(t *testing.T) {
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
			s := New(tc.limit)
			limit := tc.limit
			if limit <= 0 {
				limit = DefaultCap
			}
			kept := []uint64{} // as the explorer's Interleavings: never nil
			seen, capped := map[uint64]bool{}, false
			for _, h := range tc.in {
				s.Add(h)
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
			assert.Equal(t, kept, s.Sorted())
		})
	}
}

// The table never outgrows what its limit needs: twice the limit, rounded
// up to a power of two.
func TestSet_TableBound(t *testing.T) {
	for _, limit := range []int{1, 5, 64, 1000, 4096} {
		s := New(limit)
		for h := uint64(1); h <= uint64(4*limit+100); h++ {
			s.Add(h * 0x51_7cc1_b727_220a_95)
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
