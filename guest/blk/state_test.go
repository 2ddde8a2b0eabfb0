package blk

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
)

// TestDriver_StateHash: the hash covers what the driver does next (its
// log, its failures, what it believes the disk holds) and leaves out its
// bus, its scratch buffer and the empty queues an interrupt that harvested
// nothing added to done.
func TestDriver_StateHash(t *testing.T) {
	a, b := New(nil, 2), New(nil, 2)
	var _ guest.StateHasher = a
	assert.Equal(t, a.StateHash(), b.StateHash())

	b.buf(64)[3] = 0x5a
	b.done = [][]string{nil, {}}
	assert.Equal(t, a.StateHash(), b.StateHash(), "scratch and empty queues of done are not state")
	b.bus = &struct{ guest.Bus }{}
	assert.Equal(t, a.StateHash(), b.StateHash(), "the bus is the machine")

	for name, change := range map[string]func(d *Driver){
		"log":    func(d *Driver) { d.logf("write sector=0 count=1: status=0") },
		"failed": func(d *Driver) { d.fail("gave up") },
		"shadow": func(d *Driver) { d.shadow[4] = 0xa1 },
		"done":   func(d *Driver) { d.done = [][]string{nil, {"flush: status=0"}} },
		"buffer": func(d *Driver) { d.nextBuf += 16 },
	} {
		c := New(nil, 2)
		change(c)
		assert.NotEqual(t, a.StateHash(), c.StateHash(), name)
	}
	// The same lines harvested for another queue are another state: Flush
	// writes them queue by queue.
	x, y := New(nil, 2), New(nil, 2)
	x.done = [][]string{{"l"}, nil}
	y.done = [][]string{nil, {"l"}}
	assert.NotEqual(t, x.StateHash(), y.StateHash())
}
