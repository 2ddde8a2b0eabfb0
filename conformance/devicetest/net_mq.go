package devicetest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/devicetest/netunits"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// netMQTests carry a multiqueue virtio-net device through a migration: the
// queue pairs in use the driver chose with VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET
// (virtio spec, "Automatic receive steering in multiqueue mode"; the MQ
// VQ_PAIRS_SET part, docs/net.md) and every pair's queues. The other
// device tests bring up one pair, where a restore that loses the pairs
// shows nothing.
func netMQTests() []Test {
	return []Test{
		{id: "NET-PART-02", name: "net-mq-round-trip", netOnly: true, ctrl: true, pairs: mqMaxPairs,
			also: []string{"NET-PART-01", "DP-DEV-08", "NET-DEV-10", netunits.NumBuffersReq, "DP-DEV-02"}, run: netMQRoundTrip},
		{id: "DRAFT-CTX-09", name: "net-mq-round-trip", netOnly: true, ctrl: true, pairs: mqMaxPairs,
			also: []string{"DRAFT-CTX-01", "NET-DEV-10", netunits.NumBuffersReq, "DRAFT-CTX-02"}, run: netMQRoundTrip},
	}
}

// The multiqueue test's device has mqMaxPairs pairs, of which the driver
// uses mqPairs: a restore that takes the pairs as 1 or as the maximum both
// differ from it. mqFlows frames of as many flows arrive after the move,
// and every receive queue has as many buffers waiting.
const (
	mqMaxPairs = 3
	mqPairs    = 2
	mqFlows    = 8
)

// netMQRoundTrip brings up every pair, sets mqPairs in use, posts receive
// buffers on every receive queue (those beyond the pairs in use too, as a
// driver that filled them before VQ_PAIRS_SET, so that a frame steered
// there is seen), stops the source (and freezes it) and judges the MQ
// VQ_PAIRS_SET part of its state, moves it to a destination and judges the
// part, and every queue's configuration, read back after the resume
// against those written to it. Then frames of mqFlows flows arrive: each
// must be received once, on a receive queue of the pairs in use
// (NET-DEV-10), and a frame sent on each pair's transmit queue in use must
// go on the wire once.
func netMQRoundTrip(c *harness.Check) {
	src, gu := c.Live()
	gu.SetPairs(mqPairs)
	rx := map[int]map[uint16]harness.Request{} // receive queue → head → buffer
	for p := range mqMaxPairs {
		q := 2 * p
		rx[q] = map[uint16]harness.Request{}
		for range mqFlows {
			r := gu.PostRx(q, 2048)
			rx[q][r.Head] = r
		}
		gu.Kick(q)
	}
	src.Run()
	src.MustMode(spec.ModeStop)
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	const srcWhat, dstWhat = "the state read from the stopped source", "the state read back from the destination after the resume"
	cmd := spec.NetMQVQPairsSet
	srcState := src.State()
	misstated := judgeQueuesSaved(c, srcState)
	written := cvqPartsOf(c, srcState, srcWhat)
	saved := judgeCVQPart(c, written, cmd, devctx.NetMQPairs{Pairs: mqPairs}.Encode(), false, srcWhat, "what the driver set")
	dst := c.MoveTo(src, gu)
	dstState := dst.State()
	judgeQueuesBack(c, srcState, dstState)
	back := cvqPartsOf(c, dstState, dstWhat)
	held := false
	if w, ok := written[cmd]; ok {
		held = judgeCVQPart(c, back, cmd, w, true, dstWhat, "what the source's state wrote to it")
	}
	req, why := "NET-DEV-10", "the destination reads back the pairs in use and steers beyond them"
	switch {
	case !saved:
		req, why = savedReq(c), "the source's state did not carry the pairs in use (above)"
	case !held:
		req, why = restoreReq(c), fmt.Sprintf("the destination took the pairs in use a %s wrote otherwise (above)", stateWrite(c))
	}
	qreq, qwhy := applyReq(c), "the destination does not run the queues written to it"
	if len(misstated) > 0 {
		qreq, qwhy = queuesSavedReq(c), fmt.Sprintf("the source's state misstated %s (above)", strings.Join(misstated, ", "))
	}
	for i := range mqFlows {
		judgeMQFrame(c, gu, rx, uint32(60+i), req, why, qreq, qwhy)
	}
	for p := range mqPairs {
		judgeMQTransmit(c, gu, 2*p+1, 70+p, qreq, qwhy)
	}
}

// judgeMQFrame has a frame of flow arrive on the destination's port and
// judges where it went: into exactly one of the receive buffers waiting,
// on a receive queue of the pairs in use, intact. A frame on a queue
// beyond them breaks req (why says how); one in no buffer, or in more than
// one, qreq (qwhy says why: the destination does not run the receive
// queues written to it, or the source's state misstated them).
func judgeMQFrame(c *harness.Check, gu *harness.Guest, rx map[int]map[uint16]harness.Request, flow uint32, req, why, qreq, qwhy string) {
	before := map[int]map[uint16]uint32{}
	for q := range rx {
		_, before[q] = gu.UsedRing(q)
	}
	f := gu.Rig.Receive(flow, 100)
	type use struct {
		q    int
		head uint16
	}
	var got []use
	for p := range mqMaxPairs {
		_, after := gu.UsedRing(2 * p)
		var heads []uint16
		for h := range after {
			if _, ok := before[2*p][h]; !ok {
				heads = append(heads, h)
			}
		}
		slices.Sort(heads)
		for _, h := range heads {
			got = append(got, use{2 * p, h})
		}
	}
	switch {
	case len(got) == 0:
		c.Errorf(qreq, "a frame of flow %d arriving after the resume is in no used buffer, though every receive queue has buffers waiting: %s", flow, qwhy)
	case len(got) > 1:
		c.Errorf(qreq, "a frame of flow %d arriving after the resume: %d receive buffers used (the first on %s), want one: %s", flow, len(got), harness.QueueName(got[0].q), qwhy)
	case got[0].q/2 >= mqPairs:
		c.Errorf(req, "a frame of flow %d arriving after the resume is in a used buffer of %s, beyond the %d queue pairs in use the driver set with VQ_PAIRS_SET: %s", flow, harness.QueueName(got[0].q), mqPairs, why)
	default:
		r, ok := rx[got[0].q][got[0].head]
		if !ok {
			c.Errorf(applyReq(c), "a frame of flow %d arriving after the resume: %s's used ring names head %d, which the driver never posted", flow, harness.QueueName(got[0].q), got[0].head)
			return
		}
		netunits.JudgeReceived(c, gu, got[0].q, r, f)
	}
}

// judgeMQTransmit sends a frame on transmit queue q of the destination:
// its buffer must be used and the frame go on the wire once, else qreq
// is broken (qwhy says why: the destination does not run the queue
// written to it, or the source's state misstated the queues).
func judgeMQTransmit(c *harness.Check, gu *harness.Guest, q, seed int, qreq, qwhy string) {
	r := gu.PostFrame(q, seed)
	gu.Kick(q)
	gu.Rig.Run()
	if u := gu.Used(q); u != 1 {
		c.Errorf(qreq, "a frame sent on %s after the resume: its used index is %d, want 1: %s", harness.QueueName(q), u, qwhy)
		return
	}
	if n := countOn(gu.Rig.Wire(), gu.Frame(r)); n != 1 {
		c.Errorf(qreq, "a frame sent on %s after the resume is on the wire %d times, want once: %s", harness.QueueName(q), n, qwhy)
		return
	}
	c.Asserted++
}
