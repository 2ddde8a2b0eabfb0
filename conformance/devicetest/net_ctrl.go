package devicetest

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The device tests of a virtio-net device's control virtqueue: the
// receive filter Linux's virtnet_set_rx_mode (drivers/net/virtio_net.c)
// sets — promiscuous mode and all-multicast off, a MAC table of one
// unicast and one multicast address — acked VIRTIO_NET_OK and obeyed, and
// that filter carried by a migration round trip: by a
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART per command (selectors RX PROMISC, RX
// ALLMULTI, MAC TABLE_SET) in virtio-1.4 (virtio spec, "Network Device",
// "Device parts"), by the NET_CVQ field of the context in draft-2023
// (docs/context-format.md). What a host observes of the filter is which
// frames reach the receive buffers, and the state the admin commands read
// back.

// netCtrlTests are the control-queue tests; a virtio-blk device skips
// them, and so does a virtio-net device that does not offer the control
// queue and its receive filter commands (needCtrl).
func netCtrlTests() []Test {
	return []Test{
		{id: "NET-DEV-06", name: "net-ctrl-mac-table", netOnly: true, ctrl: true, also: []string{"NET-DEV-05", "NET-DEV-07"},
			judges: stepCtrl, run: netMACTable},
		{id: "NET-PART-02", name: "net-mac-table-round-trip", netOnly: true, ctrl: true, also: []string{"NET-PART-01", "DP-DEV-08", "NET-DEV-07"},
			run: netMACTableRoundTrip},
		{id: "DRAFT-CTX-09", name: "net-mac-table-round-trip", netOnly: true, ctrl: true, also: []string{"DRAFT-CTX-01", "NET-DEV-07"},
			run: netMACTableRoundTrip},
	}
}

// tableWanted reports whether frame i of filterFrames passes the filter
// the test guest set: the two to the table's addresses do.
func tableWanted(i int) bool { return i < 2 }

// netMACTable sets the receive filter (setRxMode: each command acked
// VIRTIO_NET_OK, NET-DEV-05 and NET-DEV-06) and sends a frame to each of
// the table's addresses, which must be received (NET-DEV-06: the table is
// updated before the command's buffer is used), and one to a unicast and
// one to a multicast address it leaves out, which a device should drop
// (NET-DEV-07).
func netMACTable(c *check) {
	_, gu := c.live()
	gu.setRxMode()
	got := gu.filtered(c.id, "after MAC_TABLE_SET")
	for i, ff := range filterFrames() {
		switch {
		case tableWanted(i) && !got[i]:
			c.errorf("NET-DEV-06", "the frame to %s was not received after MAC_TABLE_SET was used: the device did not update its MAC table before it used the command's buffer", ff.what)
		case !tableWanted(i) && got[i]:
			c.errorf("NET-DEV-07", "the frame to %s was received: with RX_PROMISC and RX_ALLMULTI off, a device drops it", ff.what)
		default:
			c.asserted++
		}
	}
}

// netMACTableRoundTrip sets the receive filter on a source and sees which
// frames it receives (sourceFiltered: the set-up the move is judged
// against), stops it (and in draft-2023 freezes it), judges the receive
// filter in the state read from it, moves it to a destination on the same
// link, which must receive exactly the frames the source received, and
// judges the receive filter in the state read back from the destination
// after the resume. A destination that filters otherwise breaks
// restoreReq when it also reads back another filter than the one written
// to it (it took the written value otherwise), applyReq when it reads back
// the filter written to it (it holds the value but did not apply it).
func netMACTableRoundTrip(c *check) {
	src, gu := c.live()
	gu.setRxMode()
	before := gu.sourceFiltered()
	src.mustMode(spec.ModeStop)
	if c.ed == spec.Draft2023 {
		src.mustMode(spec.ModeFreeze)
	}
	c.judgeFilterState(src.state(), false, "the state read from the stopped source")
	dst := c.moveTo(src, gu)
	after := gu.filtered(c.restoreReq(), "on the destination")
	held := c.judgeFilterState(dst.state(), true, "the state read back from the destination after the resume")
	req, why := c.applyReq(), fmt.Sprintf("the destination reads back the receive filter written to it but does not filter by it: what a %s writes takes effect when the member resumes", c.stateWrite())
	if !held {
		req, why = c.restoreReq(), fmt.Sprintf("the destination took the receive filter a %s wrote otherwise: it reads back another one (above)", c.stateWrite())
	}
	for i, ff := range filterFrames() {
		if after[i] != before[i] {
			c.errorf(req, "the frame to %s: received on the destination %v, on the source before the move %v: %s", ff.what, after[i], before[i], why)
			continue
		}
		c.asserted++
	}
}

// restoreReq is the requirement a destination breaks that takes the
// receive filter written to it otherwise: in virtio-1.4 a CVQ part's value
// has the layout of its command's data (NET-PART-02), which a device that
// reads it otherwise on a DEV_PARTS_SET breaks; in draft-2023 the fields a
// DEV_CTX_WRITE carries are latched and applied at the move to Active
// (DRAFT-CTX-01).
func (c *check) restoreReq() string {
	if c.ed == spec.Virtio14 {
		return "NET-PART-02"
	}
	return "DRAFT-CTX-01"
}

// applyReq is the requirement a destination breaks that holds the receive
// filter written to it (it reads it back) but does not filter by it after
// the resume: the values a DEV_PARTS_SET sets take effect when the member
// resumes (DP-DEV-08); in draft-2023 the written fields are applied at the
// move to Active (DRAFT-CTX-01).
func (c *check) applyReq() string {
	if c.ed == spec.Virtio14 {
		return "DP-DEV-08"
	}
	return "DRAFT-CTX-01"
}

// stateWrite names the command that wrote the source's state.
func (c *check) stateWrite() string {
	if c.ed == spec.Virtio14 {
		return "DEV_PARTS_SET"
	}
	return "DEV_CTX_WRITE"
}

// judgeFilterState checks that a state read holds the receive filter the
// test guest set, a part per command of rxModeCommands with the command's
// data as its value, and reports whether it does. A missing part breaks
// NET-PART-01 (virtio-1.4: a CVQ part exists per control-queue
// configuration) or DRAFT-CTX-09 (NET_CVQ carries the control-queue
// state), on the source as on the destination; a part with other bytes
// NET-PART-02 or DRAFT-CTX-09 on the source, restoreReq read back from the
// destination: it took what was written to it otherwise.
func (c *check) judgeFilterState(state []byte, dst bool, what string) bool {
	missing, wrong := "NET-PART-01", "NET-PART-02"
	if c.ed == spec.Draft2023 {
		missing, wrong = "DRAFT-CTX-09", "DRAFT-CTX-09"
	}
	if dst {
		wrong = c.restoreReq()
	}
	parts, err := c.filterParts(state)
	if err != nil {
		c.errorf(wrong, "%s does not decode: %v", what, err)
		return false
	}
	held := true
	for i, m := range rxModeCommands() {
		want := slices.Concat(m.data...)
		switch p := parts[i]; {
		case !p.found:
			c.errorf(missing, "%s has %s: the %s the driver set, %s, is not in it", what, c.noPart(state, m.cmd), m.cmd, describeCVQValue(m.cmd, want))
			held = false
		case !bytes.Equal(p.value, want):
			c.errorf(wrong, "%s: the %s part holds %s, want what the driver set, %s", what, m.cmd, describeCVQValue(m.cmd, p.value), describeCVQValue(m.cmd, want))
			held = false
		default:
			c.asserted++
		}
	}
	return held
}

// noPart says where a state read lacks the part of command cmd.
func (c *check) noPart(state []byte, cmd spec.NetCVQCommand) string {
	if c.ed == spec.Virtio14 {
		return fmt.Sprintf("no VIRTIO_NET_DEV_PART_CVQ_CFG_PART (0x200) with selector %s", cmd)
	}
	if ctx, err := devctx.DecodeDraftContext(state); err == nil &&
		!slices.ContainsFunc(ctx.Fields, func(f devctx.Field) bool { return f.Type == spec.FieldNetCVQ }) {
		return fmt.Sprintf("no NET_CVQ field (type %#x)%s, so no %s part", uint32(spec.FieldNetCVQ), deviceTypeFields(ctx.Fields), cmd)
	}
	return fmt.Sprintf("no %s part in its NET_CVQ field", cmd)
}
