package blk

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiskReadWriteRanges(t *testing.T) {
	d := NewDisk(8, "serial")
	data := bytes.Repeat([]byte{0xab}, 2*SectorSize)
	require.NoError(t, d.Write(6, data))
	got, err := d.Read(5, 3*SectorSize)
	require.NoError(t, err)
	assert.Equal(t, make([]byte, SectorSize), got[:SectorSize], "unwritten sectors read as zeros")
	assert.Equal(t, data, got[SectorSize:])
	tests := []struct {
		name   string
		sector uint64
		n      int
		msg    string
	}{
		{"past the end", 7, 2 * SectorSize, "blk: disk: sectors 7..9 past capacity 8"},
		{"start past the end", 9, SectorSize, "blk: disk: sectors 9..10 past capacity 8"},
		{"not whole sectors", 0, 100, "blk: disk: 100 bytes at sector 0: not a multiple of 512"},
		// The end would wrap around 2^64: no "18446744073709551615..0".
		{"at the top of the range", 1<<64 - 1, 2 * SectorSize, "blk: disk: 2 sectors from sector 18446744073709551615 past capacity 8"},
	}
	for _, tc := range tests {
		_, err := d.Read(tc.sector, tc.n)
		require.Error(t, err, tc.name)
		assert.Equal(t, tc.msg, err.Error(), tc.name)
		err = d.Write(tc.sector, make([]byte, tc.n))
		require.Error(t, err, tc.name)
		assert.Equal(t, tc.msg, err.Error(), tc.name)
	}
}

func TestDiskResizeFlushDigest(t *testing.T) {
	d := NewDisk(4, "s")
	empty := d.Digest()
	require.NoError(t, d.Write(1, make([]byte, SectorSize)))
	assert.Equal(t, empty, d.Digest(), "a zero sector is no content")
	require.NoError(t, d.Write(1, bytes.Repeat([]byte{1}, SectorSize)))
	assert.NotEqual(t, empty, d.Digest())
	d.Resize(2)
	assert.Equal(t, uint64(2), d.Capacity())
	_, err := d.Read(2, SectorSize)
	assert.Error(t, err, "beyond the new end")
	d.Resize(4)
	got, err := d.Read(1, SectorSize)
	require.NoError(t, err)
	assert.Equal(t, bytes.Repeat([]byte{1}, SectorSize), got, "data past a shrink survives a regrow")
	d.Flush()
	assert.Equal(t, uint64(1), d.Flushes())
	assert.Equal(t, "s", d.Serial())
}

// TestDisk_FreshStateHash: the sum the disk keeps as sectors are written
// equals the one recomputed from its sectors after every kind of change
// (data, zeros over data, an overwrite, a write across sectors, a resize,
// a flush), and a sector written behind its back is told apart only by
// the recomputed one.
func TestDisk_FreshStateHash(t *testing.T) {
	d := NewDisk(8, "s")
	steps := []struct {
		name string
		do   func() error
	}{
		{"empty", func() error { return nil }},
		{"data", func() error { return d.Write(1, bytes.Repeat([]byte{7}, SectorSize)) }},
		{"across sectors", func() error { return d.Write(2, bytes.Repeat([]byte{3, 0}, SectorSize)) }},
		{"overwrite", func() error { return d.Write(1, bytes.Repeat([]byte{8}, SectorSize)) }},
		{"zeros over data", func() error { return d.Write(2, make([]byte, SectorSize)) }},
		{"zeros over nothing", func() error { return d.Write(5, make([]byte, SectorSize)) }},
		{"resize", func() error { d.Resize(4); return nil }},
		{"flush", func() error { d.Flush(); return nil }},
	}
	seen := map[uint64]string{}
	for _, s := range steps {
		require.NoError(t, s.do(), s.name)
		require.Equal(t, d.FreshStateHash(), d.StateHash(), s.name)
		if prev, ok := seen[d.StateHash()]; ok && s.name != "zeros over nothing" {
			t.Fatalf("%s: the state hash did not change from %s", s.name, prev)
		}
		seen[d.StateHash()] = s.name
	}
	kept := d.StateHash()
	d.sectors[1][0] = 0xff // the stale writer
	require.Equal(t, kept, d.StateHash())
	require.NotEqual(t, d.StateHash(), d.FreshStateHash())
}

// TestDisk_StateHashFirstAskedLate: a disk whose state hash is asked for
// first after many writes (a pct run's never is) gives the hash of its
// sectors, and keeps it from then on, like a disk asked after every write.
func TestDisk_StateHashFirstAskedLate(t *testing.T) {
	late, every := NewDisk(64, "s"), NewDisk(64, "s")
	write := func(sector uint64, data []byte) {
		require.NoError(t, late.Write(sector, data))
		require.NoError(t, every.Write(sector, data))
		every.StateHash()
	}
	for i := range uint64(40) {
		b := make([]byte, SectorSize*(1+i%3))
		if i%4 != 0 { // some writes of zeros, over data or nothing
			for j := range b {
				b[j] = byte(i*7 + uint64(j))
			}
		}
		write(i*5%60, b)
	}
	require.Equal(t, late.FreshStateHash(), late.StateHash(), "first asked")
	require.Equal(t, every.StateHash(), late.StateHash())
	for i := range uint64(10) {
		write(i*3, bytes.Repeat([]byte{byte(i)}, SectorSize))
		require.Equal(t, late.FreshStateHash(), late.StateHash(), "kept, write %d", i)
		require.Equal(t, every.StateHash(), late.StateHash(), "kept, write %d", i)
	}
}
