package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// A configuration change while the device is in Stop (draft-2023): the
// device sends no notification in Stop (DRAFT-STOP-01) but its device
// configuration may change (DRAFT-STOP-03); the configuration-change
// interrupt it owes is held (ISR bit 1, PENDING_EVENTS) and delivered
// once the device is Active again (docs/device-model.md, "3. Modes":
// interrupts held, delivered by StepDeliverHeld after resume), so the
// driver still learns of the change.

// configIRQTests are the device tests of a configuration change in Stop.
func configIRQTests() []Test {
	return []Test{
		{id: "DRAFT-STOP-01", also: []string{"DRAFT-STOP-03"}, name: "config-irq-held-until-resume", editions: draftOnly, run: configIRQHeld},
	}
}

// netCfgStatus is the offset of status in virtio_net_config (virtio spec,
// "Network Device", "Device configuration layout": after the 6-byte mac).
const netCfgStatus = 6

// hostConfigChange changes the device configuration from the host side
// and delivers the backend event: a disk resize to 2048 sectors on a
// virtio-blk device, the link going down on a virtio-net one (its status
// field, with VIRTIO_NET_F_STATUS).
func hostConfigChange(g *harness.Rig) {
	if g.Check.Net {
		g.Port.SetLinkUp(false)
	} else {
		g.Disk.Resize(2048)
	}
	g.Handle(member.Event{Kind: member.EvBackend})
}

// configIRQHeld: the device configuration changes on the host side while
// a live device is in Stop. The host sees no MSI-X message for the
// configuration vector (the guest programmed vector 0) in Stop, with every
// internal step the device asks for run; after the move back to Active,
// and its steps, at least one, and the device configuration shows the
// change (virtio-blk capacity 2048; virtio-net status with LINK_UP clear).
// A virtio-net device that does not offer VIRTIO_NET_F_STATUS has no
// configuration change to hold: only the absence of messages is judged.
func configIRQHeld(c *harness.Check) {
	g, _ := c.Live()
	changes := !c.Net || g.Offered()&(1<<spec.FeatureNetStatus) != 0
	g.MustMode(spec.ModeStop)
	g.Run()
	g.Quiet()
	hostConfigChange(g)
	g.Run()
	harness.ExpectEq(c, g.MessagesTo(0), 0, "configuration-change MSI-X messages in Stop after a host-side change")
	g.MustMode(spec.ModeActive)
	g.Run()
	if !changes {
		return
	}
	c.Expect(g.MessagesTo(0) >= 1, "a host-side configuration change in Stop: no configuration-change MSI-X message once Active again "+
		"(%d messages in all), want the one held in Stop", len(g.IRQs))
	if c.Net {
		st := le64(g.Read(pcie.BAR0DeviceCfg+netCfgStatus, 2))
		c.Expect(st&uint64(spec.NetStatusLinkUp) == 0, "virtio_net_config status after the link went down in Stop: %#x, want LINK_UP clear", st)
		return
	}
	harness.ExpectEq(c, le64(g.Read(blkConfig(harness.BlkCfgCapacity), 8)), 2048, "virtio_blk_config capacity after a resize to 2048 sectors in Stop")
}
