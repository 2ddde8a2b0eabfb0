package owner

import (
	"encoding/binary"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// NoVector is VIRTIO_MSI_NO_VECTOR.
const NoVector uint16 = 0xffff

// OfferedFeatures are the PF's device features: VERSION_1, SR_IOV and
// ADMIN_VQ.
const OfferedFeatures = spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureSRIOV | 1<<spec.FeatureAdminVQ)

type queueRegs struct {
	size, vector, enable uint16
	desc, driver, device uint64
}

type msixEntry struct {
	addr    uint64
	data    uint32
	ctrl    uint32
	pending bool
}

// transport is the PF's virtio PCI transport: the common configuration,
// ISR and MSI-X table in BAR0.
type transport struct {
	maxSize      uint16
	numQueues    uint16
	dfSel, gfSel uint32
	drvFeatures  uint64
	status       spec.DeviceStatus
	configVector uint16
	qsel         uint16
	queues       []queueRegs // NumQueues own queues, then the admin queue
	isr          uint8
	msix         []msixEntry
}

func newTransport(c Config) transport {
	t := transport{maxSize: c.AdminQueueSize, numQueues: c.NumQueues, msix: make([]msixEntry, c.MSIXVectors)}
	t.reset()
	return t
}

// reset puts the transport back to its power-on values (device_status 0).
func (t *transport) reset() {
	n := int(t.numQueues) + 1
	t.dfSel, t.gfSel, t.drvFeatures, t.status, t.qsel, t.isr = 0, 0, 0, 0, 0, 0
	t.configVector = NoVector
	t.queues = make([]queueRegs, n)
	for i := range t.queues {
		t.queues[i] = queueRegs{size: t.maxSize, vector: NoVector}
	}
}

func (t *transport) adminIndex() uint16 { return t.numQueues }

// image renders the common configuration as the driver reads it now.
func (t *transport) image() [spec.CommonCfgSize]byte {
	var b [spec.CommonCfgSize]byte
	le := binary.LittleEndian
	le.PutUint32(b[0:], t.dfSel)
	if t.dfSel < 2 {
		le.PutUint32(b[4:], uint32(uint64(OfferedFeatures)>>(32*t.dfSel)))
	}
	le.PutUint32(b[8:], t.gfSel)
	if t.gfSel < 2 {
		le.PutUint32(b[12:], uint32(t.drvFeatures>>(32*t.gfSel)))
	}
	le.PutUint16(b[16:], t.configVector)
	le.PutUint16(b[18:], t.numQueues)
	b[20] = uint8(t.status)
	le.PutUint16(b[22:], t.qsel)
	if int(t.qsel) < len(t.queues) {
		q := t.queues[t.qsel]
		le.PutUint16(b[24:], q.size)
		le.PutUint16(b[26:], q.vector)
		le.PutUint16(b[28:], q.enable)
		le.PutUint16(b[30:], t.qsel)
		le.PutUint64(b[32:], q.desc)
		le.PutUint64(b[40:], q.driver)
		le.PutUint64(b[48:], q.device)
	}
	le.PutUint16(b[60:], t.adminIndex())
	le.PutUint16(b[62:], 1)
	return b
}

// handleTLP serves a host access to the PF's configuration space or BAR0.
func (p *PF) handleTLP(fx *Effects, tlp pcie.TLP) {
	isRead := tlp.Kind == pcie.CfgRead || tlp.Kind == pcie.MemRead
	if p.flr {
		fx.note(TargetPF, "%s during FLR: dropped", tlp.Kind)
		if isRead {
			fx.ReadData = allOnes(tlp.Len)
		}
		return
	}
	switch tlp.Kind {
	case pcie.CfgRead:
		v, err := p.cs.Read(int(tlp.Addr), tlp.Len)
		if err != nil {
			fx.note(TargetPF, "config read: %v", err)
			fx.ReadData = allOnes(tlp.Len)
			return
		}
		fx.ReadData = leBytes(uint64(v), tlp.Len)
	case pcie.CfgWrite:
		p.configWrite(fx, tlp)
	case pcie.MemRead:
		fx.ReadData = p.mmioRead(fx, tlp.Addr-p.cs.BAR0(), tlp.Len)
	case pcie.MemWrite:
		p.mmioWrite(fx, tlp.Addr-p.cs.BAR0(), tlp.Data)
	default:
		fx.note(TargetPF, "%s TLP: not for the PF", tlp.Kind)
	}
}

func leBytes(v uint64, n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n && i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
	return b
}

func leValue(b []byte) uint64 {
	var v uint64
	for i := 0; i < len(b) && i < 8; i++ {
		v |= uint64(b[i]) << (8 * i)
	}
	return v
}

func (p *PF) configWrite(fx *Effects, tlp pcie.TLP) {
	before := p.NumVFs()
	eff, err := p.cs.Write(int(tlp.Addr), len(tlp.Data), uint32(leValue(tlp.Data)))
	if err != nil {
		fx.note(TargetPF, "config write: %v", err)
		return
	}
	if eff.Has(pcie.MSIXEnableChanged) {
		p.msixOn = eff.MSIXEnabled
	}
	if eff.Has(pcie.FLRInitiated) {
		p.startFLR(fx)
		return
	}
	if eff.Has(pcie.VFEnableChanged) {
		if eff.VFEnabled {
			fx.note(TargetPF, "VF Enable set: %d VFs exist (members are created on first use)", p.NumVFs())
		} else {
			p.removeVFs(fx, before, "VF Enable cleared")
		}
	}
}

func (p *PF) mmioRead(fx *Effects, off uint64, n int) []byte {
	switch {
	case off+uint64(n) <= spec.CommonCfgSize:
		img := p.tr.image()
		return append([]byte(nil), img[off:off+uint64(n)]...)
	case off == pcie.BAR0ISR:
		v := p.tr.isr
		p.tr.isr = 0
		return leBytes(uint64(v), n)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXTable+uint64(len(p.tr.msix))*pcie.MSIXEntrySize:
		i := (off - pcie.BAR0MSIXTable) / pcie.MSIXEntrySize
		e := p.tr.msix[i]
		var b [pcie.MSIXEntrySize]byte
		binary.LittleEndian.PutUint64(b[0:], e.addr)
		binary.LittleEndian.PutUint32(b[8:], e.data)
		binary.LittleEndian.PutUint32(b[12:], e.ctrl)
		o := (off - pcie.BAR0MSIXTable) % pcie.MSIXEntrySize
		if o+uint64(n) > pcie.MSIXEntrySize {
			break
		}
		return append([]byte(nil), b[o:o+uint64(n)]...)
	case off == pcie.BAR0MSIXPBA:
		var v uint64
		for i, e := range p.tr.msix {
			if e.pending && i < 64 {
				v |= 1 << i
			}
		}
		return leBytes(v, n)
	}
	if off < pcie.BAR0Size {
		return make([]byte, n)
	}
	fx.note(TargetPF, "MMIO read at BAR0+%#x: outside BAR0", off)
	return allOnes(n)
}

func (p *PF) mmioWrite(fx *Effects, off uint64, data []byte) {
	switch {
	case off+uint64(len(data)) <= spec.CommonCfgSize:
		p.commonWrite(fx, off, data)
	case off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen:
		q := uint16((off - pcie.BAR0Notify) / pcie.NotifyMultiplier)
		p.notify(fx, q)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXTable+uint64(len(p.tr.msix))*pcie.MSIXEntrySize:
		p.msixWrite(fx, off-pcie.BAR0MSIXTable, data)
	default:
		fx.note(TargetPF, "MMIO write at BAR0+%#x (%d bytes): ignored", off, len(data))
	}
}

func (p *PF) msixWrite(fx *Effects, off uint64, data []byte) {
	i := off / pcie.MSIXEntrySize
	e := &p.tr.msix[i]
	var b [pcie.MSIXEntrySize]byte
	binary.LittleEndian.PutUint64(b[0:], e.addr)
	binary.LittleEndian.PutUint32(b[8:], e.data)
	binary.LittleEndian.PutUint32(b[12:], e.ctrl)
	o := off % pcie.MSIXEntrySize
	if o+uint64(len(data)) > pcie.MSIXEntrySize {
		fx.note(TargetPF, "MSI-X write across entries at +%#x: ignored", off)
		return
	}
	copy(b[o:], data)
	e.addr = binary.LittleEndian.Uint64(b[0:])
	e.data = binary.LittleEndian.Uint32(b[8:])
	e.ctrl = binary.LittleEndian.Uint32(b[12:])
	if e.ctrl&1 == 0 && e.pending {
		e.pending = false
		p.sendMSIX(fx, uint16(i))
	}
}

func (p *PF) commonWrite(fx *Effects, off uint64, data []byte) {
	t := &p.tr
	v := leValue(data)
	n := len(data)
	q := t.selected()
	switch {
	case off == 0 && n == 4:
		t.dfSel = uint32(v)
	case off == 8 && n == 4:
		t.gfSel = uint32(v)
	case off == 12 && n == 4:
		if t.gfSel < 2 {
			sh := 32 * t.gfSel
			t.drvFeatures = t.drvFeatures&^(0xffffffff<<sh) | v<<sh
		}
	case off == 16 && n == 2:
		t.configVector = t.vectorOrNone(uint16(v))
	case off == 20 && n == 1:
		p.statusWrite(fx, spec.DeviceStatus(v))
	case off == 22 && n == 2:
		t.qsel = uint16(v)
	case q != nil && q.enable == 0 && off == 24 && n == 2:
		q.size = uint16(v)
	case q != nil && off == 26 && n == 2:
		q.vector = t.vectorOrNone(uint16(v))
	case q != nil && off == 28 && n == 2:
		if v == 1 {
			q.enable = 1
			p.activateAdmin(fx)
		} else {
			fx.note(TargetPF, "queue_enable %d: only 1 may be written", v)
		}
	case q != nil && q.enable == 0 && off >= 32 && off < 56 && (n == 4 || n == 8) && off%4 == 0:
		addr := [...]*uint64{&q.desc, &q.driver, &q.device}[(off-32)/8]
		if off%8 == 0 && n == 8 {
			*addr = v
		} else if off%8 == 0 {
			*addr = *addr&^0xffffffff | v&0xffffffff
		} else {
			*addr = *addr&0xffffffff | v<<32
		}
	default:
		fx.note(TargetPF, "common cfg write %s (%d bytes): ignored", spec.CommonCfgField(off), n)
	}
}

func (t *transport) selected() *queueRegs {
	if int(t.qsel) < len(t.queues) {
		return &t.queues[t.qsel]
	}
	return nil
}

func (t *transport) vectorOrNone(v uint16) uint16 {
	if int(v) < len(t.msix) {
		return v
	}
	return NoVector
}

func (p *PF) statusWrite(fx *Effects, s spec.DeviceStatus) {
	t := &p.tr
	if s == 0 {
		p.resetDevice(fx, "device_status written 0")
		return
	}
	if s&spec.StatusFeaturesOK != 0 && t.status&spec.StatusFeaturesOK == 0 {
		f := spec.Features(t.drvFeatures)
		if t.drvFeatures&^uint64(OfferedFeatures) != 0 || !f.Has(spec.FeatureVersion1) {
			fx.note(TargetPF, "FEATURES_OK refused: driver features %s", f)
			s &^= spec.StatusFeaturesOK
		}
	}
	t.status = s
	p.activateAdmin(fx)
}

// activateAdmin starts the admin queue once the driver has set DRIVER_OK,
// negotiated ADMIN_VQ and enabled the queue (Linux activates it on
// DRIVER_OK).
func (p *PF) activateAdmin(fx *Effects) {
	t := &p.tr
	q := t.queues[t.adminIndex()]
	if p.aq != nil || t.status&spec.StatusDriverOK == 0 || q.enable == 0 {
		return
	}
	if !spec.Features(t.drvFeatures).Has(spec.FeatureAdminVQ) {
		fx.note(TargetPF, "DRIVER_OK without VIRTIO_F_ADMIN_VQ: no admin queue")
		return
	}
	l := virtq.Layout{Size: q.size, Desc: q.desc, Avail: q.driver, Used: q.device}
	if q.size > t.maxSize {
		fx.note(TargetPF, "admin queue size %d above the maximum %d: not started", q.size, t.maxSize)
		p.needsReset(fx)
		return
	}
	if err := l.Validate(); err != nil {
		fx.note(TargetPF, "admin queue not started: %v", err)
		p.needsReset(fx)
		return
	}
	p.aq = adminq.NewDeviceQueue(l)
	fx.note(TargetPF, "admin queue %d started (size %d)", t.adminIndex(), q.size)
}

func (p *PF) needsReset(fx *Effects) {
	p.broken = true
	p.tr.status |= spec.StatusDeviceNeedsReset
	fx.note(TargetPF, "DEVICE_NEEDS_RESET")
	if v := p.tr.configVector; v != NoVector {
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

// sendMSIX raises vector v of the PF if MSI-X is enabled and the entry is
// unmasked; a masked entry keeps the message pending.
func (p *PF) sendMSIX(fx *Effects, v uint16) {
	if int(v) >= len(p.tr.msix) {
		return
	}
	if !p.msixOn {
		fx.note(TargetPF, "MSI-X disabled: vector %d not sent", v)
		return
	}
	e := &p.tr.msix[v]
	if e.ctrl&1 != 0 {
		e.pending = true
		return
	}
	fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: p.rid, Vector: v, Addr: e.addr, Data: e.data})
}
