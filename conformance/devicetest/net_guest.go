package devicetest

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// The virtio-net side of the test guest and of what a host observes of a
// virtio-net device's network: receive buffers on receiveq1 (queue 0),
// frames on transmitq1 (queue 1, postWork), and the link's record of the
// frames the device (or its destination, on the same link) put on the
// wire (virtio spec, "Network Device": "Packet Transmission", "Setting Up
// Receive Buffers").

// netTests are the device tests of a virtio-net device's network and
// context fields; a virtio-blk device skips them.
func netTests() []Test {
	return []Test{
		{id: "DRAFT-CTX-09", name: "net-context-fields", netOnly: true, run: netContextFields},
		{id: "DRAFT-CTX-01", name: "net-round-trip-mid-workload", netOnly: true, also: []string{"DRAFT-STOP-03", "DRAFT-CTX-09"}, run: netRoundTrip},
		{id: "DP-DEV-08", name: "net-round-trip-mid-workload", netOnly: true, also: []string{"DP-DEV-09", "DP-DEV-10"}, run: netRoundTrip},
		{id: "DP-DEV-09", name: "stop-writes-back-taken-frames", netOnly: true, run: netTakenAtStop},
		{id: "DRAFT-STOP-02", name: "taken-frames-used-or-owned-at-stop", netOnly: true, also: []string{"DRAFT-CTX-09"}, run: netTakenAtStop},
	}
}

// postRx posts one receive buffer of n bytes on queue q without kicking.
func (gu *guest) postRx(q, n int) request {
	g := gu.g
	a := gu.next
	gu.next += 0x1000
	must(g, g.mem.WriteMem(rigHost, a, bytes.Repeat([]byte{0xee}, n)))
	head, err := gu.rings[q].Add([]virtq.Buffer{{Addr: a, Len: uint32(n), Writable: true}})
	if err != nil {
		g.c.fatalf("queue %d: %v", q, err)
	}
	must(g, gu.rings[q].Publish())
	gu.posted++
	return request{head: head, data: a, n: n, net: true}
}

// frame returns the Ethernet frame a transmitted request carries (after
// its virtio_net_hdr).
func (gu *guest) frame(r request) []byte { return gu.data(r)[spec.NetHdrSize:] }

// wire returns the frames put on g's link so far, from any port, in order.
func (g *rig) wire() [][]byte {
	var out [][]byte
	for _, t := range g.port.Link().Transmitted() {
		out = append(out, t.Frame.Data)
	}
	return out
}

// countOn returns how many times frame f is on the wire.
func countOn(wire [][]byte, f []byte) int {
	n := 0
	for _, w := range wire {
		if bytes.Equal(w, f) {
			n++
		}
	}
	return n
}

// judgeWireOnce records a failure for every frame of frames not on the
// wire exactly once, and one when the wire holds them out of the order the
// driver posted them. A frame sent again breaks againReq's requirement; a
// lost frame, and the order, the test's own.
func judgeWireOnce(c *check, when string, wire, frames [][]byte) {
	var order []int
	for i, f := range frames {
		switch n := countOn(wire, f); n {
		case 1:
			order = append(order, slices.IndexFunc(wire, func(w []byte) bool { return bytes.Equal(w, f) }))
		case 0:
			c.errorf("", "frame %d is not on the wire %s: lost", i+1, when)
		default:
			c.errorf(againReq(c.ed), "frame %d is on the wire %d times %s: sent again", i+1, n, when)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i] < order[i-1] {
			c.errorf("", "the frames are on the wire out of the order the driver posted them %s (positions %v)", when, order)
			return
		}
	}
}

// againReq is the requirement a frame sent again after a stop breaks: in
// draft-2023 the source's record of what it executed and did not complete
// (NET_INFLIGHT, DRAFT-CTX-09) is what keeps the destination from sending
// it again; in virtio-1.4 nothing taken is left to a destination once the
// stop completed (DP-DEV-09).
func againReq(ed spec.Edition) string {
	if ed == spec.Draft2023 {
		return "DRAFT-CTX-09"
	}
	return "DP-DEV-09"
}

// receive has a frame arrive on g's port, tells the device (EvBackend)
// and runs it; it returns the frame.
func (g *rig) receive(flow uint32, size int) []byte {
	link := g.port.Link()
	f := link.Frame(link.MAC(), flow, -1, size)
	g.port.Arrive(f)
	g.handle(member.Event{Kind: member.EvBackend})
	g.run()
	return f.Data
}

// judgeReceived checks that receive buffer r holds frame f behind a
// virtio_net_hdr, with the used length of both (virtio spec, "Processing
// of Incoming Packets"; without VIRTIO_NET_F_MRG_RXBUF num_buffers is 1).
func judgeReceived(c *check, gu *guest, q int, r request, f []byte) {
	_, used := gu.usedRing(q)
	ln, ok := used[r.head]
	if !ok {
		c.errorf("", "the receive buffer (head %d) is not in receiveq1's used ring after a frame arrived", r.head)
		return
	}
	want := uint32(spec.NetHdrSize + len(f))
	c.expect(ln == want, "the receive buffer's used length: %d, want %d (the %d-byte virtio_net_hdr and the %d-byte frame)", ln, want, spec.NetHdrSize, len(f))
	got := gu.data(r)
	c.expectSame(got[spec.NetHdrSize:spec.NetHdrSize+len(f)], f, fmt.Sprintf("the frame in the receive buffer (head %d)", r.head))
}
