package blk

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/guest"
)

func TestDefaultPlan(t *testing.T) {
	p := DefaultPlan(3)
	require.Len(t, p.Rings, 3)
	for q, r := range p.Rings {
		assert.Equal(t, guest.Region{Base: guestRingBase + uint64(q)*guestRingStride, Size: guestRingStride}, r)
	}
	assert.Equal(t, guest.Region{Base: guestBufBase, Size: guestBufSize}, p.Buffers)
	assert.Len(t, DefaultPlan(0).Rings, 1, "at least one queue")
}

// TestAllocStaysInsideTheBufferRegion: buffers come from the plan's buffer
// region only, 16-byte aligned; when it is used up the allocator starts
// over only if no request is in flight, else it refuses.
func TestAllocStaysInsideTheBufferRegion(t *testing.T) {
	g := NewWithPlan(nil, guest.MemoryPlan{Rings: DefaultPlan(1).Rings, Buffers: guest.Region{Base: 0x1000, Size: 64}})
	a, ok := g.alloc(20)
	require.True(t, ok)
	assert.Equal(t, uint64(0x1000), a)
	b, ok := g.alloc(1)
	require.True(t, ok)
	assert.Equal(t, uint64(0x1020), b, "rounded up to 16")
	c, ok := g.alloc(32)
	require.True(t, ok)
	assert.Equal(t, uint64(0x1000), c, "nothing in flight: starts over")
	g.queues = []*guestQueue{{inflight: map[uint16]*guestReq{0: {}}}}
	_, ok = g.alloc(48)
	assert.False(t, ok, "a request in flight may still use the start")
	_, ok = g.alloc(100)
	assert.False(t, ok, "larger than the region")
}
