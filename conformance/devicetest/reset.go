package devicetest

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// A virtio reset in progress: after the driver writes 0 to device_status
// the device reads 0 there only once the reset is complete (virtio spec,
// "Device Status Field" and "Device Reset"; PCI-DEV-03). A driver polls
// device_status until it reads 0 and then sets the device up again (Linux,
// drivers/virtio/virtio_pci_modern.c, vp_reset; the test guest,
// guest/probe.go ResetDevice), so a device that reads 0 early lets that
// set-up land before its reset wipes it (docs/device-model.md,
// "device_status").

// resetTests are the device tests of a reset in progress.
func resetTests() []Test {
	return []Test{
		{id: "PCI-DEV-03", name: "reset-reads-zero-only-when-done", run: resetZeroOnlyWhenDone},
		// reset-vs-mode=reply-on-start defers a reset that would complete
		// in Freeze to the move to Active: device_status keeps its value
		// all through Freeze (docs/device-model.md, "5. FLR, reset, PM").
		{id: "PCI-DEV-03", name: "reset-reads-zero-only-when-done-reply-on-start", editions: draftOnly,
			knobs: []string{"reset-vs-mode=reply-on-start"}, run: resetZeroOnlyWhenDone},
	}
}

// resetZeroOnlyWhenDone writes 0 to device_status of a live device, in
// Active and in every quiesced mode, and reads device_status after every
// event that may advance the reset (each internal step the device asks
// for, a timer, the move back to Active when nothing else is left). When
// it first reads 0 the reset must be done: config_msix_vector and queue
// 0's queue_msix_vector read VIRTIO_MSI_NO_VECTOR and its queue_enable 0,
// and writes the driver makes then (device_status ACKNOWLEDGE,
// config_msix_vector 1) still read back once every step has run and the
// device is back in Active.
func resetZeroOnlyWhenDone(c *harness.Check) {
	modes := []spec.Mode{spec.ModeActive}
	for _, m := range c.Ed.Modes() {
		if m.Quiesced() {
			modes = append(modes, m)
		}
	}
	for _, m := range modes {
		name := c.Ed.ModeName(m)
		g, _ := c.Live()
		if m != spec.ModeActive {
			g.MustMode(m)
		}
		g.Common(spec.CfgDeviceStatus, 0)
		resumed := m == spec.ModeActive
		var tag uint64
		for events := 0; ; events++ {
			if events > 1000 {
				c.Fatalf("reset written in %s: device_status still reads non-zero after 1000 events", name)
			}
			st := g.CommonRead(spec.CfgDeviceStatus)
			if st == 0 {
				break
			}
			switch {
			case len(g.Steps) > 0:
				s := g.Steps[0]
				g.Steps = g.Steps[1:]
				g.Handle(member.Event{Kind: member.EvStep, Step: s})
			case len(g.Timers) > 0:
				g.Fire()
			case !resumed:
				tag, resumed = g.Send(harness.ModeSetOp(c.Ed), harness.ModeData(c.Ed, spec.ModeActive), 0), true
			default:
				c.Fatalf("reset written in %s: device_status reads %#x with no step, timer or mode change left: the reset never completes", name, st)
			}
		}
		// device_status read 0: the reset is done, every register at its
		// default.
		var wrong []string
		for _, r := range []struct {
			f    spec.CommonCfgField
			what string
			want uint64
		}{
			{spec.CfgConfigMSIXVector, "config_msix_vector", uint64(member.NoVector)},
			{spec.CfgQueueMSIXVector, "queue 0's queue_msix_vector", uint64(member.NoVector)},
			{spec.CfgQueueEnable, "queue 0's queue_enable", 0},
		} {
			if got := g.CommonRead(r.f); got != r.want {
				wrong = append(wrong, fmt.Sprintf("%s reads %#x, want %#x", r.what, got, r.want))
			}
		}
		if len(wrong) > 0 {
			c.Errorf("", "reset written in %s: device_status read 0, but %s: the reset was not done", name, strings.Join(wrong, ", "))
		}
		g.Common(spec.CfgDeviceStatus, uint64(spec.StatusAcknowledge))
		g.Common(spec.CfgConfigMSIXVector, 1)
		g.Run()
		g.Fire()
		g.Run()
		if !resumed {
			tag = g.Send(harness.ModeSetOp(c.Ed), harness.ModeData(c.Ed, spec.ModeActive), 0)
			g.Run()
		}
		if tag != 0 {
			r, ok := g.Completion(tag)
			if !ok {
				c.Fatalf("reset written in %s: DEV_MODE_SET %s (request tag %d) never completed", name, c.Ed.ModeName(spec.ModeActive), tag)
			}
			if r.Status != spec.StatusOK {
				c.Fatalf("reset written in %s: DEV_MODE_SET %s: %s/%s, want OK", name, c.Ed.ModeName(spec.ModeActive), r.Status, r.Qualifier)
			}
		}
		harness.ExpectEq(c, g.CommonRead(spec.CfgDeviceStatus), uint64(spec.StatusAcknowledge),
			"reset written in "+name+": device_status written ACKNOWLEDGE once it read 0, read back after every step")
		harness.ExpectEq(c, g.CommonRead(spec.CfgConfigMSIXVector), 1,
			"reset written in "+name+": config_msix_vector written 1 once device_status read 0, read back after every step")
	}
}
