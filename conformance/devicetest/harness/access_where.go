package harness

import (
	"fmt"

	"github.com/migsim/migsim/virtq"
)

// FirstAccess says, for a message about guest-memory accesses a device
// must not make, the first of them and what of the test guest's memory it
// touched: "; the first: MRd 01:00.1 addr=0x… len=16, receiveq1's
// descriptor table", or "" when there is none.
func FirstAccess(c *Check, accesses []virtq.Access) string {
	if len(accesses) == 0 {
		return ""
	}
	a := accesses[0]
	return fmt.Sprintf("; the first: %s, %s", a, c.guestRegion(a.Addr))
}

// guestRegion names the part of the test guest's memory at addr: a
// queue's descriptor table, avail ring or used ring (RingAt), or a buffer
// the guest posted.
func (c *Check) guestRegion(addr uint64) string {
	for q := range max(3, c.numQueues()) {
		l := RingAt(q)
		name := c.queueName(q)
		switch {
		case addr >= l.Desc && addr < l.Avail:
			return name + "'s descriptor table"
		case addr >= l.Avail && addr < l.Used:
			return name + "'s avail ring"
		case addr >= l.Used && addr < l.End():
			return name + "'s used ring"
		}
	}
	if addr >= BufBase && addr < ringBase {
		return "a buffer the driver posted"
	}
	return "memory the driver gave the device no part of"
}

// queueName names queue q as the device type's driver does: virtio-net's
// receiveq1, transmitq1 (every pair's in a multiqueue test) and, in a
// test of the control queue, controlq; virtio-blk's requestq (virtio
// spec, "Network Device" and "Block Device", "Virtqueues").
func (c *Check) queueName(q int) string {
	if !c.Net {
		return fmt.Sprintf("queue %d", q)
	}
	pairs := max(c.Pairs, 1)
	switch {
	case c.Ctrl && q == c.numQueues()-1:
		return "controlq"
	case q < 2*pairs:
		return QueueName(q)
	}
	return fmt.Sprintf("queue %d", q)
}

// QueueName names queue q of a virtio-net pair: receiveqK at 2(K−1),
// transmitqK at 2(K−1)+1.
func QueueName(q int) string {
	if q%2 == 0 {
		return fmt.Sprintf("receiveq%d", q/2+1)
	}
	return fmt.Sprintf("transmitq%d", q/2+1)
}
