package member

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// draftFields returns the full draft-2023 context of the device now, one
// field per type in type order: the core's fields and the backend's
// device-specific ones (blk: DEV_CFG).
func (d *Core) draftFields() []devctx.Field { return d.appendDraftFields(nil, nil) }

// appendDraftFields is draftFields building the list in fs and the core's
// values in vals when their capacity suffices (a caller that only reads
// the context passes arrays of its own).
func (d *Core) appendDraftFields(fs []devctx.Field, vals []byte) []devctx.Field {
	s := &d.st
	img := devctx.CommonCfgImage(d.commonImage())
	// The lists are built in arrays on the stack when they fit.
	var (
		writes [4]devctx.SplitWrite
		vqs    [4]devctx.VQCfgEntry
		runs   [4]devctx.VQSplitRuntimeEntry
		owned  [8]devctx.DevOwnDesc
	)
	rt := devctx.CommonRuntimeCfg{Writes: writes[:0]}
	vq := devctx.VQCfgList{Queues: vqs[:0]}
	run := devctx.VQSplitRuntimeList{Queues: runs[:0]}
	own := devctx.DevOwnDescList{Descs: owned[:0]}
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
	dev := s.backend().Fields()
	// The core's values share one buffer, sized to hold them all.
	const listHeaders, featureWords = 4 * 8, 2 * 8
	size := len(img) + listHeaders + featureWords + devctx.DeviceStatusSize + devctx.PendingEventsSize +
		len(rt.Writes)*devctx.SplitWriteSize + len(vq.Queues)*devctx.VQCfgEntrySize +
		len(run.Queues)*devctx.VQSplitRuntimeEntrySize + len(own.Descs)*devctx.DevOwnDescSize
	b := vals[:0]
	if cap(b) < size {
		b = make([]byte, 0, size)
	}
	if fs = fs[:0]; cap(fs) < 9+len(dev) {
		fs = make([]devctx.Field, 0, 9+len(dev))
	}
	// Each value is appended to b after the previous one; n is where it
	// starts.
	n := len(b)
	b = img.AppendValue(b)
	fs, n = append(fs, valueField(spec.FieldPCICommonCfg, b, n)), len(b)
	b = rt.AppendValue(b)
	fs, n = append(fs, valueField(spec.FieldPCICommonRuntimeCfg, b, n)), len(b)
	b = devctx.FeatureWords{uint64(d.cfg.Features)}.AppendValue(b)
	fs, n = append(fs, valueField(spec.FieldDevFeatures, b, n)), len(b)
	b = devctx.FeatureWords{s.DriverFeatures}.AppendValue(b)
	fs, n = append(fs, valueField(spec.FieldDrvFeatures, b, n)), len(b)
	b = devctx.AppendDeviceStatus(b, s.Status)
	fs, n = append(fs, valueField(spec.FieldDeviceStatus, b, n)), len(b)
	b = vq.AppendValue(b)
	fs, n = append(fs, valueField(spec.FieldPCIVQCfg, b, n)), len(b)
	b = run.AppendValue(b)
	fs, n = append(fs, valueField(spec.FieldVQSplitRuntimeCfg, b, n)), len(b)
	b = own.AppendValue(b)
	fs, n = append(fs, valueField(spec.FieldVQSplitDevOwnDesc, b, n)), len(b)
	b = pe.AppendValue(b)
	fs = append(fs, valueField(spec.FieldPendingEvents, b, n))
	fs = append(fs, dev...)
	sortFieldsByType(fs)
	return fs
}

// sortFieldsByType sorts fs by type, keeping the order of equal types: an
// insertion sort, as the core's fields come in type order and only the
// backend's few are moved in among them (slices.SortStableFunc sorts so
// too, through a comparison function, several times slower on lists this
// short; every context size query and read builds one).
func sortFieldsByType(fs []devctx.Field) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Type < fs[j-1].Type; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// valueField returns b[start:] as a field of type t, its capacity ending
// with it so that appending to it never reaches what follows in b.
func valueField(t spec.FieldType, b []byte, start int) devctx.Field {
	return devctx.Field{Type: t, Value: b[start:len(b):len(b)]}
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
	return d.appendParts(make([]devctx.Part, 0, d.partsCap()))
}

// partsCap is room for the parts: the common ones and 8 of the backend's.
func (d *Core) partsCap() int { return 3 + len(partsCommonCfg) + 2*len(d.st.queues) + 8 }

// appendParts appends the parts (see parts) to out.
func (d *Core) appendParts(out []devctx.Part) []devctx.Part {
	s := &d.st
	img := devctx.CommonCfgImage(d.commonImage())
	dev := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{uint64(d.cfg.Features)}.Encode())
	dev.Flags = spec.PartFlagOptional
	out = append(out, dev, devctx.NewPart(spec.PartDrvFeatures, devctx.FeatureWords{s.DriverFeatures}.Encode()))
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
	return append(out, s.backend().Parts()...)
}
