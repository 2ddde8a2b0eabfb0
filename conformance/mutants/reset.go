package mutants

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// A bug of a virtio reset in progress: device_status reads 0 only once the
// reset is complete (virtio spec, "Device Status Field"; PCI-DEV-03).

var readsZeroBeforeResetDone = Mutant{
	Name: "reads-zero-before-reset-done",
	Doc: "reads device_status as 0 as soon as the driver writes 0, while its reset is still in progress: the driver's " +
		"set-up that follows is wiped when the reset completes (PCI-DEV-03: it reads 0 only once the reset is done)",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &earlyZeroStatus{Device: d, c: c}
	},
}

// earlyZeroStatus answers a host read of device_status with 0 while the
// device it wraps has a reset in progress: the register shows the value
// written instead of the reset's state.
type earlyZeroStatus struct {
	member.Device
	c member.Config
}

func (d *earlyZeroStatus) Handle(ev member.Event) member.Effects {
	pending := d.Device.Status().ResetPending
	fx := d.Device.Handle(ev)
	if pending && ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemRead &&
		ev.TLP.Addr == d.c.BAR0+pcie.BAR0CommonCfg+uint64(spec.CfgDeviceStatus) && len(fx.ReadData) > 0 {
		fx.ReadData = make([]byte, len(fx.ReadData))
	}
	return fx
}
