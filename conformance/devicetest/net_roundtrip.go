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
