package adminq

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

const testRID pcie.RID = 0x0100

func newTestQueues(t *testing.T, size uint16) (*virtq.GuestMemory, *DriverQueue, *DeviceQueue) {
	t.Helper()
	mem := virtq.NewGuestMemory()
	l := virtq.NewLayout(0x10000, size)
	drv, err := NewDriverQueue(mem, testRID, l, 0x100000, 4096)
	require.NoError(t, err)
	return mem, drv, NewDeviceQueue(l)
}

// TestAVQ_DEV_04_QueueOrder checks that used entries are published in queue
// order even when the first command's reply is held and the ones behind it
// completed first.
func TestAVQ_DEV_04_QueueOrder(t *testing.T) {
	mem, drv, dev := newTestQueues(t, 16)
	var toks []uint64
	for i := 0; i < 3; i++ {
		tok, err := drv.Submit(Command{Opcode: uint16(0x11), Group: spec.GroupSRIOV, Member: uint64(i + 1), Data: []byte{1}}, 0)
		require.NoError(t, err)
		toks = append(toks, tok)
	}
	var entries []*Entry
	for i := 0; i < 3; i++ {
		e, ok, err := dev.Pop(mem, testRID)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, uint64(i+1), e.Command().Member)
		entries = append(entries, e)
	}
	_, ok, err := dev.Pop(mem, testRID)
	require.NoError(t, err)
	assert.False(t, ok, "nothing more available")

	// The first reply is held; the two behind it complete.
	require.NoError(t, dev.Complete(mem, testRID, entries[1], Result{}))
	require.NoError(t, dev.Complete(mem, testRID, entries[2], Result{Status: spec.StatusEINVAL, Qualifier: spec.QInvalidMember}))
	n, err := dev.Publish(mem, testRID)
	require.NoError(t, err)
	assert.Equal(t, 0, n, "nothing is published while the head of the queue is held")
	got, err := drv.Harvest()
	require.NoError(t, err)
	assert.Empty(t, got)

	require.NoError(t, dev.Complete(mem, testRID, entries[0], Result{}))
	n, err = dev.Publish(mem, testRID)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	got, err = drv.Harvest()
	require.NoError(t, err)
	require.Len(t, got, 3)
	for i, c := range got {
		assert.Equal(t, toks[i], c.Token, "completion %d in queue order", i)
		assert.Equal(t, uint32(8), c.UsedLen)
	}
	assert.Equal(t, spec.StatusEINVAL, got[2].Result.Status)
	assert.Equal(t, spec.QInvalidMember, got[2].Result.Qualifier)
	assert.Equal(t, 0, drv.Outstanding())
	assert.Equal(t, 0, dev.InFlight())
}

// TestAVQ_DEV_03_StatusAlwaysWrittenMultipleOf8 checks the used length for
// results of several sizes and buffers of several capacities: the padding
// to a multiple of 8 is initialised but not counted (AVQ-DEV-01: used length
// = the defined structure written).
func TestAVQ_DEV_03_StatusAlwaysWrittenMultipleOf8(t *testing.T) {
	tests := []struct {
		name      string
		resultCap int
		result    []byte
		wantUsed  uint32
		wantData  []byte
	}{
		{"no result", 0, nil, 8, nil},
		{"2-byte result: padding not counted", 8, []byte{4, 2}, 10, []byte{4, 2}},
		{"result clipped to the buffer", 4, []byte{1, 2, 3, 4, 5, 6, 7, 8}, 12, []byte{1, 2, 3, 4}},
		{"long buffer, short result", 64, []byte{9, 9, 9, 9, 9, 9, 9, 9}, 16, []byte{9, 9, 9, 9, 9, 9, 9, 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem, drv, dev := newTestQueues(t, 8)
			_, err := drv.Submit(Command{Opcode: 0, Group: spec.GroupSRIOV}, tt.resultCap)
			require.NoError(t, err)
			e, ok, err := dev.Pop(mem, testRID)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, tt.resultCap, e.ResultCap())
			written, err := dev.CompleteWritten(mem, testRID, e, Result{Data: tt.result})
			require.NoError(t, err)
			assert.Equal(t, Result{Data: tt.result}.Encode()[:tt.wantUsed], written, "the bytes written up to the used length")
			assert.Error(t, dev.Complete(mem, testRID, e, Result{}), "a second completion is refused")
			_, err = dev.Publish(mem, testRID)
			require.NoError(t, err)
			got, err := drv.Harvest()
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, tt.wantUsed, got[0].UsedLen)
			assert.Equal(t, tt.wantData, got[0].Result.Data)
		})
	}
}

// TestAVQ_DEV_01_ChainLayout checks the chain the driver builds (readable
// header and data, writable status and result, as Linux) and that the device
// gathers exactly the bytes given, a 25-byte DEV_MODE_SET included.
func TestAVQ_DEV_01_ChainLayout(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		cap      int
		wantIn   int
		wantSegs int
	}{
		{"header only", nil, 0, 24, 2},
		{"linux 25-byte DEV_MODE_SET", []byte{1}, 0, 25, 3},
		{"header, data, status, result", make([]byte, 16), 32, 40, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem, drv, dev := newTestQueues(t, 8)
			cmd := Command{Opcode: 0x11, Group: spec.GroupSRIOV, Member: 3, Data: tt.data}
			_, err := drv.Submit(cmd, tt.cap)
			require.NoError(t, err)
			e, ok, err := dev.Pop(mem, testRID)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Len(t, e.In, tt.wantIn)
			assert.Equal(t, cmd.Encode(), e.In)
			assert.Equal(t, uint64(8+tt.cap), e.WriteCap)
			segs, err := dev.Ring.Chain(mem, testRID, e.Head)
			require.NoError(t, err)
			assert.Len(t, segs, tt.wantSegs)
		})
	}
}

// TestDeviceQueueReset checks that a reset drops every popped command
// without a used entry.
func TestDeviceQueueReset(t *testing.T) {
	mem, drv, dev := newTestQueues(t, 8)
	for i := 0; i < 2; i++ {
		_, err := drv.Submit(Command{Opcode: 0x11, Group: spec.GroupSRIOV, Member: 1}, 0)
		require.NoError(t, err)
	}
	_, ok, err := dev.Pop(mem, testRID)
	require.NoError(t, err)
	require.True(t, ok)
	dropped := dev.Reset()
	assert.Len(t, dropped, 1)
	assert.Equal(t, 0, dev.InFlight())
	got, err := drv.Harvest()
	require.NoError(t, err)
	assert.Empty(t, got)
	assert.Equal(t, 2, drv.Outstanding())
}

// TestDriverQueueSlotsExhausted checks that a command too big for its slot
// is refused with an error, not a panic.
func TestDriverQueueSlotsExhausted(t *testing.T) {
	_, drv, _ := newTestQueues(t, 8)
	_, err := drv.Submit(Command{Opcode: 0xf, Group: spec.GroupSRIOV, Member: 1}, 1<<20)
	assert.ErrorContains(t, err, "slot holds 4096")
}

// TestSubmitPagesLinuxSizing checks the result buffer Linux's vfio-virtio
// gives DEV_PARTS_GET: whole pages covering the size, one descriptor each.
// A result that is not a multiple of 8 comes back with its own length: the
// device initialises the padding but does not count it (AVQ-DEV-01), so the
// driver's used length − 8 is the result itself.
func TestSubmitPagesLinuxSizing(t *testing.T) {
	tests := []struct {
		name      string
		size      int
		wantPages int
	}{
		{"less than a page", 13, 1},
		{"exactly a page", 64, 1},
		{"a page and a byte", 65, 2},
		{"three pages", 130, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mem := virtq.NewGuestMemory()
			l := virtq.NewLayout(0x10000, 8)
			drv, err := NewDriverQueue(mem, testRID, l, 0x100000, 1024)
			require.NoError(t, err)
			dev := NewDeviceQueue(l)
			_, err = drv.SubmitPages(Command{Opcode: 0xf, Group: spec.GroupSRIOV, Member: 1, Data: make([]byte, 16)}, tt.size, 64)
			require.NoError(t, err)
			e, ok, err := dev.Pop(mem, testRID)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, uint64(8+64*tt.wantPages), e.WriteCap)
			segs, err := dev.Ring.Chain(mem, testRID, e.Head)
			require.NoError(t, err)
			assert.Len(t, segs, 3+tt.wantPages, "header, data, status and one descriptor per page")
			result := make([]byte, tt.size)
			for i := range result {
				result[i] = byte(i) | 1
			}
			require.NoError(t, dev.Complete(mem, testRID, e, Result{Data: result}))
			_, err = dev.Publish(mem, testRID)
			require.NoError(t, err)
			got, err := drv.Harvest()
			require.NoError(t, err)
			require.Len(t, got, 1)
			assert.Equal(t, uint32(8+tt.size), got[0].UsedLen)
			assert.Equal(t, result, got[0].Result.Data, "the result across page descriptors, no padding")
		})
	}
	_, drv, _ := newTestQueues(t, 4)
	_, err := drv.SubmitPages(Command{Opcode: 0xf}, 4096*3, 4096)
	assert.ErrorContains(t, err, "descriptors free", "more pages than the ring has descriptors")
}

// TestDriverQueue_Rounds: over rounds of one to three commands, each
// harvested completion carries the token and command it was submitted
// with, whatever heads and slots the earlier rounds freed.
func TestDriverQueue_Rounds(t *testing.T) {
	mem, drv, dev := newTestQueues(t, 16)
	member := uint64(0)
	for round := range 50 {
		want := map[uint64]uint64{} // token → member
		for range 1 + round%3 {
			member++
			tok, err := drv.Submit(Command{Opcode: 0x11, Group: spec.GroupSRIOV, Member: member, Data: []byte{byte(member)}}, 0)
			require.NoError(t, err)
			want[tok] = member
		}
		for {
			e, ok, err := dev.Pop(mem, testRID)
			require.NoError(t, err)
			if !ok {
				break
			}
			require.NoError(t, dev.Complete(mem, testRID, e, Result{}))
		}
		_, err := dev.Publish(mem, testRID)
		require.NoError(t, err)
		got, err := drv.Harvest()
		require.NoError(t, err)
		require.Len(t, got, len(want), "round %d", round)
		for _, c := range got {
			assert.Equal(t, want[c.Token], c.Command.Member, "round %d token %d", round, c.Token)
			assert.Equal(t, []byte{byte(c.Command.Member)}, c.Command.Data)
		}
		assert.Equal(t, 0, drv.Outstanding())
	}
}
