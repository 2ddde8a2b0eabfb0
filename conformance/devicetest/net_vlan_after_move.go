package devicetest

import (
	"strconv"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/spec"
)

// vlanReq is the requirement of VLAN filtering: with CTRL_VLAN a device
// accepts tagged packets whose VLAN is in its table and SHOULD drop the
// others (virtio spec, "Network Device", "VLAN Filtering").
const vlanReq = "NET-DEV-08"

// vlanOutside is a VLAN the test guest never adds.
const vlanOutside = 5

// judgeVLANAfterMove sees whether the destination filters by the VLAN
// table the source's state gave it (VLANs 100 and 7). The round trip
// leaves RX_PROMISC on, which takes every frame whatever its VLAN (as
// QEMU's receive_filter and member/net do), and RX_NOUNI on, which drops
// every unicast: the guest turns both off on the destination, then a
// frame to the MAC table's unicast address tagged with VLAN 100 must be
// received, and one tagged with VLAN 5 should be dropped. A destination
// that reads back the table written to it and drops VLAN 100 holds it
// without applying it (applyReq; restoreReq or savedReq when the table
// read back or saved was already wrong); one that takes VLAN 5 does not
// filter by the table (vlanReq, a SHOULD). A device without CTRL_VLAN
// skips it. With CTRL_RX_EXTRA the guest first sees that RX_PROMISC off
// took effect (promiscOff), so that a destination that acks commands
// without applying them is not charged with its VLAN filter.
func judgeVLANAfterMove(c *harness.Check, gu *harness.Guest, set []harness.CVQSetting, saved, held map[spec.NetCVQCommand]bool) {
	has := func(cmd spec.NetCVQCommand) bool {
		for _, s := range set {
			if s.Cmd == cmd {
				return true
			}
		}
		return false
	}
	if !has(spec.NetVLANAdd) || !has(spec.NetRxPromisc) {
		return
	}
	offs := []spec.NetCVQCommand{spec.NetRxPromisc}
	if has(spec.NetRxNoUni) {
		offs = append(offs, spec.NetRxNoUni)
	}
	for _, cmd := range offs {
		ack, used := gu.Command(cmd, []byte{0})
		if !used || ack != spec.NetAckOK {
			c.Errorf(applyReq(c), "%s off sent to the destination after the resume: used %v, ack %s, where the source acked the same command with 1 VIRTIO_NET_OK: the destination does not run the control queue written to it", cmd, used, harness.AckName(ack))
			return
		}
		c.Asserted++
	}
	if has(spec.NetRxNoMulti) && !promiscOff(c, gu) {
		return
	}
	dst := harness.TableUnicast()
	in := harness.GuestVLANs()[0]
	what := func(vlan int) string {
		return dst.String() + " (the MAC table's unicast address) tagged with VLAN " + strconv.Itoa(vlan) + " on the destination, with RX_PROMISC and RX_NOUNI off"
	}
	req, why := applyReq(c), "the destination reads back the VLAN table written to it but does not filter by it"
	switch {
	case !saved[spec.NetVLANAdd]:
		req, why = savedReq(c), "the source's state did not carry the VLAN table (above)"
	case !held[spec.NetVLANAdd]:
		req, why = restoreReq(c), "the destination took the VLAN table written to it otherwise (above)"
	}
	if !gu.ArriveOne(restoreReq(c), what(int(in)), dst, 60, int(in)) {
		c.Errorf(req, "the frame to %s was not received, though VLAN %d is in the table the driver set: %s", what(int(in)), in, why)
	} else {
		c.Asserted++
	}
	if gu.ArriveOne(restoreReq(c), what(vlanOutside), dst, 61, vlanOutside) {
		c.Errorf(vlanReq, "the frame to %s was received, though VLAN %d is not in the table (VLANs %v): a device with VIRTIO_NET_F_CTRL_VLAN should drop it", what(vlanOutside), vlanOutside, harness.GuestVLANs())
	} else {
		c.Asserted++
	}
}

// promiscOff sends an untagged frame to a multicast address outside the
// MAC table while RX_NOMULTI is on and RX_PROMISC was just acked off: it
// must be dropped, or the device is still promiscuous and did not apply
// RX_PROMISC off (NET-DEV-05: the modes are supported, 0 off). It reports
// whether the frame was dropped.
func promiscOff(c *harness.Check, gu *harness.Guest) bool {
	mc := harness.FilterFrames()[3].Dst()
	what := "the multicast address " + mc.String() + " (not in the MAC table) on the destination"
	if gu.ArriveOne(restoreReq(c), what, mc, 62, -1) {
		c.Errorf("NET-DEV-05", "the frame to %s was received with RX_NOMULTI on, after RX_PROMISC off was acked VIRTIO_NET_OK: the device is still promiscuous", what)
		return false
	}
	c.Asserted++
	return true
}
