package devicetest

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/migsim/migsim/conformance/devicetest/harness"
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
			judges: harness.StepCtrl, run: netMACTable},
		{id: "NET-PART-02", name: "net-mac-table-round-trip", netOnly: true, ctrl: true, also: []string{"NET-PART-01", "DP-DEV-08", "NET-DEV-07"},
			run: netMACTableRoundTrip},
		{id: "DRAFT-CTX-09", name: "net-mac-table-round-trip", netOnly: true, ctrl: true, also: []string{"DRAFT-CTX-01", "NET-DEV-07"},
			run: netMACTableRoundTrip},
	}
}

// tableWanted reports whether frame i of harness.FilterFrames passes the filter
// the test guest set: the two to the table's addresses do.
func tableWanted(i int) bool { return i < 2 }

// netMACTable sets the receive filter (harness.Guest.SetRxMode: each command acked
// VIRTIO_NET_OK, NET-DEV-05 and NET-DEV-06) and sends a frame to each of
// the table's addresses, which must be received (NET-DEV-06: the table is
// updated before the command's buffer is used), and one to a unicast and
// one to a multicast address it leaves out, which a device should drop
// (NET-DEV-07).
func netMACTable(c *harness.Check) {
	_, gu := c.Live()
	gu.SetRxMode()
	got := gu.Filtered(c.ID, "after MAC_TABLE_SET")
	for i, ff := range harness.FilterFrames() {
		switch {
		case tableWanted(i) && !got[i]:
			c.Errorf("NET-DEV-06", "the frame to %s was not received after MAC_TABLE_SET was used: the device did not update its MAC table before it used the command's buffer", ff.What)
		case !tableWanted(i) && got[i]:
			c.Errorf("NET-DEV-07", "the frame to %s was received: with RX_PROMISC and RX_ALLMULTI off, a device drops it", ff.What)
		default:
			c.Asserted++
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
func netMACTableRoundTrip(c *harness.Check) {
	src, gu := c.Live()
	gu.SetRxMode()
	before := gu.SourceFiltered()
	src.MustMode(spec.ModeStop)
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	judgeFilterState(c, src.State(), false, "the state read from the stopped source")
	dst := c.MoveTo(src, gu)
	after := gu.Filtered(restoreReq(c), "on the destination")
	held := judgeFilterState(c, dst.State(), true, "the state read back from the destination after the resume")
	req, why := applyReq(c), fmt.Sprintf("the destination reads back the receive filter written to it but does not filter by it: what a %s writes takes effect when the member resumes", stateWrite(c))
	if !held {
		req, why = restoreReq(c), fmt.Sprintf("the destination took the receive filter a %s wrote otherwise: it reads back another one (above)", stateWrite(c))
	}
	for i, ff := range harness.FilterFrames() {
		if after[i] != before[i] {
			c.Errorf(req, "the frame to %s: received on the destination %v, on the source before the move %v: %s", ff.What, after[i], before[i], why)
			continue
		}
		c.Asserted++
	}
}

// restoreReq is the requirement a destination breaks that takes the
// receive filter written to it otherwise: in virtio-1.4 a CVQ part's value
// has the layout of its command's data (NET-PART-02), which a device that
// reads it otherwise on a DEV_PARTS_SET breaks; in draft-2023 the fields a
// DEV_CTX_WRITE carries are latched and applied at the move to Active
// (DRAFT-CTX-01).
func restoreReq(c *harness.Check) string {
	if c.Ed == spec.Virtio14 {
		return "NET-PART-02"
	}
	return "DRAFT-CTX-01"
}

// applyReq is the requirement a destination breaks that holds the receive
// filter written to it (it reads it back) but does not filter by it after
// the resume: the values a DEV_PARTS_SET sets take effect when the member
// resumes (DP-DEV-08); in draft-2023 the written fields are applied at the
// move to Active (DRAFT-CTX-01).
func applyReq(c *harness.Check) string {
	if c.Ed == spec.Virtio14 {
		return "DP-DEV-08"
	}
	return "DRAFT-CTX-01"
}

// stateWrite names the command that wrote the source's state.
func stateWrite(c *harness.Check) string {
	if c.Ed == spec.Virtio14 {
		return "DEV_PARTS_SET"
	}
	return "DEV_CTX_WRITE"
}

// judgeFilterState checks that a state read holds the receive filter the
// test guest set, a part per command of harness.RxModeCommands with the command's
// data as its value, and reports whether it does. A missing part breaks
// NET-PART-01 (virtio-1.4: a CVQ part exists per control-queue
// configuration) or DRAFT-CTX-09 (NET_CVQ carries the control-queue
// state), on the source as on the destination; a part with other bytes
// NET-PART-02 or DRAFT-CTX-09 on the source, restoreReq read back from the
// destination: it took what was written to it otherwise.
func judgeFilterState(c *harness.Check, state []byte, dst bool, what string) bool {
	missing, wrong := "NET-PART-01", "NET-PART-02"
	if c.Ed == spec.Draft2023 {
		missing, wrong = "DRAFT-CTX-09", "DRAFT-CTX-09"
	}
	if dst {
		wrong = restoreReq(c)
	}
	parts, err := c.FilterParts(state)
	if err != nil {
		c.Errorf(wrong, "%s does not decode: %v", what, err)
		return false
	}
	held := true
	for i, m := range harness.RxModeCommands() {
		want := slices.Concat(m.Data...)
		switch p := parts[i]; {
		case !p.Found:
			c.Errorf(missing, "%s has %s: the %s the driver set, %s, is not in it", what, noPart(c, state, m.Cmd), m.Cmd, harness.DescribeCVQValue(m.Cmd, want))
			held = false
		case !bytes.Equal(p.Value, want):
			c.Errorf(wrong, "%s: the %s part holds %s, want what the driver set, %s", what, m.Cmd, harness.DescribeCVQValue(m.Cmd, p.Value), harness.DescribeCVQValue(m.Cmd, want))
			held = false
		default:
			c.Asserted++
		}
	}
	return held
}

// noPart says where a state read lacks the part of command cmd.
func noPart(c *harness.Check, state []byte, cmd spec.NetCVQCommand) string {
	if c.Ed == spec.Virtio14 {
		return fmt.Sprintf("no VIRTIO_NET_DEV_PART_CVQ_CFG_PART (0x200) with selector %s", cmd)
	}
	if ctx, err := devctx.DecodeDraftContext(state); err == nil &&
		!slices.ContainsFunc(ctx.Fields, func(f devctx.Field) bool { return f.Type == spec.FieldNetCVQ }) {
		return fmt.Sprintf("no NET_CVQ field (type %#x)%s, so no %s part", uint32(spec.FieldNetCVQ), deviceTypeFields(ctx.Fields), cmd)
	}
	return fmt.Sprintf("no %s part in its NET_CVQ field", cmd)
}
