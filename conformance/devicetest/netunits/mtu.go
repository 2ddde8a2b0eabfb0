package netunits

import (
	"encoding/binary"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// The mtu a destination shows and applies (virtio spec, "Network Device",
// "Device configuration layout": mtu "exists only if VIRTIO_NET_F_MTU is
// set", the device MUST NOT change it once set, and with VIRTIO_NET_F_MTU
// negotiated it MUST forward transmitted packets of up to mtu plus the
// Ethernet header unfragmented and MUST NOT pass longer received ones).
// Every other unit's link has member/net's DefaultMTU, 1500, so a
// destination that takes mtu from a default of its own instead of what
// it was provisioned with and the source showed passes them.
const (
	// bigMTU is the mtu the unit's link is provisioned with.
	bigMTU = 9000
	// bigFrame is the size of the frames it sends and receives: longer
	// than 1500 plus the Ethernet header, within bigMTU, and within one
	// of the test guest's 0x1000-byte buffers with its header.
	bigFrame = 3000
	// rxBuf is the size of the receive buffers it posts.
	rxBuf = 0x1000
	// cfgMTU is the offset of mtu in struct virtio_net_config.
	cfgMTU = 10
)

// mtuRoundTrip brings up a virtio-net device whose link has mtu bigMTU,
// checks that the source shows it and receives and sends a bigFrame-byte
// frame (the test's set-up: what the destination is compared with), moves
// it and judges the destination as a host sees it: the mtu the guest
// reads from virtio_net_config must still be bigMTU (NET-DEV-01: it never
// changes once set), a bigFrame-byte frame arriving must be received,
// whole, into the buffer the guest posted, and one the guest sends must go
// on the wire once (NET-DEV-02). A received frame that a destination
// showing another mtu drops breaks NET-DEV-01 with it (the mtu it took
// instead); one a destination showing bigMTU drops, NET-DEV-02. A device
// that does not offer VIRTIO_NET_F_MTU skips it.
func mtuRoundTrip(c *harness.Check) {
	c.MTU = bigMTU
	src, gu := c.Live()
	if !spec.Features(src.Offered()).Has(spec.FeatureNetMTU) {
		c.Skipf("the device does not offer VIRTIO_NET_F_MTU: it has no mtu field")
	}
	const setUp = "the source's mtu as provisioned"
	if got := readMTU(src); got != bigMTU {
		c.SetUpFatalf(setUp, "the source's virtio_net_config mtu reads %d, where its link is provisioned with mtu %d", got, bigMTU)
	}
	gu.PostRx(0, rxBuf)
	gu.Kick(0)
	src.Receive(1, bigFrame)
	gu.PostFrameOf(1, 1, bigFrame)
	gu.Kick(1)
	src.Run()
	if gu.Used(0) != 1 || gu.Used(1) != 1 {
		c.SetUpFatalf(setUp, "the source received and sent %d and %d frames of %d bytes within its mtu %d, want 1 and 1", gu.Used(0), gu.Used(1), bigFrame, bigMTU)
	}
	src.MustMode(spec.ModeStop)
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	dst := c.MoveTo(src, gu)
	shown := readMTU(dst)
	req, why := "NET-DEV-02", "the destination shows mtu %d and drops a frame within it"
	if shown != bigMTU {
		c.Errorf("NET-DEV-01", "the guest reads mtu %d from the destination's virtio_net_config after the resume, where the source showed %d (VIRTIO_NET_F_MTU negotiated): mtu changed once set", shown, bigMTU)
		req, why = "NET-DEV-01", "the destination took mtu %d (above) instead of the source's"
	} else {
		c.Asserted++
	}
	judgeBigReceive(c, gu, dst, req, why, shown)
	judgeBigTransmit(c, gu, dst)
}

// readMTU reads mtu from g's virtio_net_config.
func readMTU(g *harness.Rig) uint16 {
	return binary.LittleEndian.Uint16(g.Read(pcie.BAR0DeviceCfg+cfgMTU, 2))
}

// judgeBigReceive posts a receive buffer on the destination and has a
// bigFrame-byte frame arrive: it must be received into that buffer, whole
// (JudgeReceived); a buffer left unused breaks req (why, with the mtu the
// destination shows, says how).
func judgeBigReceive(c *harness.Check, gu *harness.Guest, dst *harness.Rig, req, why string, shown uint16) {
	before := gu.Used(0)
	r := gu.PostRx(0, rxBuf)
	gu.Kick(0)
	dst.Run()
	f := dst.Receive(2, bigFrame)
	if gu.Used(0) == before {
		c.Errorf(req, "a %d-byte frame arriving after the resume is in no receive buffer, though one of %d bytes is waiting: "+why, bigFrame, rxBuf, shown)
		return
	}
	JudgeReceived(c, gu, 0, r, f)
}

// judgeBigTransmit sends a bigFrame-byte frame on the destination's
// transmitq1: it must go on the wire once, unfragmented (NET-DEV-02).
func judgeBigTransmit(c *harness.Check, gu *harness.Guest, dst *harness.Rig) {
	r := gu.PostFrameOf(1, 2, bigFrame)
	want := gu.Frame(r)
	gu.Kick(1)
	dst.Run()
	n := 0
	for _, w := range dst.Wire() {
		if string(w) == string(want) {
			n++
		}
	}
	if n != 1 {
		c.Errorf("NET-DEV-02", "a %d-byte frame sent on transmitq1 after the resume, within the mtu %d the source showed, is on the wire %d times, want once", bigFrame, bigMTU, n)
		return
	}
	c.Asserted++
}
