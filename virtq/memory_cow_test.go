package virtq

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// memView is what a memory holds, seen from outside: its digest, its state
// hash and the bytes of the region the writers write.
type memView struct {
	digest, hash uint64
	bytes        []byte
}

func viewOf(t *testing.T, m *GuestMemory) memView {
	b := make([]byte, 3*PageSize)
	require.NoError(t, m.ReadMem(rid, 0, b))
	return memView{m.Digest(), m.StateHash(), b}
}

// rehash is the state hash of a memory written from scratch with m's
// contents: what m's kept sum must equal.
func rehash(t *testing.T, m *GuestMemory) uint64 {
	fresh := NewGuestMemory()
	b := make([]byte, PageSize)
	for _, a := range m.Pages() {
		require.NoError(t, m.ReadMem(rid, a, b))
		require.NoError(t, fresh.WriteMem(rid, a, b))
	}
	return fresh.StateHash()
}

// TestGuestMemory_CopyOnWriteEveryWriter: a dfs search keeps a copy of the
// world (a clone of each memory) and makes its runs' copies from it (clones
// of the clone), all sharing their chunks until one writes. For every
// writer of guest memory (a plain write, zeros written over data and over
// nothing, a write across chunks and pages, a driver setting up its rings
// and adding a chain, a device popping it and pushing a used element,
// Scatter, a write through an Observer), a write into one runnable copy
// is seen neither by the other runnable copy, nor by the kept copy, nor by
// the original; the written copy's state hash is its contents' hash.
func TestGuestMemory_CopyOnWriteEveryWriter(t *testing.T) {
	l := NewLayout(PageSize, 8)
	writers := []struct {
		name  string
		write func(m *GuestMemory) error
	}{
		{"WriteMem", func(m *GuestMemory) error { return m.WriteMem(rid, 0x10, []byte{0xaa, 0xbb}) }},
		{"zeros over data", func(m *GuestMemory) error { return m.WriteMem(rid, 0x100, make([]byte, 64)) }},
		{"zeros over nothing and data", func(m *GuestMemory) error { return m.WriteMem(rid, 0x2f00, make([]byte, 0x200)) }},
		{"across chunks and pages", func(m *GuestMemory) error {
			b := make([]byte, PageSize+2*chunkSize)
			for i := range b {
				b[i] = byte(i%253 + 1)
			}
			return m.WriteMem(rid, PageSize-chunkSize-5, b)
		}},
		{"driver ring", func(m *GuestMemory) error {
			d, err := NewDriverRing(m, rid, l)
			if err != nil {
				return err
			}
			if _, err := d.Add([]Buffer{{Addr: 0x2000, Len: 16}, {Addr: 0x2100, Len: 8, Writable: true}}); err != nil {
				return err
			}
			return d.Publish()
		}},
		{"device ring", func(m *GuestMemory) error {
			dev := &DeviceRing{Layout: l}
			head, ok, err := dev.Pop(m, rid)
			if err != nil || !ok {
				return err
			}
			return dev.PushUsed(m, rid, head, 8)
		}},
		{"Scatter", func(m *GuestMemory) error {
			_, err := Scatter(m, rid, []Segment{{Addr: 0x2100, Len: 8, Writable: true}, {Addr: 0x2200, Len: 4, Writable: true}}, []byte("0123456789ab"))
			return err
		}},
		{"Observer", func(m *GuestMemory) error {
			o := &Observer{Port: m}
			return o.WriteMem(rid, 0x30, []byte{1, 2, 3})
		}},
	}
	for _, w := range writers {
		t.Run(w.name, func(t *testing.T) {
			orig := NewGuestMemory()
			data := make([]byte, 2*PageSize)
			for i := range data {
				data[i] = byte(i%251 + 1)
			}
			require.NoError(t, orig.WriteMem(rid, 0, data[:0x1000]))
			require.NoError(t, orig.WriteMem(rid, 0x2f80, data[:0x40]))
			// A driver's ring with one chain published, for the device.
			d, err := NewDriverRing(orig, rid, l)
			require.NoError(t, err)
			_, err = d.Add([]Buffer{{Addr: 0x2000, Len: 16}})
			require.NoError(t, err)
			require.NoError(t, d.Publish())

			kept := orig.Clone()
			a, b := kept.Clone(), kept.Clone()
			before := viewOf(t, orig)
			require.Equal(t, before, viewOf(t, kept))
			require.NoError(t, w.write(a))
			require.NotEqual(t, before, viewOf(t, a), "the writer writes")
			require.Equal(t, rehash(t, a), a.StateHash(), "the written copy's state hash is its contents'")
			for _, other := range []struct {
				name string
				m    *GuestMemory
			}{{"the other copy", b}, {"the kept copy", kept}, {"the original", orig}} {
				require.Equal(t, before, viewOf(t, other.m), "%s sees the write", other.name)
			}
			// And the other way: the other copy's write stays there.
			require.NoError(t, w.write(b))
			require.Equal(t, viewOf(t, a), viewOf(t, b), "the same write gives the same memory")
			require.Equal(t, before, viewOf(t, kept))
			c := kept.Clone()
			require.Equal(t, before, viewOf(t, c), "a copy made after the writes has the kept copy's contents")
		})
	}
}
