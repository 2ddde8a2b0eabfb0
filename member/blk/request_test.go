package blk

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/virtq"
)

const (
	testRID = pcie.RID(0x0109)
	hdrAddr = 0x1000
	dataAt  = 0x2000
	stAt    = 0x3000
)

// refuseWrites is guest memory that refuses every DMA write (the state
// after switchover on the source).
type refuseWrites struct{ *virtq.GuestMemory }

func (refuseWrites) WriteMem(pcie.RID, uint64, []byte) error { return errors.New("write refused") }

// testDevice returns a blk backend over a 16-sector disk and mem.
func testDevice(t *testing.T, mem pcie.MemoryPort) *device {
	disk := NewDisk(16, "blk-test-serial")
	require.NoError(t, disk.Write(2, append(make([]byte, SectorSize-1), 0x77)))
	return newDevice(member.Config{Mem: mem, RID: testRID, Backing: disk, Features: DefaultFeatures,
		QueueSizeMax: 64, NumQueues: 1}).(*device)
}

// chain writes a header for typ/sector and returns the chain: the header,
// n data bytes (device-writable unless out) and the status byte.
func chain(t *testing.T, mem *virtq.GuestMemory, typ uint32, sector uint64, n uint32, out bool) []virtq.Segment {
	h := make([]byte, HeaderSize)
	binary.LittleEndian.PutUint32(h, typ)
	binary.LittleEndian.PutUint64(h[8:], sector)
	require.NoError(t, mem.WriteMem(testRID, hdrAddr, h))
	segs := []virtq.Segment{{Addr: hdrAddr, Len: HeaderSize}}
	if n > 0 {
		segs = append(segs, virtq.Segment{Addr: dataAt, Len: n, Writable: !out})
	}
	return append(segs, virtq.Segment{Addr: stAt, Len: 1, Writable: true})
}

// run takes a request through fetch, execute and complete.
func run(d *device, segs []virtq.Segment) (member.Request, error) {
	r := member.Request{Head: 3, Chain: segs}
	for _, step := range []func(*member.Request) error{d.Fetch, d.Execute, d.Complete} {
		if err := step(&r); err != nil {
			return r, err
		}
	}
	return r, nil
}

func TestRequests(t *testing.T) {
	tests := []struct {
		name    string
		typ     uint32
		sector  uint64
		n       uint32
		out     bool
		status  byte
		written uint32
		data    []byte // what the data buffer holds afterwards (device-writable ones)
	}{
		{"IN", TypeIn, 2, SectorSize, false, StatusOK, SectorSize + 1, append(make([]byte, SectorSize-1), 0x77)},
		{"IN past capacity", TypeIn, 16, SectorSize, false, StatusIOErr, 1, nil},
		{"OUT", TypeOut, 4, SectorSize, true, StatusOK, 1, nil},
		{"OUT not whole sectors", TypeOut, 4, 100, true, StatusIOErr, 1, nil},
		{"FLUSH", TypeFlush, 0, 0, false, StatusOK, 1, nil},
		{"GET_ID", TypeGetID, 0, IDBytes, false, StatusOK, IDBytes + 1, []byte("blk-test-serial\x00\x00\x00\x00\x00")},
		{"unknown type", 99, 0, 0, false, StatusUnsupp, 1, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := virtq.NewGuestMemory()
			d := testDevice(t, mem)
			if tc.out {
				require.NoError(t, mem.WriteMem(testRID, dataAt, make([]byte, tc.n)))
			}
			require.NoError(t, mem.WriteMem(testRID, stAt, []byte{0xee}))
			r, err := run(d, chain(t, mem, tc.typ, tc.sector, tc.n, tc.out))
			require.NoError(t, err)
			st := make([]byte, 1)
			require.NoError(t, mem.ReadMem(testRID, stAt, st))
			assert.Equal(t, tc.status, st[0], "status byte")
			assert.Equal(t, tc.written, r.Written, "used length")
			if tc.data != nil {
				got := make([]byte, len(tc.data))
				require.NoError(t, mem.ReadMem(testRID, dataAt, got))
				assert.Equal(t, tc.data, got)
			}
		})
	}
}

func TestOutReachesTheDiskAndFlushIsCounted(t *testing.T) {
	mem := virtq.NewGuestMemory()
	d := testDevice(t, mem)
	payload := make([]byte, SectorSize)
	payload[0] = 0x42
	require.NoError(t, mem.WriteMem(testRID, dataAt, payload))
	_, err := run(d, chain(t, mem, TypeOut, 5, SectorSize, true))
	require.NoError(t, err)
	got, err := d.disk.Read(5, SectorSize)
	require.NoError(t, err)
	assert.Equal(t, payload, got)
	_, err = run(d, chain(t, mem, TypeFlush, 0, 0, false))
	require.NoError(t, err)
	assert.Equal(t, uint64(1), d.disk.(*Disk).Flushes())
}

func TestRequestErrors(t *testing.T) {
	mem := virtq.NewGuestMemory()
	d := testDevice(t, mem)
	short := []virtq.Segment{{Addr: hdrAddr, Len: 8}, {Addr: stAt, Len: 1, Writable: true}}
	_, err := run(d, short)
	assert.EqualError(t, err, "member: request header: 8 readable bytes, want 16")

	noStatus := chain(t, mem, TypeFlush, 0, 0, false)[:1]
	_, err = run(d, noStatus)
	assert.EqualError(t, err, "member: request at head 3: no writable status byte")

	refused := testDevice(t, refuseWrites{mem})
	_, err = run(refused, chain(t, mem, TypeFlush, 0, 0, false))
	assert.EqualError(t, err, "member: status byte of head 3 at 0x3000: write refused")
}
