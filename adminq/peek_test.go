package adminq

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
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
