package member

import (
	"github.com/migsim/migsim/spec"
)

// commonImage returns the common configuration as the driver reads it now
// (per-queue fields of the queue queue_select names; zeros past
// num_queues). It is also the draft PCI_COMMON_CFG field.
func (d *Core) commonImage() [spec.CommonCfgSize]byte {
	v := CommonView{Offered: d.cfg.Features, NumQueues: d.cfg.NumQueues, NotifConfigData: true}
	if int(d.st.QueueSelect) < len(d.st.queues) {
		v.Queue = &d.st.queues[d.st.QueueSelect].QueueRegs // read only
	}
	return d.st.Image(v)
}

// commonWrite handles a driver write to the common configuration. It
// behaves the same in every mode (DRAFT-PCI-01, DP-DEV-10).
func (d *Core) commonWrite(off uint32, data []byte, fx *Effects) {
	var buf [2]CommonWrite
	ws, err := AppendCommonWrite(buf[:0], off, data)
	if err != nil {
		fx.note("%v", err)
		return
	}
	for _, w := range ws {
		d.registerWrite(w, fx)
	}
}

// registerWrite writes one register.
func (d *Core) registerWrite(w CommonWrite, fx *Effects) {
	s := &d.st
	if w.PerQueue {
		q := s.selected()
		if q == nil {
			fx.note("write to %s of queue %d ignored: only %d queues", w.Name, s.QueueSelect, len(s.queues))
			return
		}
		d.queueWrite(s.QueueSelect, q, w, fx)
		return
	}
	switch w.Field {
	case spec.CfgDeviceFeatureSelect:
		s.DeviceFeatureSelect = w.Value
	case spec.CfgDriverFeatureSelect:
		s.DriverFeatureSelect = w.Value
	case spec.CfgDriverFeature:
		if !s.WriteDriverFeature(w.Value) {
			fx.note("driver_feature write with select %d ignored", s.DriverFeatureSelect)
		}
	case spec.CfgConfigMSIXVector:
		s.ConfigVector = uint16(w.Value)
	case spec.CfgDeviceStatus:
		d.statusWrite(spec.DeviceStatus(w.Value), fx)
	case spec.CfgQueueSelect:
		s.QueueSelect = uint16(w.Value)
	}
}

// queueWrite writes one per-queue register of queue qi.
func (d *Core) queueWrite(qi uint16, q *queueState, w CommonWrite, fx *Effects) {
	v := w.Value
	switch w.Field {
	case spec.CfgQueueSize:
		if v == 0 || v > uint32(d.cfg.QueueSizeMax) || v&(v-1) != 0 {
			fx.note("queue_size %d for q%d ignored: want a power of two up to %d", v, qi, d.cfg.QueueSizeMax)
			return
		}
		q.Size = uint16(v)
	case spec.CfgQueueMSIXVector:
		q.Vector = uint16(v)
	case spec.CfgQueueEnable:
		if v != 1 {
			fx.note("queue_enable %d for q%d ignored: only 1 may be written", v, qi)
			return
		}
		// The device commits the queue later (pending_work.go).
		if q.Enable == 0 && !q.enablePending {
			q.enablePending = true
			d.acceptWork(fx)
		}
	case spec.CfgQueueReset:
		if v != 1 || !d.cfg.Features.Has(spec.FeatureRingReset) {
			fx.note("queue_reset %d for q%d ignored", v, qi)
			return
		}
		fx.note("q%d reset: %d taken requests dropped", qi, len(q.reqs))
		*q = queueState{QueueRegs: NewQueueRegs(d.cfg.QueueSizeMax)}
		q.Reset = 1
	default:
		for i, lo := range QueueAddrLo {
			if w.Field == lo || w.Field == lo+4 {
				q.WriteAddr(i, w.Field == lo, v)
				return
			}
		}
	}
}

// statusWrite handles a device_status write: 0 starts a reset (finished by
// StepFinishReset; the register reads 0 only then, PCI-DEV-03); setting
// FEATURES_OK starts the validation of the driver's features (finished by
// finishWork, pending_work.go), which leaves the bit clear when the driver
// acked a feature the device does not offer or not VERSION_1, or a
// combination the backend refuses (FeatureChecker).
func (d *Core) statusWrite(v spec.DeviceStatus, fx *Effects) {
	if v == 0 {
		if d.resetPending {
			fx.note("device reset already in progress")
			return
		}
		d.resetPending = true
		if d.st.Status == 0 {
			// Already in the reset state: there is nothing to wait for, and
			// a pending reset would read 0 before it is done (PCI-DEV-03).
			d.finishReset(fx)
			return
		}
		fx.note("device reset started")
		fx.Steps = append(fx.Steps, Step{Kind: StepFinishReset})
		return
	}
	s := &d.st
	if v&spec.StatusFeaturesOK != 0 && s.Status&spec.StatusFeaturesOK == 0 {
		// Validated later; the bit reads clear until then
		// (pending_work.go).
		s.Status = v &^ spec.StatusFeaturesOK
		s.featuresPending = true
		d.acceptWork(fx)
		return
	}
	s.Status = v
}
