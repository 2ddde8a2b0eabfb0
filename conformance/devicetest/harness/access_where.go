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
	for q := range 3 {
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
// receiveq1, transmitq1 and, in a test of the control queue, controlq;
// virtio-blk's requestq (virtio spec, "Network Device" and "Block
// Device", "Virtqueues").
func (c *Check) queueName(q int) string {
	if c.Net {
		switch q {
		case 0:
			return "receiveq1"
		case 1:
			return "transmitq1"
		case ctrlQueue:
			if c.Ctrl {
				return "controlq"
			}
		}
	}
	return fmt.Sprintf("queue %d", q)
}
