package devicetest

import (
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// The test guest's unit of work, whatever the device type: a virtio-blk
// write of one sector on queue 0, or one Ethernet frame transmitted on a
// virtio-net device's first transmit queue (queue 1, virtio spec
// "Network Device": queue 2N+1 is transmitq N). Either completes once in
// the used ring; only the block request has a status byte.

// liveQueues is how many queues a live device runs: queue 0 for
// virtio-blk, receiveq1 and transmitq1 for virtio-net, and controlq too
// for a test of the control queue.
func (c *check) liveQueues() int {
	if c.ctrl {
		return rigCtrlQueues
	}
	if c.net {
		return 2
	}
	return 1
}

// workQueue is the queue the guest's work goes on.
func (gu *guest) workQueue() int {
	if gu.g.c.net {
		return 1
	}
	return 0
}

// postWork posts one unit of work derived from seed on the work queue
// without kicking: a block write of sector 0, or a 60-byte frame behind
// a zero virtio_net_hdr (virtio spec, "Packet Transmission").
func (gu *guest) postWork(seed int) request {
	if !gu.g.c.net {
		return gu.submit(0, blkOut, 0, pattern(seed, 512), 512)
	}
	g := gu.g
	q := gu.workQueue()
	frame := pattern(seed, 60)
	copy(frame, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) // broadcast destination
	b := append(make([]byte, spec.NetHdrSize), frame...)
	a := gu.next
	gu.next += 0x1000
	must(g, g.mem.WriteMem(rigHost, a, b))
	head, err := gu.rings[q].Add([]virtq.Buffer{{Addr: a, Len: uint32(len(b))}})
	if err != nil {
		g.c.fatalf("queue %d: %v", q, err)
	}
	must(g, gu.rings[q].Publish())
	gu.posted++
	return request{head: head, data: a, n: len(b), net: true}
}

// done reports whether work r completed well: a block request's status
// byte is 0 (VIRTIO_BLK_S_OK); a transmitted frame has none, its used
// entry is all the guest sees.
func (gu *guest) done(r request) bool { return r.net || gu.status(r) == 0 }
