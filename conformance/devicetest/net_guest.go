package devicetest

import (
	"bytes"
	"slices"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/devicetest/netunits"
	"github.com/migsim/migsim/spec"
)

// The virtio-net side of the test guest and of what a host observes of a
// virtio-net device's network: receive buffers on receiveq1 (queue 0),
// frames on transmitq1 (queue 1, harness.Guest.PostWork), and the link's record of the
// frames the device (or its destination, on the same link) put on the
// wire (virtio spec, "Network Device": "Packet Transmission", "Setting Up
// Receive Buffers").

// netTests are the device tests of a virtio-net device's network and
// context fields; a virtio-blk device skips them.
func netTests() []Test {
	return []Test{
		{id: "DRAFT-CTX-09", name: "net-context-fields", netOnly: true, run: netContextFields},
		{id: "DRAFT-CTX-01", name: "net-round-trip-mid-workload", netOnly: true, also: []string{"DRAFT-STOP-03", "DRAFT-CTX-09", netunits.NumBuffersReq}, run: netRoundTrip},
		{id: "DP-DEV-08", name: "net-round-trip-mid-workload", netOnly: true, also: []string{"DP-DEV-09", "DP-DEV-10", netunits.NumBuffersReq}, run: netRoundTrip},
		{id: "DP-DEV-09", name: "stop-writes-back-taken-frames", netOnly: true, run: netTakenAtStop},
		{id: "DRAFT-STOP-02", name: "taken-frames-used-or-owned-at-stop", netOnly: true, also: []string{"DRAFT-CTX-09"}, run: netTakenAtStop},
	}
}

// netUnitTests are the virtio-net device tests of package netunits, in
// this table's form.
func netUnitTests() []Test {
	var out []Test
	for _, u := range netunits.Units() {
		out = append(out, Test{id: u.ID, also: u.Also, name: u.Name, netOnly: true, ctrl: u.Ctrl, run: u.Run})
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
func judgeWireOnce(c *harness.Check, when string, wire, frames [][]byte) {
	var order []int
	for i, f := range frames {
		switch n := countOn(wire, f); n {
		case 1:
			order = append(order, slices.IndexFunc(wire, func(w []byte) bool { return bytes.Equal(w, f) }))
		case 0:
			c.Errorf("", "frame %d is not on the wire %s: lost", i+1, when)
		default:
			c.Errorf(againReq(c.Ed), "frame %d is on the wire %d times %s: sent again", i+1, n, when)
		}
	}
	for i := 1; i < len(order); i++ {
		if order[i] < order[i-1] {
			c.Errorf("", "the frames are on the wire out of the order the driver posted them %s (positions %v)", when, order)
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
