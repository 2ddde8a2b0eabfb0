package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// The transmit buffers a virtio-net device has taken when the owner stops
// it: takenAtStop's judgement (taken.go) with frames, whose network shows
// what a block request cannot: a buffer the device took is neither lost
// nor used twice — each frame reaches the wire exactly once, before or
// after a migration.
//
// virtio-1.4 (DP-DEV-09): every observed transmit buffer is sent and in
// the used ring when DEV_MODE_SET stopped completes (used length 0: the
// device writes nothing into a transmit buffer), its frame on the wire
// once.
//
// draft-2023 (DRAFT-STOP-02, DRAFT-CTX-09): what the device took and did
// not complete is device-owned (VQ_SPLIT_DEV_OWN_DESC), and what of it the
// device already executed — its frame on the wire — is in NET_INFLIGHT, so
// that the destination completes it without sending it again; an entry of
// NET_INFLIGHT that names no device-owned chain, or a frame it names that
// is not on the wire, would make the destination drop a frame.

// netTakenAtStop posts two frames, kicks, lets the device run its steps
// until it has put a frame on the wire (at most 8 of them), stops it and
// judges guest memory, the wire and the draft context before any other
// event; then moves it to a destination on the same link and checks that
// both buffers completed once and both frames are on the wire once, in
// order.
func netTakenAtStop(c *harness.Check) {
	g, gu := c.Live()
	reqs := []harness.Request{gu.PostWork(1), gu.PostWork(2)}
	frames := [][]byte{gu.Frame(reqs[0]), gu.Frame(reqs[1])}
	const q = 1 // transmitq1
	g.Quiet()
	gu.Kick(q)
	for i := 0; i < 8 && len(g.Steps) > 0 && len(g.Wire()) == 0; i++ {
		s := g.Steps[0]
		g.Steps = g.Steps[1:]
		g.Handle(member.Event{Kind: member.EvStep, Step: s})
	}
	// Interrupts of the steps before the stop are a running device's to
	// send; only those of the stop count.
	running := len(g.IRQs)
	stop := c.Ed.ModeName(spec.ModeStop)
	tag := g.Send(harness.ModeSetOp(c.Ed), harness.ModeData(c.Ed, spec.ModeStop), 0)
	if r, ok := g.Completion(tag); !ok || r.Status != spec.StatusOK {
		c.Fatalf("DEV_MODE_SET %s with transmit buffers in flight: completed %v, status %s", stop, ok, r.Status)
	}
	if c.Ed == spec.Virtio14 {
		harness.ExpectEq(c, len(g.IRQs)-running, 0, "MSI-X messages while DEV_MODE_SET stopped was answered")
	}
	taken := observed(g, q, reqs)
	usedIdx, used := gu.UsedRing(q)
	wire := g.Wire()
	var owned []devctx.DevOwnDesc
	var inflight devctx.NetInflightList
	hasInflight := false
	if c.Ed == spec.Draft2023 {
		state := g.State()
		var rt devctx.VQSplitRuntimeEntry
		owned, rt = ownedInContext(c, state, q)
		inflight, hasInflight = netInflightOf(c, state)
		harness.ExpectEq(c, rt.UsedIdx, usedIdx, "transmitq1's used_idx in the context read in Stop against used idx in guest memory")
		c.Expect(int(rt.LastAvailIdx) <= len(reqs), "transmitq1's last_avail_idx in the context read in Stop is %d, beyond the %d frames the driver posted", rt.LastAvailIdx, len(reqs))
		for i, r := range reqs {
			taken[i] = uint16(i) < rt.LastAvailIdx
			if _, isUsed := used[r.Head]; isUsed && !taken[i] {
				c.Errorf("", "frame %d (head %d) is in the used ring when Stop completed, at or above the context's last_avail_idx %d: a destination would send it again", i+1, r.Head, rt.LastAvailIdx)
			}
		}
		for _, e := range inflight.Entries {
			if int(e.Queue) != q || !ownsHead(owned, q, e.Head) {
				c.Errorf("DRAFT-CTX-09", "NET_INFLIGHT lists q%d head %d, which is no device-owned descriptor of the context: a destination cannot complete it", e.Queue, e.Head)
			}
		}
	}
	for i, r := range reqs {
		if !taken[i] {
			continue
		}
		ln, isUsed := used[r.Head]
		own := ownsHead(owned, q, r.Head)
		sent := countOn(wire, frames[i])
		switch {
		case isUsed && own:
			c.Errorf("", "frame %d (head %d) is both in the used ring and a device-owned descriptor of the context: a destination would send it again", i+1, r.Head)
		case isUsed:
			c.Expect(ln == 0, "frame %d (head %d) in the used ring when DEV_MODE_SET %s completed: used length %d, want 0 (nothing is written into a transmit buffer)", i+1, r.Head, stop, ln)
			c.Expect(sent == 1, "frame %d (head %d) is in the used ring when DEV_MODE_SET %s completed and on the wire %d times, want once", i+1, r.Head, stop, sent)
		case c.Ed == spec.Virtio14:
			c.Errorf("", "frame %d (head %d), whose avail entry and descriptor the device read, is not in the used ring when DEV_MODE_SET %s completed (used idx %d)", i+1, r.Head, stop, usedIdx)
		case !own:
			c.Errorf("", "frame %d (head %d), below the context's last_avail_idx, is neither in the used ring (used idx %d) nor a device-owned descriptor (VQ_SPLIT_DEV_OWN_DESC) when Stop completed", i+1, r.Head, usedIdx)
		default:
			listed := inflightHas(inflight, q, r.Head)
			switch {
			case sent > 0 && !hasInflight:
				c.Errorf("DRAFT-CTX-09", "frame %d (head %d) is on the wire and its buffer device-owned, but the context has no NET_INFLIGHT field (type %#x) to list it: a destination would send it again",
					i+1, r.Head, uint32(spec.FieldNetInflight))
			case sent > 0 && !listed:
				c.Errorf("DRAFT-CTX-09", "frame %d (head %d) is on the wire and its buffer device-owned, but NET_INFLIGHT does not list it: a destination would send it again", i+1, r.Head)
			case sent == 0 && listed:
				c.Errorf("DRAFT-CTX-09", "NET_INFLIGHT lists frame %d (head %d) as executed, but it is not on the wire: a destination would complete it without sending it", i+1, r.Head)
			}
		}
	}
	g.Quiet()
	g.Run() // what the device asked for before the stop
	harness.ExpectEq(c, len(g.Rec.Accesses), 0, "guest-memory accesses after DEV_MODE_SET "+stop+" completed")
	harness.ExpectEq(c, len(g.IRQs), 0, "MSI-X messages after DEV_MODE_SET "+stop+" completed")
	if c.Ed == spec.Draft2023 {
		g.MustMode(spec.ModeFreeze)
	}
	c.MoveTo(g, gu)
	c.Expect(gu.Used(q) == 2, "transmitq1's used index on the destination: %d, want 2 (each transmit buffer once)", gu.Used(q))
	judgeWireOnce(c, "once the destination ran", gu.Rig.Wire(), frames)
}

// netInflightOf returns the NET_INFLIGHT field of a draft-2023 context and
// whether the context has one (an empty list when it has none:
// DRAFT-CTX-09's device test reports that).
func netInflightOf(c *harness.Check, state []byte) (devctx.NetInflightList, bool) {
	for _, f := range harness.DecodeFields(c, state) {
		if f.Type == spec.FieldNetInflight {
			l, err := devctx.DecodeNetInflightList(f.Value)
			if err != nil {
				c.Fatalf("NET_INFLIGHT: %v", err)
			}
			return l, true
		}
	}
	return devctx.NetInflightList{}, false
}

// inflightHas reports whether NET_INFLIGHT lists queue q's chain at head.
func inflightHas(l devctx.NetInflightList, q int, head uint16) bool {
	for _, e := range l.Entries {
		if int(e.Queue) == q && e.Head == head {
			return true
		}
	}
	return false
}
