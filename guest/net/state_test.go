package net

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
)

// TestDriver_StateHash: the hash covers what the driver does next (its
// log, the frames it received, what it harvested) and leaves out its bus.
func TestDriver_StateHash(t *testing.T) {
	plan := guest.MemoryPlan{Rings: []guest.Region{{Base: 0x10_0000, Size: 0x1_0000}},
		Buffers: guest.Region{Base: 0x100_0000, Size: 0x10_0000}}
	a, b := New(nil, plan), New(nil, plan)
	var _ guest.StateHasher = a
	assert.Equal(t, a.StateHash(), b.StateHash())
	b.bus = &struct{ guest.Bus }{}
	assert.Equal(t, a.StateHash(), b.StateHash(), "the bus is the machine")
	for name, change := range map[string]func(d *Driver){
		"log":    func(d *Driver) { d.logf("recv: 1 frames") },
		"rx":     func(d *Driver) { d.rxCount++ },
		"mark":   func(d *Driver) { d.rxMark++ },
		"done":   func(d *Driver) { d.note(1, "tx q1 seq=1: sent") },
		"failed": func(d *Driver) { d.fail("gave up") },
	} {
		c := New(nil, plan)
		change(c)
		assert.NotEqual(t, a.StateHash(), c.StateHash(), name)
	}
}

// TestSlots_StateHash: the free slots hash by their order, which decides
// the next slot taken, and the hash kept as the stack moves is the hash of
// the stack.
func TestSlots_StateHash(t *testing.T) {
	r := guest.Region{Base: 0x1000, Size: 0x4000}
	a, b := newSlots(r, 0x1000), newSlots(r, 0x1000)
	assert.Equal(t, a.StateHash(), b.StateHash())
	x, _ := a.get()
	y, _ := a.get()
	a.put(x)
	a.put(y)
	assert.NotEqual(t, a.StateHash(), b.StateHash(), "the same slots in another order")
	c := &slots{}
	for _, s := range a.free {
		c.put(s)
	}
	assert.Equal(t, c.StateHash(), a.StateHash())
	_, _ = b.get()
	assert.NotEqual(t, newSlots(r, 0x1000).StateHash(), b.StateHash())
	b.put(0x1000)
	assert.Equal(t, newSlots(r, 0x1000).StateHash(), b.StateHash())
}
