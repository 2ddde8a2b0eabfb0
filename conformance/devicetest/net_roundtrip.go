package devicetest

import (
	"github.com/migsim/migsim/spec"
)

// netRoundTrip is roundTrip for a virtio-net device: the source transmits
// a frame, then one is kicked and not served before the stop and one
// kicked while stopped; the destination, on the same link, must put each
// on the wire exactly once, in order, with the driver's bytes, complete
// every transmit buffer once, and receive a frame that arrives after the
// move into the receive buffer the source had been given.
func netRoundTrip(c *check) {
	src, gu := c.live()
	rx := gu.postRx(0, 2048)
	gu.kick(0)
	t0 := gu.postWork(1)
	gu.kick(1)
	src.run()
	c.expect(gu.used(1) == 1, "a transmit before the move: transmitq1's used index %d, want 1", gu.used(1))
	t1 := gu.postWork(2)
	gu.kick(1) // received, not served before the stop
	src.mustMode(spec.ModeStop)
	t2 := gu.postWork(3)
	gu.kick(1) // a doorbell while stopped
	src.run()
	if c.ed == spec.Draft2023 {
		src.mustMode(spec.ModeFreeze)
	}
	dst := c.moveTo(src, gu)
	c.expect(gu.used(1) == 3, "transmitq1's used index on the destination: %d, want 3 (every transmit buffer once)", gu.used(1))
	c.expect(hasVector(dst.irqs, 2), "no used-buffer interrupt (vector 2) from the destination for the transmit buffers it completed")
	frames := [][]byte{gu.frame(t0), gu.frame(t1), gu.frame(t2)}
	judgeWireOnce(c, "after the move", dst.wire(), frames)
	f := dst.receive(7, 100)
	c.expect(gu.used(0) == 1, "receiveq1's used index on the destination after a frame arrived: %d, want 1", gu.used(0))
	judgeReceived(c, gu, 0, rx, f)
}

// moveTo migrates src, stopped (and in draft-2023 frozen), to a new
// destination device on the same disk, link and a copy of guest memory:
// the owner reads its state and writes it to the destination (DEV_CTX_WRITE
// in Freeze; DEV_PARTS_SET stopped), which it then resumes and runs. The
// guest's rings follow it.
func (c *check) moveTo(src *rig, gu *guest) *rig {
	state := src.state()
	dst := c.destination(src)
	for _, d := range gu.rings {
		d.SetMemory(dst.mem)
	}
	gu.g = dst
	if c.ed == spec.Draft2023 {
		dst.mustMode(spec.ModeFreeze)
		if st, q := dst.ctxWrite(decodeFields(c, state)); st != spec.StatusOK {
			c.fatalf("DEV_CTX_WRITE of the source's context in Freeze: %s/%s", st, q)
		}
		dst.mustMode(spec.ModeStop)
	} else {
		dst.mustMode(spec.ModeStop)
		if r := dst.partsSet(state); r.Status != spec.StatusOK {
			c.fatalf("DEV_PARTS_SET of the source's parts: %s/%s", r.Status, r.Qualifier)
		}
	}
	dst.quiet()
	dst.mustMode(spec.ModeActive)
	dst.run()
	return dst
}
