package member

import (
	"encoding/binary"

	"github.com/migsim/migsim/spec"
)

// commonImage returns struct virtio_pci_common_cfg as the driver reads it
// now (per-queue fields of the queue queue_select names; zeros past
// num_queues). It is also the draft PCI_COMMON_CFG field.
func (b *Blk) commonImage() [spec.CommonCfgSize]byte {
	var c [spec.CommonCfgSize]byte
	s := &b.st
	put16 := func(f spec.CommonCfgField, v uint16) { binary.LittleEndian.PutUint16(c[f:], v) }
	put32 := func(f spec.CommonCfgField, v uint32) { binary.LittleEndian.PutUint32(c[f:], v) }
	put32(spec.CfgDeviceFeatureSelect, s.devFeatureSel)
	put32(spec.CfgDeviceFeature, featureWord(uint64(b.cfg.Features), s.devFeatureSel))
	put32(spec.CfgDriverFeatureSelect, s.drvFeatureSel)
	put32(spec.CfgDriverFeature, featureWord(s.drvFeatures, s.drvFeatureSel))
	put16(spec.CfgConfigMSIXVector, s.configVector)
	put16(spec.CfgNumQueues, b.cfg.NumQueues)
	c[spec.CfgDeviceStatus] = uint8(s.status)
	c[spec.CfgConfigGeneration] = s.configGen
	put16(spec.CfgQueueSelect, s.queueSelect)
	if q := s.selected(); q != nil {
		put16(spec.CfgQueueSize, q.size)
		put16(spec.CfgQueueMSIXVector, q.vector)
		put16(spec.CfgQueueEnable, q.enable)
		put16(spec.CfgQueueNotifyOff, s.queueSelect)
		for i, lo := range addrLo {
			put32(lo, uint32(q.addr[i]))
			put32(lo+4, uint32(q.addr[i]>>32))
		}
		put16(spec.CfgQueueNotifConfigData, s.queueSelect)
		put16(spec.CfgQueueReset, q.reset)
	}
	return c
}

// featureWord returns 32-bit word sel of a 64-bit feature set.
func featureWord(f uint64, sel uint32) uint32 {
	switch sel {
	case 0:
		return uint32(f)
	case 1:
		return uint32(f >> 32)
	}
	return 0
}

// commonWrite handles a driver write to the common configuration. It
// behaves the same in every mode (DRAFT-PCI-01, DP-DEV-10). A write must
// start at a field and match its size; an 8-byte write at the lo half of a
// 64-bit queue address writes both halves.
func (b *Blk) commonWrite(off uint32, data []byte, fx *Effects) {
	info, ok := spec.LookupCommonCfgField(off)
	if ok && info.Half == "lo" && len(data) == 8 {
		b.commonWrite(off, data[:4], fx)
		b.commonWrite(off+4, data[4:], fx)
		return
	}
	if !ok || info.Size != len(data) {
		fx.note("common config write of %d bytes at offset %d ignored: not a field of that size", len(data), off)
		return
	}
	if info.ReadOnly {
		fx.note("write to read-only %s ignored", info.Name)
		return
	}
	v := uint32(leValue(data))
	s := &b.st
	if info.PerQueue {
		q := s.selected()
		if q == nil {
			fx.note("write to %s of queue %d ignored: only %d queues", info.Name, s.queueSelect, len(s.queues))
			return
		}
		b.queueWrite(s.queueSelect, q, info, v, fx)
		return
	}
	switch info.Field {
	case spec.CfgDeviceFeatureSelect:
		s.devFeatureSel = v
	case spec.CfgDriverFeatureSelect:
		s.drvFeatureSel = v
	case spec.CfgDriverFeature:
		switch s.drvFeatureSel {
		case 0:
			s.drvFeatures = s.drvFeatures&^0xffffffff | uint64(v)
		case 1:
			s.drvFeatures = s.drvFeatures&0xffffffff | uint64(v)<<32
		default:
			fx.note("driver_feature write with select %d ignored", s.drvFeatureSel)
		}
	case spec.CfgConfigMSIXVector:
		s.configVector = uint16(v)
	case spec.CfgDeviceStatus:
		b.statusWrite(spec.DeviceStatus(v), fx)
	case spec.CfgQueueSelect:
		s.queueSelect = uint16(v)
	}
}

// queueWrite writes one per-queue register of queue qi.
func (b *Blk) queueWrite(qi uint16, q *queueState, info spec.CommonCfgFieldInfo, v uint32, fx *Effects) {
	switch info.Field {
	case spec.CfgQueueSize:
		if v == 0 || v > uint32(b.cfg.QueueSizeMax) || v&(v-1) != 0 {
			fx.note("queue_size %d for q%d ignored: want a power of two up to %d", v, qi, b.cfg.QueueSizeMax)
			return
		}
		q.size = uint16(v)
	case spec.CfgQueueMSIXVector:
		q.vector = uint16(v)
	case spec.CfgQueueEnable:
		if v != 1 {
			fx.note("queue_enable %d for q%d ignored: only 1 may be written", v, qi)
			return
		}
		q.enable = 1
		q.reset = 0
	case spec.CfgQueueReset:
		if v != 1 || !b.cfg.Features.Has(spec.FeatureRingReset) {
			fx.note("queue_reset %d for q%d ignored", v, qi)
			return
		}
		fx.note("q%d reset: %d taken requests dropped", qi, len(q.reqs))
		*q = queueState{size: b.cfg.QueueSizeMax, vector: NoVector, reset: 1}
	default:
		for i, lo := range addrLo {
			if info.Field == lo || info.Field == lo+4 {
				b.addrWrite(q, i, info.Field == lo, v)
				return
			}
		}
	}
}

// addrWrite latches one half of a 64-bit queue address (PCI-DEV-02) and
// tracks the split write: the flags clear once both halves are written.
func (b *Blk) addrWrite(q *queueState, i int, lo bool, v uint32) {
	if lo {
		q.addr[i] = q.addr[i]&^0xffffffff | uint64(v)
		q.split[i] |= halfLo
	} else {
		q.addr[i] = q.addr[i]&0xffffffff | uint64(v)<<32
		q.split[i] |= halfHi
	}
	if q.split[i] == halfLo|halfHi {
		q.split[i] = 0
	}
}

// statusWrite handles a device_status write: 0 starts a reset (finished by
// StepFinishReset; the register reads 0 only then, PCI-DEV-03); setting
// FEATURES_OK validates the driver's features and leaves the bit clear when
// the driver acked a feature the device does not offer or not VERSION_1.
func (b *Blk) statusWrite(v spec.DeviceStatus, fx *Effects) {
	if v == 0 {
		if b.resetPending {
			fx.note("device reset already in progress")
			return
		}
		b.resetPending = true
		if b.st.status == 0 {
			// Already in the reset state: there is nothing to wait for, and
			// a pending reset would read 0 before it is done (PCI-DEV-03).
			b.finishReset(fx)
			return
		}
		fx.note("device reset started")
		fx.Steps = append(fx.Steps, Step{Kind: StepFinishReset})
		return
	}
	s := &b.st
	if v&spec.StatusFeaturesOK != 0 && s.status&spec.StatusFeaturesOK == 0 {
		offered := uint64(b.cfg.Features)
		if s.drvFeatures&^offered != 0 || s.drvFeatures&spec.FeatureVersion1.Mask() == 0 {
			fx.note("FEATURES_OK refused: driver features %s not acceptable (offered %s)",
				spec.Features(s.drvFeatures), b.cfg.Features)
			v &^= spec.StatusFeaturesOK
		}
	}
	s.status = v
}
