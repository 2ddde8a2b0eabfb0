package devicetest

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// panicsOnStop wraps a member so that every DEV_MODE_SET that stops it
// panics: a Go device whose stop path dereferences what it never set up.
type panicsOnStop struct{ member.Device }

func (d panicsOnStop) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && (ev.Admin.Opcode == uint16(spec.OpDevModeSet) || ev.Admin.Opcode == uint16(spec.DraftOpDevModeSet)) &&
		len(ev.Admin.Data) > 0 && ev.Admin.Data[0] != 0 {
		panic("stop: nil queue table")
	}
	return d.Device.Handle(ev)
}

// panicsOnFeaturesOK wraps a member so that the driver's write of
// FEATURES_OK to device_status panics.
type panicsOnFeaturesOK struct{ member.Device }

func (d panicsOnFeaturesOK) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && len(ev.TLP.Data) == 1 &&
		ev.TLP.Addr%pcie.BAR0Size == uint64(spec.CfgDeviceStatus) && ev.TLP.Data[0]&byte(spec.StatusFeaturesOK) != 0 {
		panic("features: index out of range [3] with length 2")
	}
	return d.Device.Handle(ev)
}
