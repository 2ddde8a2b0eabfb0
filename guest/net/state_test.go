package net

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
)

// TestDriver_StateHash: the hash covers what the driver does next (its
// log, its failures, what it received and sent, its buffers in flight and
// free, the pairs in use, what it harvested and has not flushed) and
// leaves out its bus. Each change below is one the driver's own code
// makes; a hash that left the field out would merge states that go on
// differently (a frame counted or not decides when Recv stops waiting).
func TestDriver_StateHash(t *testing.T) {
	_, a := probed(t, 9, 9)
	_, b := probed(t, 9, 9)
	var _ guest.StateHasher = a
	assert.Equal(t, a.StateHash(), b.StateHash())
	b.bus = &struct{ guest.Bus }{}
	assert.Equal(t, a.StateHash(), b.StateHash(), "the bus is the machine")

	for name, change := range map[string]func(d *Driver){
		"log":      func(d *Driver) { d.logf("recv: 1 frames") },
		"failed":   func(d *Driver) { d.fail("gave up") },
		"received": func(d *Driver) { d.rxCount++ },
		"mark":     func(d *Driver) { d.rxMark++ },
		"flows":    func(d *Driver) { d.rxLast[7] = 3 },
		"sent":     func(d *Driver) { d.txSeq++ },
		"done":     func(d *Driver) { d.note(2, "tx q1 seq=1: sent") },
		"announce": func(d *Driver) { d.pendingAnnounce = true },
		"pairs":    func(d *Driver) { d.pairs++ },
		"slot":     func(d *Driver) { d.mem.get() },
		"inflight": func(d *Driver) {
			for k := range d.queues[0].inflight {
				delete(d.queues[0].inflight, k)
				return
			}
		},
	} {
		_, c := probed(t, 9, 9)
		change(c)
		assert.NotEqual(t, a.StateHash(), c.StateHash(), name)
	}
	// The same line harvested for another queue is another state: Flush
	// writes the lines queue by queue.
	_, x := probed(t, 9, 9)
	_, y := probed(t, 9, 9)
	x.note(1, "l")
	y.note(3, "l")
	assert.NotEqual(t, x.StateHash(), y.StateHash())
}
