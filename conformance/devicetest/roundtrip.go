package devicetest

import (
	"bytes"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/spec"
)

// A round trip: a device moved mid-workload to a new device through the
// admin commands finishes the guest's requests exactly as if it had not
// moved.

// roundTrip runs a workload on a source, moves it to a destination while
// requests are in flight (one kicked and not served, one kicked while
// stopped, one posted and never kicked until the destination runs), and
// checks that every request completes once with its data.
func roundTrip(c *harness.Check) {
	src, gu := c.Live()
	w0 := gu.Submit(0, harness.BlkOut, 0, harness.Pattern(10, 1024), 1024)
	gu.Kick(0)
	src.Run()
	c.Expect(gu.Used(0) == 1 && gu.Status(w0) == 0, "a write before the move: used %d, status %#x", gu.Used(0), gu.Status(w0))
	w1 := gu.Submit(0, harness.BlkOut, 2, harness.Pattern(11, 512), 512)
	gu.Kick(0) // received, not served before the stop
	src.MustMode(spec.ModeStop)
	w2 := gu.Submit(0, harness.BlkOut, 3, harness.Pattern(12, 512), 512)
	gu.Kick(0) // a doorbell while stopped
	src.Run()
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	onDisk := expectCompletedWritesOnDisk(c, src, gu, []written{{w0, 0, harness.Pattern(10, 1024)}, {w1, 2, harness.Pattern(11, 512)}, {w2, 3, harness.Pattern(12, 512)}}, stateFinal(c))
	dst := c.MoveTo(src, gu)
	c.Expect(hasVector(dst.IRQs, 1), "no used-buffer interrupt (vector 1) from the destination for the requests it completed")
	r := gu.Submit(0, harness.BlkIn, 0, nil, 2048)
	gu.Kick(0)
	dst.Run()
	c.Expect(gu.Used(0) == 4, "used index on the destination: %d, want 4 (every request once)", gu.Used(0))
	for i, w := range []harness.Request{w1, w2, r} {
		c.Expect(gu.Status(w) == 0, "request %d after the move: status %#x, want 0", i+1, gu.Status(w))
	}
	want := append(append(harness.Pattern(10, 1024), harness.Pattern(11, 512)...), harness.Pattern(12, 512)...)
	if onDisk { // else the source lost them: the destination reads the disk it was given
		c.Expect(bytes.Equal(gu.Data(r), want), "sectors 0-3 read on the destination differ from what was written")
	}
}

func roundTripTests() []Test {
	return []Test{
		{id: "DRAFT-CTX-01", name: "round-trip-mid-workload", blk: true, also: []string{"DRAFT-STOP-03"}, run: roundTrip},
		{id: "DP-DEV-08", name: "round-trip-mid-workload", blk: true, also: []string{"DP-DEV-09", "DP-DEV-10"}, run: roundTrip},
	}
}
