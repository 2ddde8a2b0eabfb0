package virtq

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGuestMemory_StateHash(t *testing.T) {
	a, b := NewGuestMemory(), NewGuestMemory()
	assert.Equal(t, a.StateHash(), b.StateHash())
	assert.NoError(t, a.WriteMem(0, 0x1003, []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}))
	assert.NotEqual(t, a.StateHash(), b.StateHash())
	// The same contents written in another order and in other pieces.
	assert.NoError(t, b.WriteMem(0, 0x1008, []byte{6, 7, 8, 9}))
	assert.NoError(t, b.WriteMem(0, 0x1003, []byte{1, 2, 3, 4, 5}))
	assert.Equal(t, a.StateHash(), b.StateHash())
	// Zeros written into a fresh page change nothing.
	assert.NoError(t, b.WriteMem(0, 0x9000, make([]byte, 100)))
	assert.Equal(t, a.StateHash(), b.StateHash())
	// Overwriting and restoring.
	assert.NoError(t, b.WriteMem(0, 0x1004, []byte{0xff}))
	assert.NotEqual(t, a.StateHash(), b.StateHash())
	assert.NoError(t, b.WriteMem(0, 0x1004, []byte{2}))
	assert.Equal(t, a.StateHash(), b.StateHash())
	assert.Equal(t, a.StateHash(), a.Clone().StateHash())
	// A word across a page boundary.
	assert.NoError(t, a.WriteMem(0, 0x1ffc, []byte{1, 2, 3, 4, 5, 6, 7, 8}))
	assert.NoError(t, b.WriteMem(0, 0x2000, []byte{5, 6, 7, 8}))
	assert.NoError(t, b.WriteMem(0, 0x1ffc, []byte{1, 2, 3, 4}))
	assert.Equal(t, a.StateHash(), b.StateHash())
}

// TestGuestMemory_StateHashKept checks the sum kept as memory is written
// against one computed afresh from the contents, after writes of every
// length and alignment (zeros, repeats of what is there, page and chunk
// crossings), into a memory and into its clones: with the sum asked for
// after every write, and asked for first after many writes (a memory's
// first StateHash sums its contents, and a clone of a memory never asked
// is asked later or never).
func TestGuestMemory_StateHashKept(t *testing.T) {
	for _, tc := range []struct {
		name  string
		every int // the sums are asked for after one write in every
	}{{"every write", 1}, {"first asked late", 400}, {"asked now and then", 37}} {
		t.Run(tc.name, func(t *testing.T) { checkStateHashKept(t, tc.every) })
	}
}

func checkStateHashKept(t *testing.T, every int) {
	rng := rand.New(rand.NewPCG(3, 4))
	const lo, size = 0x10000, 4 * PageSize
	mems := []*GuestMemory{NewGuestMemory()}
	// shadows are what each memory must hold from lo on.
	shadows := [][]byte{make([]byte, size)}
	for i := range 3000 {
		k := rng.IntN(len(mems))
		m := mems[k]
		if rng.IntN(100) == 0 {
			mems = append(mems, m.Clone())
			shadows = append(shadows, slices.Clone(shadows[k]))
			continue
		}
		buf := make([]byte, rng.IntN(600))
		switch rng.IntN(3) {
		case 0: // zeros
		case 1:
			for j := range buf {
				buf[j] = byte(rng.IntN(3)) // mostly words that stay as they were
			}
		default:
			for j := range buf {
				buf[j] = byte(rng.Uint32())
			}
		}
		addr := lo + uint64(rng.IntN(3*PageSize))
		require.NoError(t, m.WriteMem(0, addr, buf))
		copy(shadows[k][addr-lo:], buf)
		for j, mm := range mems {
			if (i+1)%every == 0 {
				require.Equal(t, mm.FreshStateHash(), mm.StateHash(), "write %d, memory %d", i, j)
			}
			got := make([]byte, size)
			require.NoError(t, mm.ReadMem(0, lo, got))
			require.Equal(t, shadows[j], got, "write %d, memory %d: contents", i, j)
		}
	}
	for j, mm := range mems {
		require.Equal(t, mm.FreshStateHash(), mm.StateHash(), "at the end, memory %d", j)
	}
}

// TestGuestMemory_FreshStateHashSeesStaleSum: a byte written into a chunk
// behind the kept sum's back (not through writeWords) leaves StateHash as
// it was, and FreshStateHash, the reference a world's fresh state hash
// reads, tells them apart.
func TestGuestMemory_FreshStateHashSeesStaleSum(t *testing.T) {
	m := NewGuestMemory()
	require.NoError(t, m.WriteMem(0, 0x1008, []byte{1, 2, 3}))
	require.Equal(t, m.FreshStateHash(), m.StateHash())
	kept := m.StateHash()
	m.pages[0x1000].chunks[0][8] = 9 // the stale writer
	require.Equal(t, kept, m.StateHash())
	require.NotEqual(t, m.StateHash(), m.FreshStateHash())
	var none *GuestMemory
	require.Zero(t, none.FreshStateHash())
}

// TestAllZero: a non-zero byte anywhere in buffers of every length up to
// a few words, whatever the alignment, is seen.
func TestAllZero(t *testing.T) {
	buf := make([]byte, 100)
	for n := range 80 {
		for off := range 4 {
			b := buf[off : off+n]
			require.True(t, allZero(b), "len %d off %d", n, off)
			for i := range b {
				b[i] = 0x80
				require.False(t, allZero(b), "len %d off %d byte %d", n, off, i)
				b[i] = 0
			}
		}
	}
}
