package worldcopy

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// entryLike is a struct whose slices point into the allocation that holds
// it, after it: as an admin queue's entry and its chain's segments
// (adminq.DeviceQueue.Pop allocates them together).
type entryLike struct {
	seq      int
	readable []int64
	writable []int64
}

type entryHolder struct {
	pending []*entryLike
	first   *entryLike
}

// TestCopy_EntryAndItsSegments: a copy of a struct reached by a pointer
// and of the array after it in the same allocation, reached by its
// slices, keeps the slices' sharing (one array, at their offsets and
// capacities), and writes through either side stay on their side.
func TestCopy_EntryAndItsSegments(t *testing.T) {
	for _, layouts := range []int{maxLayouts, 0} {
		c := New(Config{})
		c.maxLayouts = layouts
		h := &entryHolder{}
		for i := range 3 {
			a := new(struct {
				e    entryLike
				segs [4]int64
			})
			a.segs = [4]int64{int64(10 * i), int64(10*i + 1), int64(10*i + 2), int64(10*i + 3)}
			a.e = entryLike{seq: i, readable: a.segs[:1], writable: a.segs[1:3]}
			h.pending = append(h.pending, &a.e)
		}
		h.first = h.pending[0]
		for range 2 {
			cp, err := Copy(c, h)
			require.NoError(t, err)
			runtime.GC()
			require.Same(t, cp.pending[0], cp.first)
			for i, e := range cp.pending {
				o := h.pending[i]
				require.NotSame(t, o, e)
				require.Equal(t, i, e.seq)
				require.Equal(t, o.readable, e.readable)
				require.Equal(t, o.writable, e.writable)
				require.Equal(t, cap(o.writable), cap(e.writable))
				require.Same(t, &e.readable[:2][1], &e.writable[0], "one array behind both slices")
				e.writable[0] = -1
				require.Equal(t, int64(10*i+1), o.writable[0], "a write through the copy")
				o.readable[0] = -2
				require.Equal(t, int64(10*i), e.readable[0], "a write through the original")
				o.readable[0] = int64(10 * i)
			}
		}
	}
}
