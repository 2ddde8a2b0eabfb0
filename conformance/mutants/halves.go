package mutants

import (
	"github.com/migsim/migsim/devctx"
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
		return &halfLoser{Device: d, halfTracker: halfTracker{c: c, half: map[halfKey]bool{}}}
	},
}

// halfKey is one half of a queue's 64-bit address: the queue and the
// common-configuration offset of the half.
type halfKey struct {
	queue uint16
	off   spec.CommonCfgField
}

// halfTracker follows which halves of the queue addresses the driver
// wrote without their other half yet, and which queue it selected.
type halfTracker struct {
	c    member.Config
	sel  uint16
	half map[halfKey]bool
}

// observe follows a TLP to the common configuration.
func (h *halfTracker) observe(ev member.Event) {
	off, ok := bar0Offset(h.c, ev)
	if !ok || ev.TLP.Kind != pcie.MemWrite || off >= spec.CommonCfgSize {
		return
	}
	f := spec.CommonCfgField(off)
	if f == spec.CfgQueueSelect && len(ev.TLP.Data) >= 2 {
		h.sel = uint16(ev.TLP.Data[0]) | uint16(ev.TLP.Data[1])<<8
	}
	if other, ok := addressHalves[f]; ok && len(ev.TLP.Data) == 4 {
		if h.half[halfKey{h.sel, other}] {
			delete(h.half, halfKey{h.sel, other})
		} else {
			h.half[halfKey{h.sel, f}] = true
		}
	}
}

// halfLoser writes 0 to every half written alone before every
// DEV_MODE_SET it passes on.
type halfLoser struct {
	member.Device
	halfTracker
}

// addressHalves pairs each half of a 64-bit queue address with its other.
var addressHalves = map[spec.CommonCfgField]spec.CommonCfgField{
	spec.CfgQueueDescLo: spec.CfgQueueDescHi, spec.CfgQueueDescHi: spec.CfgQueueDescLo,
	spec.CfgQueueDriverLo: spec.CfgQueueDriverHi, spec.CfgQueueDriverHi: spec.CfgQueueDriverLo,
	spec.CfgQueueDeviceLo: spec.CfgQueueDeviceHi, spec.CfgQueueDeviceHi: spec.CfgQueueDeviceLo,
}

func (d *halfLoser) Handle(ev member.Event) member.Effects {
	d.observe(ev)
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

// A device that keeps a half-written 64-bit queue address in a side latch
// until its other half arrives, and saves only the addresses it completed:
// the VQ_CFG part it returns carries 0 for a half the driver wrote alone
// (what the address held before the write, in a device brought up from
// reset), so a destination that the driver finishes the address on
// completes it with the wrong half. The device itself keeps the half
// across a stop: only a move loses it.

var savesHalfWrittenAddressAsZero = Mutant{
	Name:     "saves-half-written-address-as-zero",
	Doc:      "saves a 64-bit queue address in VQ_CFG only once both its halves are written: a half the driver wrote alone before the stop travels as 0",
	Editions: v14Only,
	Wrap: func(c member.Config, d member.Device) member.Device {
		h := &halfHider{halfTracker: halfTracker{c: c, half: map[halfKey]bool{}}}
		h.Device = &resultRewriter{Device: d, c: c, rewrite: h.zeroHalves}
		return h
	},
}

// halfHider follows the halves written alone and zeroes them in the VQ_CFG
// parts of every DEV_PARTS_GET result.
type halfHider struct {
	member.Device
	halfTracker
}

func (d *halfHider) Handle(ev member.Event) member.Effects {
	d.observe(ev)
	return d.Device.Handle(ev)
}

// zeroHalves rewrites a DEV_PARTS_GET result.
func (d *halfHider) zeroHalves(req member.AdminRequest, r []byte) []byte {
	if req.Opcode != uint16(spec.OpDevPartsGet) || len(d.half) == 0 {
		return r
	}
	ps, err := devctx.DecodeParts(r, devctx.DecodeOptions{AnyOrder: true})
	if err != nil {
		return r
	}
	for i, p := range ps.List {
		if p.Type != spec.PartVQCfg {
			continue
		}
		v, err := devctx.DecodeVQCfg(p.Value)
		if err != nil {
			continue
		}
		q := p.VQIndex()
		for _, a := range []struct {
			lo, hi spec.CommonCfgField
			addr   *uint64
		}{
			{spec.CfgQueueDescLo, spec.CfgQueueDescHi, &v.Desc},
			{spec.CfgQueueDriverLo, spec.CfgQueueDriverHi, &v.Driver},
			{spec.CfgQueueDeviceLo, spec.CfgQueueDeviceHi, &v.Device},
		} {
			if d.half[halfKey{q, a.lo}] {
				*a.addr &^= 0xffffffff
			}
			if d.half[halfKey{q, a.hi}] {
				*a.addr &= 0xffffffff
			}
		}
		ps.List[i] = v.Part(q)
	}
	return devctx.EncodeParts(ps.List)
}
