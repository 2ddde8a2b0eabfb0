package adminq

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// TestPeekMember: a peek names the member of the command Pop takes next
// and leaves the queue as it was: peeking twice gives the same member,
// and the pops that follow take every command in order.
func TestPeekMember(t *testing.T) {
	mem, drv, dev := newTestQueues(t, 8)
	_, ok := dev.PeekMember(mem, testRID)
	assert.False(t, ok, "nothing is available")
	for _, m := range []uint64{7, 3} {
		_, err := drv.Submit(Command{Opcode: 0x11, Group: spec.GroupSRIOV, Member: m, Data: []byte{1}}, 0)
		require.NoError(t, err)
	}
	for _, want := range []uint64{7, 3} {
		for range 2 {
			got, ok := dev.PeekMember(mem, testRID)
			require.True(t, ok)
			assert.Equal(t, want, got)
		}
		e, ok, err := dev.Pop(mem, testRID)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, want, e.Command().Member)
	}
	_, ok = dev.PeekMember(mem, testRID)
	assert.False(t, ok, "both commands were popped")
	assert.Equal(t, 2, dev.InFlight())
}

// TestPeekMemberAllocs: the usual peek, a header in the chain's first
// descriptor, allocates nothing and leaves its scratch zeroed.
func TestPeekMemberAllocs(t *testing.T) {
	mem, drv, dev := newTestQueues(t, 8)
	_, err := drv.Submit(Command{Opcode: 0x11, Group: spec.GroupSRIOV, Member: 5, Data: []byte{1}}, 0)
	require.NoError(t, err)
	allocs := testing.AllocsPerRun(100, func() {
		if m, ok := dev.PeekMember(mem, testRID); !ok || m != 5 {
			t.Fatalf("peek: member %d, ok %v", m, ok)
		}
	})
	assert.Zero(t, allocs)
	assert.Equal(t, [len(dev.peek)]byte{}, dev.peek)
}

// TestPeekMemberSplitHeader: a header split across descriptors (legal: a
// device reads the chain's readable part as one buffer) is read through
// the whole chain, and names the same member Pop decodes.
func TestPeekMemberSplitHeader(t *testing.T) {
	mem, drv, dev := newTestQueues(t, 8)
	const slot = 0x200000
	hdr := Command{Opcode: 0x11, Group: spec.GroupSRIOV, Member: 0x0102030405060708}.Encode()
	require.NoError(t, mem.WriteMem(testRID, slot, hdr))
	_, err := drv.ring.Add([]virtq.Buffer{{Addr: slot, Len: 10}, {Addr: slot + 10, Len: uint32(len(hdr) - 10)},
		{Addr: slot + 64, Len: spec.AdminResultHeaderSize, Writable: true}})
	require.NoError(t, err)
	require.NoError(t, drv.ring.Publish())
	got, ok := dev.PeekMember(mem, testRID)
	require.True(t, ok)
	assert.Equal(t, uint64(0x0102030405060708), got)
	e, ok, err := dev.Pop(mem, testRID)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, got, e.Command().Member)
}
