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
// the MAC table carried by a migration round trip: by the
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART with selector MAC TABLE_SET in
// virtio-1.4 (virtio spec, "Network Device", "Device parts"), by the
// NET_CVQ field of the context in draft-2023 (docs/context-format.md).
// What a host observes of the table is which frames reach the receive
// buffers, and the state the admin commands read back.

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
// frames it receives (the table's must be: else the test cannot judge the
// move, a set-up failure), stops it (and in draft-2023 freezes it),
// judges the MAC table in the state read from it, moves it to a
// destination on the same link, which must receive exactly the frames the
// source received, and judges the MAC table in the state read back from
// the destination after the resume.
func netMACTableRoundTrip(c *check) {
	src, gu := c.live()
	gu.setRxMode()
	before := gu.filtered(c.id, "on the source")
	if !before[0] || !before[1] {
		c.setUpFatalf("the MAC table on the source", "the frames to the MAC table's addresses, received on the source before the move: unicast %v, multicast %v, want both", before[0], before[1])
	}
	src.mustMode(spec.ModeStop)
	if c.ed == spec.Draft2023 {
		src.mustMode(spec.ModeFreeze)
	}
	c.judgeMACTableState(src.state(), false, "the state read from the stopped source")
	dst := c.moveTo(src, gu)
	after := gu.filtered(c.restoreReq(), "on the destination")
	for i, ff := range filterFrames() {
		if after[i] != before[i] {
			c.errorf(c.restoreReq(), "the frame to %s: received on the destination %v, on the source before the move %v: the destination does not filter by the MAC table written to it (%s)",
				ff.what, after[i], before[i], c.stateWrite())
			continue
		}
		c.asserted++
	}
	c.judgeMACTableState(dst.state(), true, "the state read back from the destination after the resume")
}

// restoreReq is the requirement a destination breaks that does not apply
// the MAC table written to it: in virtio-1.4 the MAC TABLE_SET part's
// value has the layout of the command's data (NET-PART-02), which a
// device that takes it otherwise on a DEV_PARTS_SET breaks; in draft-2023
// the fields a DEV_CTX_WRITE carries are applied at the move to Active
// (DRAFT-CTX-01).
func (c *check) restoreReq() string {
	if c.ed == spec.Virtio14 {
		return "NET-PART-02"
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

// judgeMACTableState checks that a state read holds the test guest's MAC
// table (macTablePart). A missing part breaks NET-PART-01 (virtio-1.4: a
// CVQ part exists per control-queue configuration) or DRAFT-CTX-09
// (NET_CVQ carries the control-queue state), on the source as on the
// destination; a part with other bytes NET-PART-02 or DRAFT-CTX-09 on the
// source, restoreReq read back from the destination: it lost what was
// written to it.
func (c *check) judgeMACTableState(state []byte, dst bool, what string) {
	missing, wrong := "NET-PART-01", "NET-PART-02"
	if c.ed == spec.Draft2023 {
		missing, wrong = "DRAFT-CTX-09", "DRAFT-CTX-09"
	}
	if dst {
		wrong = c.restoreReq()
	}
	where := "no VIRTIO_NET_DEV_PART_CVQ_CFG_PART (0x200) with selector MAC TABLE_SET"
	if c.ed == spec.Draft2023 {
		where = "no MAC TABLE_SET part in its NET_CVQ field"
		if ctx, err := devctx.DecodeDraftContext(state); err == nil &&
			!slices.ContainsFunc(ctx.Fields, func(f devctx.Field) bool { return f.Type == spec.FieldNetCVQ }) {
			where = fmt.Sprintf("no NET_CVQ field (type %#x)%s, so no MAC TABLE_SET part", uint32(spec.FieldNetCVQ), deviceTypeFields(ctx.Fields))
		}
	}
	v, found, err := c.macTablePart(state)
	want := guestMACTable().Encode()
	switch {
	case err != nil:
		c.errorf(wrong, "%s does not decode: %v", what, err)
	case !found:
		c.errorf(missing, "%s has %s: the MAC table the driver set %s is not in it", what, where, describeMACTable(want))
	case !bytes.Equal(v, want):
		c.errorf(wrong, "%s: the MAC TABLE_SET part holds %s, want the table the driver set, %s", what, describeMACTable(v), describeMACTable(want))
	default:
		c.asserted++
	}
}
