package member

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// pendingApply collects the PENDING_EVENTS flags that need an action at
// the move to Active.
type pendingApply struct {
	flr, reset bool
}

// checkFeatures checks that every bit of words is offered by the device.
func (d *Core) checkFeatures(what string, words devctx.FeatureWords) error {
	for i, w := range words {
		var offered uint64
		if i == 0 {
			offered = uint64(d.cfg.Features)
		}
		if x := w &^ offered; x != 0 {
			return fmt.Errorf("member: %s word %d: bits %#x not offered by the device", what, i, x)
		}
	}
	return nil
}

// checkQueue checks a queue index and size against the device.
func (d *Core) checkQueue(what string, idx, size uint16) error {
	if idx >= d.cfg.NumQueues {
		return fmt.Errorf("member: %s: queue %d, device has %d", what, idx, d.cfg.NumQueues)
	}
	if size > d.cfg.QueueSizeMax || (size != 0 && size&(size-1) != 0) {
		return fmt.Errorf("member: %s: queue %d size %d, want a power of two up to %d", what, idx, size, d.cfg.QueueSizeMax)
	}
	return nil
}

// applyFields applies draft-2023 context fields to s in type order. The
// fields are validated as they go: call it on a clone to validate without
// side effects.
func (d *Core) applyFields(s *state, fields []devctx.Field, ev *pendingApply) error {
	for i, f := range devctx.Canonical(devctx.DraftContext{Fields: fields}).Fields {
		if err := d.applyField(s, f, ev); err != nil {
			return fmt.Errorf("member: field %d (%s): %w", i, f.Type, err)
		}
	}
	return nil
}

func (d *Core) applyField(s *state, f devctx.Field, ev *pendingApply) error {
	switch f.Type {
	case spec.FieldPCICommonCfg:
		img, err := devctx.DecodeCommonCfgImage(f.Value)
		if err != nil {
			return err
		}
		s.DeviceFeatureSelect = img.Get(spec.CfgDeviceFeatureSelect)
		s.DriverFeatureSelect = img.Get(spec.CfgDriverFeatureSelect)
		s.ConfigVector = uint16(img.Get(spec.CfgConfigMSIXVector))
		s.ConfigGeneration = uint8(img.Get(spec.CfgConfigGeneration))
		s.QueueSelect = img.QueueSelect()
	case spec.FieldPCICommonRuntimeCfg:
		rt, err := devctx.DecodeCommonRuntimeCfg(f.Value)
		if err != nil {
			return err
		}
		for qi := range s.queues {
			s.queue(qi).Split = [NumQueueAddrs]uint8{}
		}
		for _, w := range rt.Writes {
			if err := d.checkQueue("split write", w.Queue, 0); err != nil {
				return err
			}
			q := s.queue(int(w.Queue))
			i := slices.Index(QueueAddrLo[:], w.Field)
			if w.Flags&HalfLo != 0 {
				q.Addr[i] = q.Addr[i]&^0xffffffff | uint64(w.Lo)
			}
			if w.Flags&HalfHi != 0 {
				q.Addr[i] = q.Addr[i]&0xffffffff | uint64(w.Hi)<<32
			}
			q.Split[i] = w.Flags
		}
	case spec.FieldDevFeatures:
		return d.applyFeatures(s, false, f.Value)
	case spec.FieldDrvFeatures:
		return d.applyFeatures(s, true, f.Value)
	case spec.FieldDeviceStatus:
		st, err := devctx.DecodeDeviceStatus(f.Value)
		if err != nil {
			return err
		}
		s.Status = st
	case spec.FieldPCIVQCfg:
		l, err := devctx.DecodeVQCfgList(f.Value)
		if err != nil {
			return err
		}
		for _, e := range l.Queues {
			if err := d.checkQueue("PCI_VQ_CFG", e.Index, e.Size); err != nil {
				return err
			}
			q := s.queue(int(e.Index))
			q.Size, q.Vector, q.Enable = e.Size, e.MSIXVector, e.Enabled
			q.Addr = [NumQueueAddrs]uint64{e.Desc, e.Driver, e.Device}
		}
	case spec.FieldVQSplitRuntimeCfg:
		l, err := devctx.DecodeVQSplitRuntimeList(f.Value)
		if err != nil {
			return err
		}
		for _, e := range l.Queues {
			if err := d.checkQueue("VQ_SPLIT_RUNTIME_CFG", e.Index, 0); err != nil {
				return err
			}
			q := s.queue(int(e.Index))
			q.lastAvail, q.usedIdx = e.LastAvailIdx, e.UsedIdx
			q.notifyLatched = e.Flags&devctx.RuntimeNotifyLatched != 0
			q.latchedAvail = e.LatchedAvailIdx
			q.irqHeld = e.Flags&devctx.RuntimeIRQHeld != 0
			q.enablePending = e.Flags&devctx.RuntimeEnablePending != 0
		}
	case spec.FieldVQSplitDevOwnDesc:
		l, err := devctx.DecodeDevOwnDescList(f.Value)
		if err != nil {
			return err
		}
		for qi := range s.queues {
			s.queue(qi).reqs = nil
		}
		for _, od := range l.Descs {
			if err := d.checkQueue("VQ_SPLIT_DEV_OWN_DESC", od.Queue, 0); err != nil {
				return err
			}
			q := s.queue(int(od.Queue))
			if od.Head >= q.Size {
				return fmt.Errorf("member: VQ_SPLIT_DEV_OWN_DESC: q%d head %d outside a table of %d", od.Queue, od.Head, q.Size)
			}
			q.reqs = append(q.reqs, &request{Request: Request{Queue: od.Queue, Head: od.Head}, stage: stageOwned})
		}
	case spec.FieldPendingEvents:
		p, err := devctx.DecodePendingEvents(f.Value)
		if err != nil {
			return err
		}
		s.configHeld = p.Flags&devctx.PendingConfigIRQ != 0
		for qi := range s.queues {
			if qi < 64 && p.HeldIRQs&(1<<qi) != 0 {
				s.queue(qi).irqHeld = true
			}
		}
		s.featuresPending = p.Flags&devctx.PendingFeaturesOK != 0
		ev.flr = p.Flags&devctx.PendingFLR != 0
		ev.reset = p.Flags&devctx.PendingReset != 0
	default:
		ok, err := s.backend().ApplyField(f, spec.Features(s.DriverFeatures))
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("member: field type %s not supported by %s", f.Type, d.typ.Name)
		}
	}
	return nil
}

// applyParts applies virtio-1.4 parts to s, validating as it goes (call it
// on a clone to validate). DEV_FEATURES is checked against the device's
// own features and never applied; read-only PCI_COMMON_CFG fields, and the
// per-queue and device_status ones (VQ_CFG and DEVICE_STATUS carry those),
// are validated and not applied (DP-DEV-06); VQ_NOTIFY_CFG holds read-only
// values only; unknown OPTIONAL parts are ignored (DP-DEV-07).
func (d *Core) applyParts(s *state, parts []devctx.Part) error {
	for i, p := range parts {
		if err := d.applyPart(s, p); err != nil {
			return fmt.Errorf("member: part %d (%s): %w", i, p.Type, err)
		}
	}
	return nil
}

// featurePartLen is the length of the device's DEV_FEATURES and
// DRV_FEATURES parts: one le64, the feature bits 0-63 it offers.
const featurePartLen = 8

func (d *Core) applyPart(s *state, p devctx.Part) error {
	switch p.Type {
	case spec.PartDevFeatures, spec.PartDrvFeatures:
		// The device's own part is one le64 (bits 0-63, persist_capture.go):
		// a SET whose part is longer or shorter fails, whatever its extra
		// words hold (virtio spec, Device parts administration commands:
		// "MUST respond with an error … if there is a mismatch between the
		// device part length supplied … and the device part length in the
		// device").
		if len(p.Value) != featurePartLen {
			return fmt.Errorf("member: %d bytes, the device's part is %d (one le64: feature bits 0-63)", len(p.Value), featurePartLen)
		}
		return d.applyFeatures(s, p.Type == spec.PartDrvFeatures, p.Value)
	case spec.PartPCICommonCfg:
		off := p.CommonCfgOffset()
		info, ok := spec.LookupCommonCfgField(off)
		if _, wide := spec.LookupCommonCfgField64(off); wide && len(p.Value) == 8 {
			return nil // a per-queue le64 address, whole: VQ_CFG carries it (DP-DEV-06)
		}
		if !ok || info.Size != len(p.Value) {
			return fmt.Errorf("member: PCI_COMMON_CFG offset %d length %d: not a field of that size", off, len(p.Value))
		}
		v, err := devctx.CommonCfgValue(p.Value)
		if err != nil {
			return err
		}
		switch info.Field {
		case spec.CfgDeviceFeatureSelect:
			s.DeviceFeatureSelect = v
		case spec.CfgDriverFeatureSelect:
			s.DriverFeatureSelect = v
		case spec.CfgConfigMSIXVector:
			s.ConfigVector = uint16(v)
		case spec.CfgQueueSelect:
			s.QueueSelect = uint16(v)
		}
	case spec.PartDeviceStatus:
		if len(p.Value) != 1 {
			return fmt.Errorf("member: DEVICE_STATUS length %d, want 1", len(p.Value))
		}
		s.Status = spec.DeviceStatus(p.Value[0])
	case spec.PartVQCfg:
		v, err := devctx.DecodeVQCfg(p.Value)
		if err != nil {
			return err
		}
		if err := d.checkQueue("VQ_CFG", p.VQIndex(), v.QueueSize); err != nil {
			return err
		}
		q := s.queue(int(p.VQIndex()))
		q.Size, q.Vector, q.Enable = v.QueueSize, v.Vector, v.Enabled
		q.Addr = [NumQueueAddrs]uint64{v.Desc, v.Driver, v.Device}
	case spec.PartVQNotifyCfg:
		if _, err := devctx.DecodeVQNotifyCfg(p.Value); err != nil {
			return err
		}
		return d.checkQueue("VQ_NOTIFY_CFG", p.VQIndex(), 0)
	default:
		ok, err := s.backend().ApplyPart(p, spec.Features(s.DriverFeatures))
		if err != nil {
			return err
		}
		if !ok && !p.Optional() {
			return fmt.Errorf("member: part type %s not supported by %s", p.Type, d.typ.Name)
		}
	}
	return nil
}

// applyFeatures handles a DEV_FEATURES or DRV_FEATURES value, as a draft
// field or a 1.4 part: the device's own features are checked, never applied
// (DP-DEV-06); the driver's are checked and applied.
func (d *Core) applyFeatures(s *state, driver bool, value []byte) error {
	w, err := devctx.DecodeFeatureWords(value)
	if err != nil {
		return err
	}
	if !driver {
		return d.checkFeatures("DEV_FEATURES", w)
	}
	if err := d.checkFeatures("DRV_FEATURES", w); err != nil {
		return err
	}
	s.DriverFeatures = 0
	if len(w) > 0 {
		s.DriverFeatures = w[0]
	}
	return nil
}
