package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// netStatusTests judge the status field of virtio_net_config on a
// destination: what the host's port says (the link) and asks (an
// announce) must show there as on any device (virtio spec, "Network
// Device", "Device configuration layout" and "Gratuitous Packet
// Sending"). The catalog rows see a wrong status only as a guest that
// can tell it moved, which names the requirement of the state's transfer.
func netStatusTests() []Test {
	return []Test{
		{id: "NET-DEV-03", name: "net-status-after-move", netOnly: true, ctrl: true, also: []string{"NET-DEV-09"}, run: netStatusAfterMove},
	}
}

// netStatusAfterMove moves a live virtio-net device whose link is up and
// reads status on the destination: LINK_UP must be set (NET-DEV-03). With
// VIRTIO_NET_F_GUEST_ANNOUNCE the destination's host then asks for an
// announce, as a hypervisor does after a migration: ANNOUNCE must show
// once the device took the request in (NET-DEV-03), and the guest's
// ANNOUNCE_ACK must be acked VIRTIO_NET_OK and clear it before its buffer
// is used (NET-DEV-09). A device without VIRTIO_NET_F_STATUS skips it.
func netStatusAfterMove(c *harness.Check) {
	src, gu := c.Live()
	offered := spec.Features(src.Offered())
	if !offered.Has(spec.FeatureNetStatus) {
		c.Skipf("the device does not offer VIRTIO_NET_F_STATUS: it has no status field")
	}
	src.MustMode(spec.ModeStop)
	if c.Ed == spec.Draft2023 {
		src.MustMode(spec.ModeFreeze)
	}
	dst := c.MoveTo(src, gu)
	status := func() uint16 { return uint16(le64(dst.Read(pcie.BAR0DeviceCfg+netCfgStatus, 2))) }
	if st := status(); st&spec.NetStatusLinkUp == 0 {
		c.Errorf("NET-DEV-03", "the destination's virtio_net_config status reads %#x after the resume, where its link is up: VIRTIO_NET_S_LINK_UP clear", st)
	} else {
		c.Asserted++
	}
	if !offered.Has(spec.FeatureNetGuestAnnounce) {
		return
	}
	dst.Port.RequestAnnounce()
	dst.Handle(member.Event{Kind: member.EvBackend})
	dst.Run()
	if st := status(); st&spec.NetStatusAnnounce == 0 {
		c.Errorf("NET-DEV-03", "the destination's virtio_net_config status reads %#x after its host asked for an announce (VIRTIO_NET_F_GUEST_ANNOUNCE negotiated): VIRTIO_NET_S_ANNOUNCE clear", st)
		return
	}
	c.Asserted++
	ack, used := gu.Command(spec.NetAnnounceAck)
	switch st := status(); {
	case !used || ack != spec.NetAckOK:
		c.Errorf("NET-DEV-09", "ANNOUNCE_ACK on the destination: used %v, ack %s, want its buffer used and 0 (VIRTIO_NET_OK)", used, harness.AckName(ack))
	case st&spec.NetStatusAnnounce != 0:
		c.Errorf("NET-DEV-09", "the destination's virtio_net_config status reads %#x once ANNOUNCE_ACK was used: VIRTIO_NET_S_ANNOUNCE still set", st)
	default:
		c.Asserted++
	}
}
