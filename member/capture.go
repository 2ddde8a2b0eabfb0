package member

import (
	"encoding/binary"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// draftFields returns the full draft-2023 context of the device now, one
// field per type in type order.
func (b *Blk) draftFields() []devctx.Field {
	s := &b.st
	img := devctx.CommonCfgImage(b.commonImage())
	var rt devctx.CommonRuntimeCfg
	vq := devctx.VQCfgList{}
	run := devctx.VQSplitRuntimeList{}
	own := devctx.DevOwnDescList{}
	var heldIRQs uint64
	for qi := range s.queues {
		q := &s.queues[qi]
		for i, lo := range addrLo {
			if q.split[i] != 0 {
				rt.Writes = append(rt.Writes, devctx.SplitWrite{Queue: uint16(qi), Field: lo, Flags: q.split[i],
					Lo: uint32(q.addr[i]), Hi: uint32(q.addr[i] >> 32)})
			}
		}
		vq.Queues = append(vq.Queues, devctx.VQCfgEntry{Index: uint16(qi), Size: q.size, MSIXVector: q.vector,
			Enabled: q.enable, NotifyOff: uint16(qi), NotifConfigData: uint16(qi),
			Desc: q.addr[addrDesc], Driver: q.addr[addrDriver], Device: q.addr[addrDevice]})
		e := devctx.VQSplitRuntimeEntry{Index: uint16(qi), LastAvailIdx: q.lastAvail, UsedIdx: q.usedIdx}
		if q.notifyLatched {
			e.Flags |= devctx.RuntimeNotifyLatched
			e.LatchedAvailIdx = q.latchedAvail
		}
		if q.irqHeld {
			e.Flags |= devctx.RuntimeIRQHeld
			if qi < 64 {
				heldIRQs |= 1 << qi
			}
		}
		run.Queues = append(run.Queues, e)
		for _, r := range q.reqs {
			own.Descs = append(own.Descs, devctx.DevOwnDesc{Queue: uint16(qi), Head: r.head})
		}
	}
	pe := devctx.PendingEvents{HeldIRQs: heldIRQs}
	if s.configHeld {
		pe.Flags |= devctx.PendingConfigIRQ
	}
	if b.flrPending || b.flrDeferred {
		pe.Flags |= devctx.PendingFLR
	}
	if b.resetPending {
		pe.Flags |= devctx.PendingReset
	}
	return []devctx.Field{
		img.Field(),
		rt.Field(),
		devctx.FeaturesField(spec.FieldDevFeatures, devctx.FeatureWords{uint64(b.cfg.Features)}),
		devctx.FeaturesField(spec.FieldDrvFeatures, devctx.FeatureWords{s.drvFeatures}),
		devctx.DeviceStatusField(s.status),
		vq.Field(),
		run.Field(),
		own.Field(),
		devctx.DevCfgField(b.deviceCfg()),
		pe.Field(),
	}
}

// partsCommonCfg are the PCI_COMMON_CFG fields that travel as parts: the
// selectors, the config vector and queue_select (question 3: a half-written
// queue address is meaningless without the queue it belongs to).
var partsCommonCfg = []spec.CommonCfgField{
	spec.CfgDeviceFeatureSelect, spec.CfgDriverFeatureSelect, spec.CfgConfigMSIXVector, spec.CfgQueueSelect,
}

// parts returns the virtio-1.4 device parts (DEV_PARTS_GET ALL) in the
// required order. VQ_CFG carries the raw latched 64-bit addresses, so a
// half-written queue_desc is captured as latched. No DEV_CFG part exists in
// 1.4 (a spec gap): none is invented.
func (b *Blk) parts() []devctx.Part {
	s := &b.st
	img := devctx.CommonCfgImage(b.commonImage())
	dev := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{uint64(b.cfg.Features)}.Encode())
	dev.Flags = spec.PartFlagOptional
	out := []devctx.Part{dev, devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{s.drvFeatures}.Encode())}
	for _, f := range partsCommonCfg {
		out = append(out, devctx.NewCommonCfgPart(f, devctx.CommonCfgBytes(f, img.Get(f))))
	}
	out = append(out, devctx.NewPart(spec.PartDeviceStatus, []byte{uint8(s.status)}))
	for qi := range s.queues {
		q := &s.queues[qi]
		out = append(out, devctx.VQCfg{QueueSize: q.size, Vector: q.vector, Enabled: q.enable,
			Desc: q.addr[addrDesc], Driver: q.addr[addrDriver], Device: q.addr[addrDevice]}.Part(uint16(qi)))
	}
	for qi := range s.queues {
		out = append(out, devctx.VQNotifyCfg{NotifyOff: uint16(qi), NotifConfigData: uint16(qi)}.Part(uint16(qi)))
	}
	return out
}

// devCfgCapacity reads capacity from DEV_CFG bytes.
func devCfgCapacity(v []byte) uint64 { return binary.LittleEndian.Uint64(v[blkCfgCapacity:]) }
