package devicetest

import (
	"bytes"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/devicetest/netunits"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// A receive buffer the device has filled when the owner stops it:
// netTakenAtStop (net_taken.go) judges transmit buffers, and a receive
// buffer the device took and has not filled stays taken, rightly (nothing
// was written into it; docs/net.md, "Frames while stopped"). One it has
// written a frame into is a buffer it has used: the frame is the
// guest's only once the buffer is in the used ring.
//
// virtio-1.4 (DP-DEV-09): the device writes back the descriptors of every
// buffer it has seen before DEV_MODE_SET completes, so the filled buffer is
// in receiveq1's used ring with the used length of the virtio_net_hdr and
// the frame; a destination re-derives last_avail from used idx, takes the
// buffer again and the frame is lost.
//
// draft-2023 (DRAFT-STOP-02, DRAFT-CTX-09): the filled buffer is in the
// used ring, or a device-owned descriptor that NET_INFLIGHT lists as
// executed, which a destination completes with the recorded used length
// instead of waiting for another frame to write over it.

// netRxTakenTests are the tests of a receive buffer filled at the stop.
func netRxTakenTests() []Test {
	return []Test{
		{id: "DP-DEV-09", name: "stop-writes-back-filled-rx-buffer", netOnly: true, also: []string{netunits.NumBuffersReq}, run: netRxFilledAtStop},
		{id: "DRAFT-STOP-02", name: "filled-rx-buffer-used-or-owned-at-stop", netOnly: true, also: []string{"DRAFT-CTX-09", netunits.NumBuffersReq}, run: netRxFilledAtStop},
	}
}

// netRxFilledAtStop posts a receive buffer, lets the device take it, has a
// frame arrive and runs the device's steps one at a time until the frame
// is in the buffer (at most 8), stops it and judges receiveq1's used ring
// and the draft context; then moves it to a destination on the same link,
// where the buffer must be used once with the frame.
func netRxFilledAtStop(c *harness.Check) {
	g, gu := c.Live()
	const q = 0 // receiveq1
	rx := gu.PostRx(q, 2048)
	gu.Kick(q)
	g.Run()
	link := g.Port.Link()
	f := link.Frame(link.MAC(), 9, -1, 100)
	g.Port.Arrive(f)
	g.Handle(member.Event{Kind: member.EvBackend})
	filled := func() bool {
		return bytes.Equal(gu.Data(rx)[spec.NetHdrSize:spec.NetHdrSize+len(f.Data)], f.Data)
	}
	for i := 0; i < 8 && len(g.Steps) > 0 && !filled(); i++ {
		s := g.Steps[0]
		g.Steps = g.Steps[1:]
		g.Handle(member.Event{Kind: member.EvStep, Step: s})
	}
	if !filled() {
		c.SetUpFatalf("a frame written into a receive buffer", "the frame that arrived is not in the receive buffer (head %d) after %d of the device's steps", rx.Head, 8)
	}
	stop := c.Ed.ModeName(spec.ModeStop)
	g.MustMode(spec.ModeStop)
	want := uint32(spec.NetHdrSize + len(f.Data))
	_, used := gu.UsedRing(q)
	ln, isUsed := used[rx.Head]
	// cause is the requirement of what the stop left wrong, which a frame
	// lost on the destination follows from ("": the test's own).
	cause := ""
	switch {
	case isUsed:
		c.Expect(ln == want, "the filled receive buffer (head %d) is in receiveq1's used ring when DEV_MODE_SET %s completed with used length %d, want %d (the virtio_net_hdr and the %d-byte frame)", rx.Head, stop, ln, want, len(f.Data))
	case c.Ed == spec.Virtio14:
		c.Errorf("", "the receive buffer (head %d), into which the device wrote a %d-byte frame, is not in receiveq1's used ring when DEV_MODE_SET %s completed: a destination takes the buffer again from the avail ring and the frame is lost", rx.Head, len(f.Data), stop)
	default:
		state := g.State()
		owned, _ := ownedInContext(c, state, q)
		inflight, hasInflight := netInflightOf(c, state)
		switch {
		case !ownsHead(owned, q, rx.Head):
			c.Errorf("", "the receive buffer (head %d), into which the device wrote a frame, is neither in receiveq1's used ring nor a device-owned descriptor (VQ_SPLIT_DEV_OWN_DESC) when Stop completed", rx.Head)
		case !hasInflight:
			cause = "DRAFT-CTX-09"
			c.Errorf("DRAFT-CTX-09", "the receive buffer (head %d) holds a frame and is device-owned, but the context has no NET_INFLIGHT field (type %#x) to list it as executed: a destination would wait for another frame to write into it, and this one is lost",
				rx.Head, uint32(spec.FieldNetInflight))
		case !inflightHas(inflight, q, rx.Head):
			cause = "DRAFT-CTX-09"
			c.Errorf("DRAFT-CTX-09", "the receive buffer (head %d) holds a frame and is device-owned, but NET_INFLIGHT does not list it as executed: a destination would wait for another frame to write into it, and this one is lost", rx.Head)
		default:
			for _, e := range inflight.Entries {
				if int(e.Queue) == q && e.Head == rx.Head {
					c.Expect(e.Written == want, "NET_INFLIGHT lists the filled receive buffer (head %d) with used length %d, want %d (the virtio_net_hdr and the %d-byte frame)", rx.Head, e.Written, want, len(f.Data))
				}
			}
		}
		g.MustMode(spec.ModeFreeze)
	}
	c.MoveTo(g, gu)
	if n := gu.Used(q); n != 1 {
		c.Errorf(cause, "receiveq1's used index once the destination ran: %d, want 1 (the filled receive buffer, once)", n)
		return
	}
	netunits.JudgeReceived(c, gu, q, rx, f.Data)
}
