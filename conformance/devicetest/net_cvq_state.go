package devicetest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// netCVQStateTests carry the whole control-queue state through a
// migration: net-mac-table-round-trip (net_ctrl.go) judges the receive
// filter Linux sets, whose receive modes are off, their reset value, so
// that a device that saves or restores a mode, the address MAC_ADDR_SET
// chose or the VLAN table wrongly passes it.
func netCVQStateTests() []Test {
	return []Test{
		{id: "NET-PART-02", name: "net-cvq-state-round-trip", netOnly: true, ctrl: true, also: []string{"NET-PART-01", "DP-DEV-08", "NET-DEV-05", "NET-DEV-06", vlanReq},
			run: netCVQStateRoundTrip},
		{id: "DRAFT-CTX-09", name: "net-cvq-state-round-trip", netOnly: true, ctrl: true, also: []string{"DRAFT-CTX-01", "NET-DEV-05", "NET-DEV-06", vlanReq},
			run: netCVQStateRoundTrip},
	}
}

// netCfgMAC is the offset of mac in struct virtio_net_config.
const netCfgMAC = 0

// netCVQStateRoundTrip sets every piece of control-queue state the device
// offers a command for away from its reset value (harness.CVQSettings: every
// receive mode on, a MAC table, an address, two VLANs), stops the source
// (and freezes it), judges the parts of the state read from it against
// the commands' data, moves it to a destination and judges the parts the
// destination reads back after the resume against those written to it,
// and the mac the guest then reads from virtio_net_config against the one
// it chose.
func netCVQStateRoundTrip(c *harness.Check) {
	src, gu := c.Live()
	set := gu.SetCVQState()
	srcMAC := src.Read(pcie.BAR0DeviceCfg+netCfgMAC, 6)
	src.MustMode(spec.ModeStop)
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	written := cvqPartsOf(c, src.State(), "the state read from the stopped source")
	saved := map[spec.NetCVQCommand]bool{}
	for _, s := range set {
		saved[s.Cmd] = judgeCVQPart(c, written, s.Cmd, s.Part, false, "the state read from the stopped source", "what the driver set")
	}
	dst := c.MoveTo(src, gu)
	back := cvqPartsOf(c, dst.State(), "the state read back from the destination after the resume")
	held := map[spec.NetCVQCommand]bool{}
	for _, s := range set {
		if w, ok := written[s.Cmd]; ok {
			held[s.Cmd] = judgeCVQPart(c, back, s.Cmd, w, true, "the state read back from the destination after the resume", "what the source's state wrote to it")
		}
	}
	judgeMACAfterMove(c, gu, srcMAC, dst, set, saved, held)
	judgeVLANAfterMove(c, gu, set, saved, held)
}

// judgeMACAfterMove checks the mac the guest reads from the source after
// MAC_ADDR_SET and from the destination after the resume against the one
// it chose, then sends the destination a MAC_ADDR_SET of its own
// (judgeCommandAfterMove); a device without MAC_ADDR_SET skips it.
func judgeMACAfterMove(c *harness.Check, gu *harness.Guest, srcMAC []byte, dst *harness.Rig, set []harness.CVQSetting, saved, held map[spec.NetCVQCommand]bool) {
	if !slices.ContainsFunc(set, func(s harness.CVQSetting) bool { return s.Cmd == spec.NetMACAddrSet }) {
		return
	}
	chosen := harness.CVQSettings()
	want := chosen[slices.IndexFunc(chosen, func(s harness.CVQSetting) bool { return s.Cmd == spec.NetMACAddrSet })].Part
	if !bytes.Equal(srcMAC, want) {
		c.Errorf("NET-DEV-06", "the source's virtio_net_config mac reads %s after MAC_ADDR_SET %s was used: the device did not update mac", macString(srcMAC), macString(want))
	}
	got := dst.Read(pcie.BAR0DeviceCfg+netCfgMAC, 6)
	req, why := applyReq(c), "the destination reads back the address written to it but does not show it"
	switch {
	case !saved[spec.NetMACAddrSet]:
		req, why = savedReq(c), "the source's state did not carry the address (above)"
	case !held[spec.NetMACAddrSet]:
		req, why = restoreReq(c), fmt.Sprintf("the destination took the address a %s wrote otherwise (above)", stateWrite(c))
	}
	if !bytes.Equal(got, want) {
		c.Errorf(req, "the guest reads mac %s from the destination's virtio_net_config after the resume, where it had chosen %s with MAC_ADDR_SET: %s", macString(got), macString(want), why)
		return
	}
	c.Asserted++
	judgeCommandAfterMove(c, gu, dst)
}

// movedMAC is the address the guest chooses with MAC_ADDR_SET on the
// destination after the move: another locally administered one.
var movedMAC = devctx.MAC{0x02, 0x00, 0x00, 0x00, 0x00, 0xc6}

// judgeCommandAfterMove sends MAC_ADDR_SET movedMAC to the destination
// after the resume, as a guest that changes its address once it runs
// there does (Linux, drivers/net/virtio_net.c, virtnet_set_mac_address),
// and reads mac back: the destination runs the control queue the source's
// state set up, so it must use the command's buffer and, when it acks
// VIRTIO_NET_OK, show the address in virtio_net_config (NET-DEV-06: mac is
// updated before MAC_ADDR_SET is used). A destination that acks the
// command without applying it passes every check of the state it was
// given; only a command sent to it shows it. A command not used, or
// refused where the source accepted the same one, breaks applyReq: the
// destination does not run the control queue written to it.
func judgeCommandAfterMove(c *harness.Check, gu *harness.Guest, dst *harness.Rig) {
	ack, used := gu.Command(spec.NetMACAddrSet, movedMAC[:])
	switch {
	case !used:
		c.Errorf(applyReq(c), "MAC_ADDR_SET %s sent to the destination after the resume: controlq's used index did not move on: the destination does not run the control queue written to it", movedMAC)
		return
	case ack != spec.NetAckOK:
		c.Errorf(applyReq(c), "MAC_ADDR_SET %s sent to the destination after the resume: ack %s, where the source acked the same command 0 (VIRTIO_NET_OK)", movedMAC, harness.AckName(ack))
		return
	}
	c.Asserted++
	if got := dst.Read(pcie.BAR0DeviceCfg+netCfgMAC, 6); !bytes.Equal(got, movedMAC[:]) {
		c.Errorf("NET-DEV-06", "the destination acked MAC_ADDR_SET %s VIRTIO_NET_OK after the resume, but the guest then reads mac %s from its virtio_net_config: the device did not update mac before it used the command's buffer", movedMAC, macString(got))
		return
	}
	c.Asserted++
}

// cvqPartsOf decodes the control-queue parts of a state read; a state that
// does not decode ends the test on the requirement a missing part breaks.
func cvqPartsOf(c *harness.Check, state []byte, what string) map[spec.NetCVQCommand][]byte {
	parts, err := c.CVQParts(state)
	if err != nil {
		c.Errorf(missingReq(c), "%s does not decode: %v", what, err)
		c.Fatalf("%s does not decode", what)
	}
	return parts
}

// judgeCVQPart checks that parts hold command cmd's part with value want
// (a VLAN table in any order) and reports whether they do. A missing part
// breaks missingReq; another value savedReq on the source, restoreReq read
// back from the destination (it took what was written to it otherwise).
func judgeCVQPart(c *harness.Check, parts map[spec.NetCVQCommand][]byte, cmd spec.NetCVQCommand, want []byte, dst bool, what, whose string) bool {
	req := savedReq(c)
	if dst {
		req = restoreReq(c)
	}
	got, ok := parts[cmd]
	switch {
	case !ok:
		c.Errorf(missingReq(c), "%s has no %s part: the state the driver set with it is not in it", what, cmd)
	case !sameCVQValue(cmd, got, want):
		c.Errorf(req, "%s: the %s part holds %s, want %s, %s", what, cmd, harness.DescribeCVQValue(cmd, got), whose, harness.DescribeCVQValue(cmd, want))
	default:
		c.Asserted++
		return true
	}
	return false
}

// sameCVQValue compares two values of cmd's part: the VLAN table as a set
// of VLAN IDs (the part holds the whole table, in no order the spec
// states), any other byte for byte.
func sameCVQValue(cmd spec.NetCVQCommand, a, b []byte) bool {
	if cmd != spec.NetVLANAdd || len(a)%2 != 0 || len(b)%2 != 0 {
		return bytes.Equal(a, b)
	}
	ids := func(v []byte) []uint16 {
		var out []uint16
		for i := 0; i+1 < len(v); i += 2 {
			out = append(out, binary.LittleEndian.Uint16(v[i:]))
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(ids(a), ids(b))
}

// missingReq is the requirement a state without a command's part breaks:
// a CVQ part exists per control-queue configuration (NET-PART-01), or
// NET_CVQ carries the control-queue state (DRAFT-CTX-09).
func missingReq(c *harness.Check) string {
	if c.Ed == spec.Virtio14 {
		return "NET-PART-01"
	}
	return "DRAFT-CTX-09"
}

// savedReq is the requirement a source breaks whose part holds another
// value than the command's data: NET-PART-02, or DRAFT-CTX-09.
func savedReq(c *harness.Check) string {
	if c.Ed == spec.Virtio14 {
		return "NET-PART-02"
	}
	return "DRAFT-CTX-09"
}

// macString renders a 6-byte address as xx:xx:xx:xx:xx:xx, other bytes in
// hex.
func macString(b []byte) string {
	if len(b) != len(devctx.MAC{}) {
		return fmt.Sprintf("%x", b)
	}
	return devctx.MAC(b).String()
}
