package member

import (
	"cmp"
	"slices"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// draftFields returns the full draft-2023 context of the device now, one
// field per type in type order: the core's fields and the backend's
// device-specific ones (blk: DEV_CFG).
func (d *Core) draftFields() []devctx.Field {
	s := &d.st
	img := devctx.CommonCfgImage(d.commonImage())
	var rt devctx.CommonRuntimeCfg
	vq := devctx.VQCfgList{}
	run := devctx.VQSplitRuntimeList{}
	own := devctx.DevOwnDescList{}
	var heldIRQs uint64
	// Register work accepted and not finished travels unless the device
	// saves committed registers only (pending-work=drop).
	carried := d.cfg.Rules.PendingWork != spec.PendingWorkDrop
	for qi := range s.queues {
		q := &s.queues[qi]
		for i, lo := range QueueAddrLo {
			if q.Split[i] != 0 {
				rt.Writes = append(rt.Writes, devctx.SplitWrite{Queue: uint16(qi), Field: lo, Flags: q.Split[i],
					Lo: uint32(q.Addr[i]), Hi: uint32(q.Addr[i] >> 32)})
			}
		}
		vq.Queues = append(vq.Queues, devctx.VQCfgEntry{Index: uint16(qi), Size: q.Size, MSIXVector: q.Vector,
			Enabled: q.Enable, NotifyOff: uint16(qi), NotifConfigData: uint16(qi),
			Desc: q.Addr[AddrDesc], Driver: q.Addr[AddrDriver], Device: q.Addr[AddrDevice]})
		e := devctx.VQSplitRuntimeEntry{Index: uint16(qi), LastAvailIdx: q.lastAvail, UsedIdx: q.usedIdx}
		if q.notifyLatched {
			e.Flags |= devctx.RuntimeNotifyLatched
			e.LatchedAvailIdx = q.latchedAvail
		}
		if q.enablePending && carried {
			e.Flags |= devctx.RuntimeEnablePending
		}
		if q.irqHeld {
			e.Flags |= devctx.RuntimeIRQHeld
			if qi < 64 {
				heldIRQs |= 1 << qi
			}
		}
		run.Queues = append(run.Queues, e)
		for _, r := range q.reqs {
			own.Descs = append(own.Descs, devctx.DevOwnDesc{Queue: uint16(qi), Head: r.Head})
		}
	}
	pe := devctx.PendingEvents{HeldIRQs: heldIRQs}
	if s.configHeld {
		pe.Flags |= devctx.PendingConfigIRQ
	}
	if d.flrPending || d.flrDeferred {
		pe.Flags |= devctx.PendingFLR
	}
	if d.resetPending {
		pe.Flags |= devctx.PendingReset
	}
	if s.featuresPending && carried {
		pe.Flags |= devctx.PendingFeaturesOK
	}
	dev := s.dev.Fields()
	fs := append(make([]devctx.Field, 0, 9+len(dev)),
		img.Field(),
		rt.Field(),
		devctx.FeaturesField(spec.FieldDevFeatures, devctx.FeatureWords{uint64(d.cfg.Features)}),
		devctx.FeaturesField(spec.FieldDrvFeatures, devctx.FeatureWords{s.DriverFeatures}),
		devctx.DeviceStatusField(s.Status),
		vq.Field(),
		run.Field(),
		own.Field(),
		pe.Field())
	fs = append(fs, dev...)
	slices.SortStableFunc(fs, func(a, b devctx.Field) int { return cmp.Compare(a.Type, b.Type) })
	return fs
}

// partsCommonCfg are the PCI_COMMON_CFG fields that travel as parts: the
// selectors, the config vector and queue_select (question 3: a half-written
// queue address is meaningless without the queue it belongs to).
var partsCommonCfg = []spec.CommonCfgField{
	spec.CfgDeviceFeatureSelect, spec.CfgDriverFeatureSelect, spec.CfgConfigMSIXVector, spec.CfgQueueSelect,
}

// parts returns the virtio-1.4 device parts (DEV_PARTS_GET ALL) in the
// required order: the common parts, then the backend's device-specific
// ones. VQ_CFG carries the raw latched 64-bit addresses, so a half-written
// queue_desc is captured as latched. The device configuration travels in
// no common part in 1.4 (a spec gap): none is invented.
func (d *Core) parts() []devctx.Part {
	s := &d.st
	img := devctx.CommonCfgImage(d.commonImage())
	dev := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{uint64(d.cfg.Features)}.Encode())
	dev.Flags = spec.PartFlagOptional
	out := []devctx.Part{dev, devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{s.DriverFeatures}.Encode())}
	for _, f := range partsCommonCfg {
		out = append(out, devctx.NewCommonCfgPart(f, devctx.CommonCfgBytes(f, img.Get(f))))
	}
	out = append(out, devctx.NewPart(spec.PartDeviceStatus, []byte{uint8(s.Status)}))
	for qi := range s.queues {
		q := &s.queues[qi]
		out = append(out, devctx.VQCfg{QueueSize: q.Size, Vector: q.Vector, Enabled: q.Enable,
			Desc: q.Addr[AddrDesc], Driver: q.Addr[AddrDriver], Device: q.Addr[AddrDevice]}.Part(uint16(qi)))
	}
	for qi := range s.queues {
		out = append(out, devctx.VQNotifyCfg{NotifyOff: uint16(qi), NotifConfigData: uint16(qi)}.Part(uint16(qi)))
	}
	return append(out, s.dev.Parts()...)
}
