package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/devicetest/netunits"
	"github.com/migsim/migsim/spec"
)

// netRoundTrip is roundTrip for a virtio-net device: the source transmits
// a frame, then one is kicked and not served before the stop and one
// kicked while stopped; the destination, on the same link, must put each
// on the wire exactly once, in order, with the driver's bytes, complete
// every transmit buffer once, and receive a frame that arrives after the
// move into the receive buffer the source had been given.
func netRoundTrip(c *harness.Check) {
	src, gu := c.Live()
	rx := gu.PostRx(0, 2048)
	gu.Kick(0)
	t0 := gu.PostWork(1)
	gu.Kick(1)
	src.Run()
	c.Expect(gu.Used(1) == 1, "a transmit before the move: transmitq1's used index %d, want 1", gu.Used(1))
	t1 := gu.PostWork(2)
	gu.Kick(1) // received, not served before the stop
	src.MustMode(spec.ModeStop)
	t2 := gu.PostWork(3)
	gu.Kick(1) // a doorbell while stopped
	src.Run()
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	dst := c.MoveTo(src, gu)
	c.Expect(gu.Used(1) == 3, "transmitq1's used index on the destination: %d, want 3 (every transmit buffer once)", gu.Used(1))
	c.Expect(hasVector(dst.IRQs, 2), "no used-buffer interrupt (vector 2) from the destination for the transmit buffers it completed")
	frames := [][]byte{gu.Frame(t0), gu.Frame(t1), gu.Frame(t2)}
	judgeWireOnce(c, "after the move", dst.Wire(), frames)
	f := dst.Receive(7, 100)
	c.Expect(gu.Used(0) == 1, "receiveq1's used index on the destination after a frame arrived: %d, want 1", gu.Used(0))
	netunits.JudgeReceived(c, gu, 0, rx, f)
}
