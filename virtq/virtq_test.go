package virtq

import (
	"errors"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/pcie"
)

const rid = pcie.RID(0x0108)

func TestLayoutSizesAndAlignment(t *testing.T) {
	tests := []struct {
		base  uint64
		size  uint16
		desc  uint64
		avail uint64
		used  uint64
		end   uint64
	}{
		{0x1000, 8, 0x1000, 0x1080, 0x1098, 0x1098 + 4 + 64 + 2},
		{0x1001, 1, 0x1010, 0x1020, 0x1028, 0x1028 + 4 + 8 + 2},
		{0x0, 256, 0x0, 0x1000, 0x1208, 0x1208 + 4 + 2048 + 2},
	}
	for _, tc := range tests {
		l := NewLayout(tc.base, tc.size)
		require.NoError(t, l.Validate())
		assert.Equal(t, tc.desc, l.Desc)
		assert.Equal(t, tc.avail, l.Avail)
		assert.Equal(t, tc.used, l.Used)
		assert.Equal(t, tc.end, l.End())
	}
}

func TestLayoutValidateRejects(t *testing.T) {
	tests := []struct {
		name string
		l    Layout
		want string
	}{
		{"zero size", Layout{Size: 0}, "queue size 0"},
		{"not power of two", Layout{Size: 6}, "queue size 6"},
		{"desc misaligned", Layout{Size: 4, Desc: 8}, "descriptor table at 0x8"},
		{"avail misaligned", Layout{Size: 4, Avail: 1}, "avail ring at 0x1"},
		{"used misaligned", Layout{Size: 4, Used: 2}, "used ring at 0x2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.l.Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestDescEncodeDecode(t *testing.T) {
	d := Desc{Addr: 0x1122334455667788, Len: 0x99aabbcc, Flags: DescFNext | DescFWrite, Next: 7}
	var b [DescSize]byte
	d.Encode(b[:])
	assert.Equal(t, []byte{0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xcc, 0xbb, 0xaa, 0x99, 3, 0, 7, 0}, b[:])
	got, err := DecodeDesc(b[:])
	require.NoError(t, err)
	assert.Equal(t, d, got)
	_, err = DecodeDesc(b[:15])
	assert.Error(t, err)
}

// TestRoundTrip posts chains on the driver side, serves them on the device
// side and harvests them, across ring wrap-around.
func TestRoundTrip(t *testing.T) {
	mem := NewGuestMemory()
	l := NewLayout(0x10000, 4)
	drv, err := NewDriverRing(mem, rid, l)
	require.NoError(t, err)
	dev := DeviceRing{Layout: l}
	for round := 0; round < 10; round++ {
		in := []byte{byte(round), 1, 2, 3, 4}
		require.NoError(t, mem.WriteMem(rid, 0x20000, in))
		head, err := drv.Add([]Buffer{{Addr: 0x20000, Len: 2}, {Addr: 0x20002, Len: 3}, {Addr: 0x30000, Len: 8, Writable: true}})
		require.NoError(t, err)
		require.NoError(t, drv.Publish())
		assert.Equal(t, 1, drv.Outstanding())

		got, ok, err := dev.Pop(mem, rid)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, head, got)
		_, ok, err = dev.Pop(mem, rid)
		require.NoError(t, err)
		assert.False(t, ok, "nothing more available")

		segs, err := dev.Chain(mem, rid, got)
		require.NoError(t, err)
		require.Len(t, segs, 3)
		data, err := Gather(mem, rid, segs, 100)
		require.NoError(t, err)
		assert.Equal(t, in, data)
		n, err := Scatter(mem, rid, segs, []byte{9, 8, 7})
		require.NoError(t, err)
		assert.Equal(t, uint32(3), n)
		require.NoError(t, dev.PushUsed(mem, rid, got, n))

		used, err := drv.Harvest()
		require.NoError(t, err)
		assert.Equal(t, []Used{{ID: uint32(head), Len: 3}}, used)
		assert.Equal(t, 4, drv.NumFree())
		out := make([]byte, 3)
		require.NoError(t, mem.ReadMem(rid, 0x30000, out))
		assert.Equal(t, []byte{9, 8, 7}, out)
		ui, err := dev.ReadUsedIdx(mem, rid)
		require.NoError(t, err)
		assert.Equal(t, uint16(round+1), ui)
	}
}

func TestDriverAddRejects(t *testing.T) {
	mem := NewGuestMemory()
	drv, err := NewDriverRing(mem, rid, NewLayout(0, 2))
	require.NoError(t, err)
	_, err = drv.Add(nil)
	assert.ErrorContains(t, err, "empty chain")
	_, err = drv.Add([]Buffer{{Writable: true}, {}})
	assert.ErrorContains(t, err, "buffer 1 is readable after a writable one")
	_, err = drv.Add([]Buffer{{}, {}, {}})
	assert.ErrorContains(t, err, "3 buffers, 2 descriptors free")
	_, err = NewDriverRing(mem, rid, Layout{Size: 3})
	assert.Error(t, err)
}

// writeDescs writes raw descriptors and one avail entry naming head.
func writeDescs(t *testing.T, mem *GuestMemory, l Layout, descs map[uint16]Desc, head uint16) {
	t.Helper()
	var b [DescSize]byte
	for i := uint16(0); i < l.Size; i++ {
		if d, ok := descs[i]; ok {
			d.Encode(b[:])
			require.NoError(t, mem.WriteMem(rid, l.descAddr(i), b[:]))
		}
	}
	require.NoError(t, port{mem: mem, rid: rid}.write16(l.availRingAddr(0), head, "ring"))
	require.NoError(t, port{mem: mem, rid: rid}.write16(l.availIdxAddr(), 1, "idx"))
}

func TestChainMalformedIsError(t *testing.T) {
	l := NewLayout(0x1000, 4)
	ind := uint64(0x8000)
	tests := []struct {
		name     string
		descs    map[uint16]Desc
		indirect []Desc
		want     string
	}{
		{"loop", map[uint16]Desc{0: {Flags: DescFNext, Next: 1}, 1: {Flags: DescFNext, Next: 0}}, nil, "loop"},
		{"self loop", map[uint16]Desc{0: {Flags: DescFNext, Next: 0}}, nil, "loop"},
		{"next out of range", map[uint16]Desc{0: {Flags: DescFNext, Next: 9}}, nil, "next 9 outside"},
		{"readable after writable", map[uint16]Desc{0: {Flags: DescFNext | DescFWrite, Next: 1}, 1: {}}, nil, "descriptor 1: readable segment after a writable"},
		{"too long", map[uint16]Desc{0: {Len: 1<<32 - 1, Flags: DescFNext, Next: 1}, 1: {Len: 1}}, nil, "chain longer than"},
		{"indirect with next", map[uint16]Desc{0: {Addr: ind, Len: 16, Flags: DescFIndirect | DescFNext, Next: 1}}, nil, "INDIRECT together with NEXT"},
		{"indirect bad length", map[uint16]Desc{0: {Addr: ind, Len: 17, Flags: DescFIndirect}}, nil, "indirect table of 17 bytes"},
		{"indirect nested", map[uint16]Desc{0: {Addr: ind, Len: 32, Flags: DescFIndirect}}, []Desc{{Flags: DescFIndirect}}, "indirect descriptor 0 of descriptor 0: nested INDIRECT"},
		{"indirect readable after writable", map[uint16]Desc{0: {Addr: ind, Len: 32, Flags: DescFIndirect}}, []Desc{{Flags: DescFNext | DescFWrite, Next: 1}, {}}, "indirect descriptor 1 of descriptor 0: readable segment after a writable"},
		{"indirect loop", map[uint16]Desc{0: {Addr: ind, Len: 32, Flags: DescFIndirect}}, []Desc{{Flags: DescFNext, Next: 1}, {Flags: DescFNext, Next: 0}}, "loop"},
		{"indirect next out of range", map[uint16]Desc{0: {Addr: ind, Len: 32, Flags: DescFIndirect}}, []Desc{{Flags: DescFNext, Next: 5}}, "next 5 outside"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := NewGuestMemory()
			writeDescs(t, mem, l, tc.descs, 0)
			var b [DescSize]byte
			for i, d := range tc.indirect {
				d.Encode(b[:])
				require.NoError(t, mem.WriteMem(rid, ind+uint64(i)*DescSize, b[:]))
			}
			dev := DeviceRing{Layout: l}
			head, ok, err := dev.Pop(mem, rid)
			require.NoError(t, err)
			require.True(t, ok)
			_, err = dev.Chain(mem, rid, head)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestChainIndirect(t *testing.T) {
	l := NewLayout(0x1000, 4)
	mem := NewGuestMemory()
	writeDescs(t, mem, l, map[uint16]Desc{2: {Addr: 0x8000, Len: 48, Flags: DescFIndirect}}, 2)
	var b [DescSize]byte
	for i, d := range []Desc{{Addr: 0x100, Len: 16, Flags: DescFNext, Next: 2}, {}, {Addr: 0x200, Len: 1, Flags: DescFWrite}} {
		d.Encode(b[:])
		require.NoError(t, mem.WriteMem(rid, 0x8000+uint64(i)*DescSize, b[:]))
	}
	dev := DeviceRing{Layout: l}
	head, ok, err := dev.Pop(mem, rid)
	require.NoError(t, err)
	require.True(t, ok)
	segs, err := dev.Chain(mem, rid, head)
	require.NoError(t, err)
	assert.Equal(t, []Segment{{Addr: 0x100, Len: 16}, {Addr: 0x200, Len: 1, Writable: true}}, segs)
}

func TestPopRejectsBadRing(t *testing.T) {
	l := NewLayout(0x1000, 4)
	t.Run("head out of range", func(t *testing.T) {
		mem := NewGuestMemory()
		writeDescs(t, mem, l, nil, 4)
		dev := DeviceRing{Layout: l}
		_, _, err := dev.Pop(mem, rid)
		assert.ErrorContains(t, err, "head 4 outside")
		assert.Equal(t, uint16(0), dev.LastAvail, "a failed pop takes nothing")
	})
	t.Run("avail idx too far ahead", func(t *testing.T) {
		mem := NewGuestMemory()
		require.NoError(t, port{mem: mem, rid: rid}.write16(l.availIdxAddr(), 5, "idx"))
		dev := DeviceRing{Layout: l}
		_, _, err := dev.Pop(mem, rid)
		assert.ErrorContains(t, err, "5 ahead")
	})
	t.Run("invalid layout", func(t *testing.T) {
		dev := DeviceRing{Layout: Layout{Size: 3}}
		_, _, err := dev.Pop(NewGuestMemory(), rid)
		assert.Error(t, err)
		_, err = dev.Chain(NewGuestMemory(), rid, 0)
		assert.Error(t, err)
		assert.Error(t, dev.PushUsed(NewGuestMemory(), rid, 0, 0))
	})
	t.Run("chain head out of range", func(t *testing.T) {
		dev := DeviceRing{Layout: l}
		_, err := dev.Chain(NewGuestMemory(), rid, 4)
		assert.ErrorContains(t, err, "head 4 outside")
	})
}

func TestHarvestRejectsUnknownHead(t *testing.T) {
	mem := NewGuestMemory()
	l := NewLayout(0, 4)
	drv, err := NewDriverRing(mem, rid, l)
	require.NoError(t, err)
	dev := DeviceRing{Layout: l}
	require.NoError(t, dev.PushUsed(mem, rid, 3, 0))
	_, err = drv.Harvest()
	assert.ErrorContains(t, err, "id 3 is not an outstanding head")
}

func TestGuestMemorySparse(t *testing.T) {
	m := NewGuestMemory()
	buf := []byte{1, 1, 1, 1}
	require.NoError(t, m.ReadMem(rid, 0xdead0000, buf))
	assert.Equal(t, []byte{0, 0, 0, 0}, buf, "untouched memory reads zero")
	assert.Empty(t, m.Pages())
	require.NoError(t, m.WriteMem(rid, 0x7000, make([]byte, 2*PageSize)))
	assert.Empty(t, m.Pages(), "zeros written to untouched pages allocate nothing")
	assert.Zero(t, m.StateHash())

	data := make([]byte, PageSize+10)
	for i := range data {
		data[i] = byte(i)
	}
	require.NoError(t, m.WriteMem(rid, PageSize-5, data))
	assert.Equal(t, []uint64{0, PageSize, 2 * PageSize}, m.Pages())
	got := make([]byte, len(data)+5)
	require.NoError(t, m.ReadMem(rid, PageSize-5, got))
	assert.Equal(t, data, got[:len(data)])
	assert.Equal(t, []byte{0, 0, 0, 0, 0}, got[len(data):])

	assert.Error(t, m.WriteMem(rid, ^uint64(0), []byte{1, 2}))
	assert.Error(t, m.ReadMem(rid, ^uint64(0)-1, make([]byte, 3)))
	assert.NoError(t, m.ReadMem(rid, ^uint64(0), make([]byte, 1)))
}

func TestGuestMemoryCloneAndDigest(t *testing.T) {
	m := NewGuestMemory()
	empty := m.Digest()
	require.NoError(t, m.WriteMem(rid, 0x5000, make([]byte, 8)))
	assert.Equal(t, empty, m.Digest(), "zero pages do not change the digest")
	require.NoError(t, m.WriteMem(rid, 0x5000, []byte{1}))
	require.NoError(t, m.WriteMem(rid, 0x1000, []byte{2}))
	d := m.Digest()
	assert.NotEqual(t, empty, d)

	c := m.Clone()
	assert.Equal(t, d, c.Digest())
	require.NoError(t, c.WriteMem(rid, 0x5000, []byte{3}))
	assert.Equal(t, d, m.Digest(), "writes to the clone do not reach the original")
	assert.NotEqual(t, d, c.Digest())
	cd := c.Digest()
	require.NoError(t, m.WriteMem(rid, 0x1000, []byte{4}))
	assert.Equal(t, cd, c.Digest(), "writes to the original do not reach the clone")
	got := []byte{0}
	require.NoError(t, c.ReadMem(rid, 0x1000, got))
	assert.Equal(t, []byte{2}, got)
	require.NoError(t, m.ReadMem(rid, 0x1000, got))
	assert.Equal(t, []byte{4}, got)
	assert.Equal(t, m.StateHash(), m.Clone().StateHash())

	// Same contents written in another order give the same digest.
	o := NewGuestMemory()
	require.NoError(t, o.WriteMem(rid, 0x1000, []byte{2}))
	require.NoError(t, o.WriteMem(rid, 0x5000, []byte{1}))
	assert.Equal(t, d, o.Digest())
}

func TestObserver(t *testing.T) {
	m := NewGuestMemory()
	var rec Recorder
	o := &Observer{Port: m, Hook: rec.Hook}
	require.NoError(t, o.WriteMem(rid, 0x10, []byte{1, 2}))
	require.NoError(t, o.ReadMem(rid, 0x10, make([]byte, 2)))
	assert.Equal(t, []Access{
		{Requester: rid, Addr: 0x10, Len: 2, Write: true},
		{Requester: rid, Addr: 0x10, Len: 2},
	}, rec.Accesses)
	assert.Equal(t, "MWr 01:01.0 addr=0x10 len=2", rec.Accesses[0].String())
	rec.Reset()
	assert.Empty(t, rec.Accesses)

	stop := errors.New("stopped")
	o.Hook = func(Access) error { return stop }
	err := o.WriteMem(rid, 0x10, []byte{9})
	assert.ErrorIs(t, err, stop)
	assert.ErrorIs(t, o.ReadMem(rid, 0x10, make([]byte, 1)), stop)
	b := make([]byte, 1)
	require.NoError(t, m.ReadMem(rid, 0x10, b))
	assert.Equal(t, byte(1), b[0], "a refused write does not reach memory")

	plain := &Observer{Port: m}
	assert.NoError(t, plain.WriteMem(rid, 0, []byte{1}))
}

func TestScatterGatherLimits(t *testing.T) {
	m := NewGuestMemory()
	segs := []Segment{{Addr: 0, Len: 4}, {Addr: 0x100, Len: 2, Writable: true}, {Addr: 0x200, Len: 2, Writable: true}}
	n, err := Scatter(m, rid, segs, []byte{1, 2, 3, 4, 5})
	require.NoError(t, err)
	assert.Equal(t, uint32(4), n, "scatter stops at the end of the writable segments")
	g, err := Gather(m, rid, segs, 2)
	require.NoError(t, err)
	assert.Len(t, g, 2)
}

func TestGuestMemoryChunksAndSharing(t *testing.T) {
	m := NewGuestMemory()
	data := make([]byte, 3*chunkSize)
	for i := range data {
		data[i] = byte(i%251 + 1)
	}
	// A write that straddles chunks and a page boundary.
	at := uint64(2*PageSize - chunkSize - 3)
	require.NoError(t, m.WriteMem(rid, at, data))
	assert.Equal(t, []uint64{PageSize, 2 * PageSize}, m.Pages())
	c := m.Clone()
	hash := m.StateHash()
	require.NoError(t, m.WriteMem(rid, at+10, []byte{0}))
	require.NoError(t, c.WriteMem(rid, at+20, []byte{0}))
	assert.NotEqual(t, hash, m.StateHash())
	assert.NotEqual(t, m.StateHash(), c.StateHash())
	for _, tc := range []struct {
		mem  *GuestMemory
		zero int
	}{{m, 10}, {c, 20}} {
		got := make([]byte, len(data))
		require.NoError(t, tc.mem.ReadMem(rid, at, got))
		want := slices.Clone(data)
		want[tc.zero] = 0
		assert.Equal(t, want, got)
	}
	// Writing back the same bytes gives back the same hash, whichever
	// chunks were copied on the way.
	require.NoError(t, m.WriteMem(rid, at+10, data[10:11]))
	assert.Equal(t, hash, m.StateHash())
	o := NewGuestMemory()
	require.NoError(t, o.WriteMem(rid, at, data))
	assert.Equal(t, o.Digest(), m.Digest())
}

// TestViaScratch: the Via methods give what the methods without a scratch
// give, leave the scratch zero (a device keeps it in its hashed state) and,
// but for the chain's segments, allocate nothing.
func TestViaScratch(t *testing.T) {
	mem := NewGuestMemory()
	l := NewLayout(0x10000, 4)
	drv, err := NewDriverRing(mem, rid, l)
	require.NoError(t, err)
	own, via := DeviceRing{Layout: l}, DeviceRing{Layout: l}
	var s Scratch
	for round := 0; round < 6; round++ {
		head, err := drv.Add([]Buffer{{Addr: 0x20000, Len: 2}, {Addr: 0x30000, Len: 8, Writable: true}})
		require.NoError(t, err)
		require.NoError(t, drv.Publish())

		wantIdx, err := own.AvailIdx(mem, rid)
		require.NoError(t, err)
		gotIdx, err := via.AvailIdxVia(mem, rid, &s)
		require.NoError(t, err)
		assert.Equal(t, wantIdx, gotIdx)
		assert.Zero(t, s)

		wantHead, wantOK, err := own.Pop(mem, rid)
		require.NoError(t, err)
		gotHead, gotOK, err := via.PopVia(mem, rid, &s)
		require.NoError(t, err)
		assert.Equal(t, []any{wantHead, wantOK}, []any{gotHead, gotOK})
		assert.Equal(t, head, gotHead)
		assert.Zero(t, s)

		wantSegs, err := own.Chain(mem, rid, wantHead)
		require.NoError(t, err)
		gotSegs, err := via.ChainVia(mem, rid, gotHead, &s)
		require.NoError(t, err)
		assert.Equal(t, wantSegs, gotSegs)
		assert.Zero(t, s)

		// Both device rings push: the second push rewrites the same
		// used element and index, so the driver sees one.
		require.NoError(t, own.PushUsed(mem, rid, wantHead, 1))
		require.NoError(t, via.PushUsedVia(mem, rid, gotHead, 1, &s))
		assert.Zero(t, s)
		assert.Equal(t, own, via)
		used, err := drv.Harvest()
		require.NoError(t, err)
		assert.Equal(t, []Used{{ID: uint32(head), Len: 1}}, used)

		ui, err := via.ReadUsedIdxVia(mem, rid, &s)
		require.NoError(t, err)
		assert.Equal(t, uint16(round+1), ui)
		assert.Zero(t, s)
	}
	for name, f := range map[string]func(){
		"AvailIdxVia":    func() { _, _ = via.AvailIdxVia(mem, rid, &s) },
		"ReadUsedIdxVia": func() { _, _ = via.ReadUsedIdxVia(mem, rid, &s) },
		"PopVia":         func() { r := via; _, _, _ = r.PopVia(mem, rid, &s) },
	} {
		assert.Zero(t, testing.AllocsPerRun(20, f), name)
	}

	// A chain through an indirect table (virtio spec, "Indirect
	// Descriptors"): ChainVia reads the table into a buffer of its own
	// and follows its next links as Chain does, and s is clear after.
	il := NewLayout(0x1000, 4)
	imem := NewGuestMemory()
	writeDescs(t, imem, il, map[uint16]Desc{1: {Addr: 0x8000, Len: 3 * DescSize, Flags: DescFIndirect}}, 1)
	var b [DescSize]byte
	for i, d := range []Desc{{Addr: 0x100, Len: 16, Flags: DescFNext, Next: 2}, {}, {Addr: 0x200, Len: 1, Flags: DescFWrite}} {
		d.Encode(b[:])
		require.NoError(t, imem.WriteMem(rid, 0x8000+uint64(i)*DescSize, b[:]))
	}
	own, via = DeviceRing{Layout: il}, DeviceRing{Layout: il}
	wantHead, wantOK, err := own.Pop(imem, rid)
	require.NoError(t, err)
	gotHead, gotOK, err := via.PopVia(imem, rid, &s)
	require.NoError(t, err)
	assert.Equal(t, []any{uint16(1), true}, []any{gotHead, gotOK})
	assert.Equal(t, []any{wantHead, wantOK}, []any{gotHead, gotOK})
	assert.Zero(t, s)
	wantSegs, err := own.Chain(imem, rid, wantHead)
	require.NoError(t, err)
	gotSegs, err := via.ChainVia(imem, rid, gotHead, &s)
	require.NoError(t, err)
	assert.Equal(t, []Segment{{Addr: 0x100, Len: 16}, {Addr: 0x200, Len: 1, Writable: true}}, gotSegs)
	assert.Equal(t, wantSegs, gotSegs)
	assert.Zero(t, s)
	require.NoError(t, own.PushUsed(imem, rid, wantHead, 1))
	require.NoError(t, via.PushUsedVia(imem, rid, gotHead, 1, &s))
	assert.Zero(t, s)
	assert.Equal(t, own, via)
	// A malformed table fails the same way through s, which is clear
	// after the error too.
	b = [DescSize]byte{}
	Desc{Addr: 0x100, Len: 16, Flags: DescFIndirect}.Encode(b[:])
	require.NoError(t, imem.WriteMem(rid, 0x8000, b[:]))
	_, wantErr := own.Chain(imem, rid, wantHead)
	require.Error(t, wantErr)
	_, err = via.ChainVia(imem, rid, gotHead, &s)
	assert.Equal(t, wantErr, err)
	assert.ErrorContains(t, err, "nested INDIRECT")
	assert.Zero(t, s)
}
