package harness

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
// for a test of the control queue (every pair's queues too for a
// multiqueue test, as Linux's virtnet_probe sets up max_virtqueue_pairs).
func (c *Check) liveQueues() int {
	if c.Ctrl {
		return c.numQueues()
	}
	if c.Net {
		return 2
	}
	return 1
}

// WorkQueue is the queue the guest's work goes on.
func (gu *Guest) WorkQueue() int {
	if gu.Rig.Check.Net {
		return 1
	}
	return 0
}

// PostWork posts one unit of work derived from seed on the work queue
// without kicking: a block write of sector 0, or a 60-byte frame behind
// a zero virtio_net_hdr (virtio spec, "Packet Transmission").
func (gu *Guest) PostWork(seed int) Request {
	if !gu.Rig.Check.Net {
		return gu.Submit(0, BlkOut, 0, Pattern(seed, 512), 512)
	}
	return gu.PostFrame(gu.WorkQueue(), seed)
}

// PostFrame posts a 60-byte broadcast frame derived from seed behind a
// zero virtio_net_hdr on transmit queue q without kicking.
func (gu *Guest) PostFrame(q, seed int) Request { return gu.PostFrameOf(q, seed, 60) }

// PostFrameOf posts a broadcast frame of size bytes (at most a buffer's
// 0x1000 less the header) derived from seed behind a zero virtio_net_hdr
// on transmit queue q without kicking.
func (gu *Guest) PostFrameOf(q, seed, size int) Request {
	g := gu.Rig
	frame := Pattern(seed, size)
	copy(frame, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}) // broadcast destination
	b := append(make([]byte, spec.NetHdrSize), frame...)
	a := gu.next
	gu.next += 0x1000
	must(g, g.mem.WriteMem(RigHost, a, b))
	head, err := gu.rings[q].Add([]virtq.Buffer{{Addr: a, Len: uint32(len(b))}})
	if err != nil {
		g.Check.Fatalf("queue %d: %v", q, err)
	}
	must(g, gu.rings[q].Publish())
	gu.posted++
	return Request{Head: head, data: a, N: len(b), net: true}
}

// Done reports whether work r completed well: a block request's status
// byte is 0 (VIRTIO_BLK_S_OK); a transmitted frame has none, its used
// entry is all the guest sees.
func (gu *Guest) Done(r Request) bool { return r.net || gu.Status(r) == 0 }
