package devicetest

import (
	"bytes"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// A round trip: a device moved mid-workload to a new device through the
// admin commands finishes the guest's requests exactly as if it had not
// moved.

// roundTrip runs a workload on a source, moves it to a destination while
// requests are in flight (one kicked and not served, one kicked while
// stopped, one posted and never kicked until the destination runs), and
// checks that every request completes once with its data.
func roundTrip(c *check) {
	src, gu := c.live()
	w0 := gu.submit(0, blkOut, 0, pattern(10, 1024), 1024)
	gu.kick(0)
	src.run()
	c.expect(gu.used(0) == 1 && gu.status(w0) == 0, "a write before the move: used %d, status %#x", gu.used(0), gu.status(w0))
	w1 := gu.submit(0, blkOut, 2, pattern(11, 512), 512)
	gu.kick(0) // received, not served before the stop
	src.mustMode(spec.ModeStop)
	w2 := gu.submit(0, blkOut, 3, pattern(12, 512), 512)
	gu.kick(0) // a doorbell while stopped
	src.run()
	if c.ed == spec.Draft2023 {
		src.mustMode(spec.ModeFreeze)
	}
	dst := c.moveTo(src, gu)
	c.expect(hasVector(dst.irqs, 1), "no used-buffer interrupt (vector 1) from the destination for the requests it completed")
	r := gu.submit(0, blkIn, 0, nil, 2048)
	gu.kick(0)
	dst.run()
	c.expect(gu.used(0) == 4, "used index on the destination: %d, want 4 (every request once)", gu.used(0))
	for i, w := range []request{w1, w2, r} {
		c.expect(gu.status(w) == 0, "request %d after the move: status %#x, want 0", i+1, gu.status(w))
	}
	want := append(append(pattern(10, 1024), pattern(11, 512)...), pattern(12, 512)...)
	c.expect(bytes.Equal(gu.data(r), want), "sectors 0-3 read on the destination differ from what was written")
}

// decodeFields decodes a whole draft-2023 context.
func decodeFields(c *check, state []byte) []devctx.Field {
	ctx, err := devctx.DecodeDraftContext(state)
	if err != nil {
		c.fatalf("the source's context: %v", err)
	}
	return ctx.Fields
}

func roundTripTests() []Test {
	return []Test{
		{id: "DRAFT-CTX-01", name: "round-trip-mid-workload", blk: true, also: []string{"DRAFT-STOP-03"}, run: roundTrip},
		{id: "DP-DEV-08", name: "round-trip-mid-workload", blk: true, also: []string{"DP-DEV-09", "DP-DEV-10"}, run: roundTrip},
	}
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
