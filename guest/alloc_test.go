package guest_test

import (
	"cmp"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/guest"
	guestblk "github.com/migsim/migsim/guest/blk"
)

// TestAllocatorDisjoint hands out plans for N guests × M queues, past the
// end of the low arenas, and checks that no two regions overlap, that each
// plan has M ring windows big enough for the largest ring migsim's devices
// offer, and that the first plan is the default layout every single-guest
// scenario uses.
func TestAllocatorDisjoint(t *testing.T) {
	for _, tc := range []struct{ guests, queues int }{{1, 1}, {2, 1}, {4, 3}, {300, 1}, {100, 4}} {
		t.Run(fmt.Sprintf("%dx%d", tc.guests, tc.queues), func(t *testing.T) {
			a := guest.NewAllocator()
			var regions []guest.Region
			var first guest.MemoryPlan
			for g := 0; g < tc.guests; g++ {
				p, err := a.Plan(tc.queues)
				require.NoError(t, err)
				require.Len(t, p.Rings, tc.queues)
				for _, r := range p.Rings {
					assert.GreaterOrEqual(t, r.Size, uint64(guest.RingWindow))
				}
				assert.GreaterOrEqual(t, p.Buffers.Size, uint64(guest.BufWindow))
				if g == 0 {
					first = p
				}
				regions = append(regions, p.Regions()...)
			}
			assert.Equal(t, guestblk.DefaultPlan(tc.queues), first, "the first driver keeps the historical layout")
			slices.SortFunc(regions, func(a, b guest.Region) int { return cmp.Compare(a.Base, b.Base) })
			for i := 1; i < len(regions); i++ {
				assert.LessOrEqual(t, regions[i-1].End(), regions[i].Base, "%s overlaps %s", regions[i-1], regions[i])
			}
		})
	}
}
