package owner

import (
	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// NoVector is VIRTIO_MSI_NO_VECTOR.
const NoVector = member.NoVector

// OfferedFeatures are the PF's device features: VERSION_1, SR_IOV and
// ADMIN_VQ.
const OfferedFeatures = spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureSRIOV | 1<<spec.FeatureAdminVQ)

// transport is the PF's virtio PCI transport: the common configuration
// registers, the ISR and the MSI-X table in BAR0, on the register file and
// table the member core uses (member.CommonCfg, member.QueueRegs,
// member.MSIXTable). What a write does is the PF's: its queue registers are
// fixed once a queue is enabled, vectors past the table read NO_VECTOR, and
// DRIVER_OK starts the admin queue.
type transport struct {
	maxSize   uint16
	numQueues uint16
	regs      member.CommonCfg
	queues    []member.QueueRegs // NumQueues own queues, then the admin queue
	isr       uint8
	msix      member.MSIXTable
}

func newTransport(c Config) transport {
	t := transport{maxSize: c.AdminQueueSize, numQueues: c.NumQueues, msix: member.NewMSIXTable(c.MSIXVectors)}
	t.reset()
	return t
}

// reset puts the registers back to their power-on values (device_status
// 0). The MSI-X table is PCI state and stays.
func (t *transport) reset() {
	t.regs = member.NewCommonCfg()
	t.isr = 0
	t.queues = make([]member.QueueRegs, int(t.numQueues)+1)
	for i := range t.queues {
		t.queues[i] = member.NewQueueRegs(t.maxSize)
	}
}

func (t *transport) adminIndex() uint16 { return t.numQueues }

// image renders the common configuration as the driver reads it now.
func (t *transport) image() [spec.CommonCfgSize]byte {
	return t.regs.Image(member.CommonView{Offered: OfferedFeatures, NumQueues: t.numQueues, Queue: t.selected(),
		AdminQueueIndex: t.adminIndex(), AdminQueueNum: 1})
}

func (t *transport) selected() *member.QueueRegs {
	if int(t.regs.QueueSelect) < len(t.queues) {
		return &t.queues[t.regs.QueueSelect]
	}
	return nil
}

func (t *transport) vectorOrNone(v uint16) uint16 {
	if int(v) < t.msix.Len() {
		return v
	}
	return NoVector
}

// queueWritable reports whether a per-queue register of q may be written:
// the vector and queue_enable always, queue_size and the ring addresses
// only while the queue is disabled; queue_reset never (the PF does not
// offer RING_RESET).
func queueWritable(q *member.QueueRegs, f spec.CommonCfgField) bool {
	switch {
	case q == nil:
		return false
	case f == spec.CfgQueueMSIXVector || f == spec.CfgQueueEnable:
		return true
	case f == spec.CfgQueueReset:
		return false
	}
	return q.Enable == 0
}

func (p *PF) commonWrite(fx *Effects, off uint64, data []byte) {
	t := &p.tr
	ignored := func() {
		fx.note(TargetPF, "common cfg write %s (%d bytes): ignored", spec.CommonCfgField(off), len(data))
	}
	var buf [2]member.CommonWrite
	ws, err := member.AppendCommonWrite(buf[:0], uint32(off), data)
	if err != nil {
		ignored()
		return
	}
	q := t.selected()
	if ws[0].PerQueue && !queueWritable(q, ws[0].Field) {
		ignored()
		return
	}
	for _, w := range ws {
		switch w.Field {
		case spec.CfgDeviceFeatureSelect:
			t.regs.DeviceFeatureSelect = w.Value
		case spec.CfgDriverFeatureSelect:
			t.regs.DriverFeatureSelect = w.Value
		case spec.CfgDriverFeature:
			t.regs.WriteDriverFeature(w.Value)
		case spec.CfgConfigMSIXVector:
			t.regs.ConfigVector = t.vectorOrNone(uint16(w.Value))
		case spec.CfgDeviceStatus:
			p.statusWrite(fx, spec.DeviceStatus(w.Value))
		case spec.CfgQueueSelect:
			t.regs.QueueSelect = uint16(w.Value)
		case spec.CfgQueueSize:
			q.Size = uint16(w.Value)
		case spec.CfgQueueMSIXVector:
			q.Vector = t.vectorOrNone(uint16(w.Value))
		case spec.CfgQueueEnable:
			if w.Value != 1 {
				fx.note(TargetPF, "queue_enable %d: only 1 may be written", w.Value)
				continue
			}
			q.Enable = 1
			p.activateAdmin(fx)
		default:
			for i, lo := range member.QueueAddrLo {
				if w.Field == lo || w.Field == lo+4 {
					q.WriteAddr(i, w.Field == lo, w.Value)
				}
			}
		}
	}
}

func (p *PF) statusWrite(fx *Effects, s spec.DeviceStatus) {
	t := &p.tr
	if s == 0 {
		p.resetDevice(fx, "device_status written 0")
		return
	}
	if s&spec.StatusFeaturesOK != 0 && t.regs.Status&spec.StatusFeaturesOK == 0 {
		if !member.FeaturesAcceptable(OfferedFeatures, t.regs.DriverFeatures) {
			fx.note(TargetPF, "FEATURES_OK refused: driver features %s", spec.Features(t.regs.DriverFeatures))
			s &^= spec.StatusFeaturesOK
		}
	}
	t.regs.Status = s
	p.activateAdmin(fx)
}

// activateAdmin starts the admin queue once the driver has set DRIVER_OK,
// negotiated ADMIN_VQ and enabled the queue (Linux activates it on
// DRIVER_OK).
func (p *PF) activateAdmin(fx *Effects) {
	t := &p.tr
	q := t.queues[t.adminIndex()]
	if p.aq != nil || t.regs.Status&spec.StatusDriverOK == 0 || q.Enable == 0 {
		return
	}
	if !spec.Features(t.regs.DriverFeatures).Has(spec.FeatureAdminVQ) {
		fx.note(TargetPF, "DRIVER_OK without VIRTIO_F_ADMIN_VQ: no admin queue")
		return
	}
	l := q.Layout()
	if q.Size > t.maxSize {
		fx.note(TargetPF, "admin queue size %d above the maximum %d: not started", q.Size, t.maxSize)
		p.needsReset(fx)
		return
	}
	if err := l.Validate(); err != nil {
		fx.note(TargetPF, "admin queue not started: %v", err)
		p.needsReset(fx)
		return
	}
	p.aq = adminq.NewDeviceQueue(l)
	fx.note(TargetPF, "admin queue %d started (size %d)", t.adminIndex(), q.Size)
}

func (p *PF) needsReset(fx *Effects) {
	p.broken = true
	p.tr.regs.Status |= spec.StatusDeviceNeedsReset
	fx.note(TargetPF, "DEVICE_NEEDS_RESET")
	if v := p.tr.regs.ConfigVector; v != NoVector {
		p.tr.isr |= 2
		p.sendMSIX(fx, v)
	}
}

// notify handles a doorbell for queue q.
func (p *PF) notify(fx *Effects, q uint16) {
	if q != p.tr.adminIndex() {
		fx.note(TargetPF, "notify queue %d: the PF's own queues do no work", q)
		return
	}
	if p.aq == nil || p.broken {
		fx.note(TargetPF, "notify admin queue: queue not running")
		return
	}
	p.queueAdminStep(fx)
}

func (p *PF) queueAdminStep(fx *Effects) {
	if p.stepQueued {
		return
	}
	p.stepQueued = true
	fx.Steps = append(fx.Steps, TargetStep{Target: TargetPF, Step: adminStep})
}
