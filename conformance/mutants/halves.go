package mutants

import (
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// A virtio-net device that keeps a half-written 64-bit queue address in a
// staging register until its other half arrives, and clears the staging
// on a mode change: the half written before a DEV_MODE_SET is lost (the
// virtio PCI transport's 64-bit fields are two independent 32-bit
// registers, virtio spec "Common configuration structure layout").

var losesHalfWrittenQueueAddress = Mutant{
	Name:     "loses-half-written-queue-address",
	Doc:      "virtio-net: forgets the half of a 64-bit queue address written before a DEV_MODE_SET when its other half is not written yet",
	Editions: bothEditions,
	Device:   DeviceNet,
	Wrap: func(c member.Config, d member.Device) member.Device {
		if p, _ := c.Backing.(*membernet.Port); p == nil {
			return d
		}
		return &halfLoser{Device: d, c: c, half: map[halfKey]bool{}}
	},
}

// halfKey is one half of a queue's 64-bit address: the queue and the
// common-configuration offset of the half.
type halfKey struct {
	queue uint16
	off   spec.CommonCfgField
}

// halfLoser follows which halves of the queue addresses were written
// without their other half, and writes 0 to them before every
// DEV_MODE_SET it passes on.
type halfLoser struct {
	member.Device
	c    member.Config
	sel  uint16
	half map[halfKey]bool
}

// addressHalves pairs each half of a 64-bit queue address with its other.
var addressHalves = map[spec.CommonCfgField]spec.CommonCfgField{
	spec.CfgQueueDescLo: spec.CfgQueueDescHi, spec.CfgQueueDescHi: spec.CfgQueueDescLo,
	spec.CfgQueueDriverLo: spec.CfgQueueDriverHi, spec.CfgQueueDriverHi: spec.CfgQueueDriverLo,
	spec.CfgQueueDeviceLo: spec.CfgQueueDeviceHi, spec.CfgQueueDeviceHi: spec.CfgQueueDeviceLo,
}

func (d *halfLoser) Handle(ev member.Event) member.Effects {
	if off, ok := bar0Offset(d.c, ev); ok && ev.TLP.Kind == pcie.MemWrite && off < spec.CommonCfgSize {
		f := spec.CommonCfgField(off)
		if f == spec.CfgQueueSelect && len(ev.TLP.Data) >= 2 {
			d.sel = uint16(ev.TLP.Data[0]) | uint16(ev.TLP.Data[1])<<8
		}
		if other, ok := addressHalves[f]; ok && len(ev.TLP.Data) == 4 {
			if d.half[halfKey{d.sel, other}] {
				delete(d.half, halfKey{d.sel, other})
			} else {
				d.half[halfKey{d.sel, f}] = true
			}
		}
	}
	if _, ok := modeSet(d.c, ev); ok && len(d.half) > 0 {
		d.clearHalves()
	}
	return d.Device.Handle(ev)
}

// clearHalves writes 0 to every half written alone, in queue and offset
// order, and selects the driver's queue again.
func (d *halfLoser) clearHalves() {
	for q := range uint16(64) {
		for _, f := range []spec.CommonCfgField{spec.CfgQueueDescLo, spec.CfgQueueDescHi, spec.CfgQueueDriverLo,
			spec.CfgQueueDriverHi, spec.CfgQueueDeviceLo, spec.CfgQueueDeviceHi} {
			if !d.half[halfKey{q, f}] {
				continue
			}
			d.write(spec.CfgQueueSelect, []byte{byte(q), byte(q >> 8)})
			d.write(f, make([]byte, 4))
		}
	}
	d.write(spec.CfgQueueSelect, []byte{byte(d.sel), byte(d.sel >> 8)})
	clear(d.half)
}

// write writes a common-configuration register of the wrapped device as
// the host would; its effects (none for a register write) are dropped.
func (d *halfLoser) write(f spec.CommonCfgField, data []byte) {
	d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: 1,
		Addr: d.c.BAR0 + uint64(f), Data: data}})
}
