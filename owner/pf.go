package owner

import (
	"fmt"
	"iter"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// ConfigSpace is the PF's PCI configuration space as the owner uses it.
// *pcie.ConfigSpace built with pcie.NewPFConfig implements it.
type ConfigSpace interface {
	Read(off, size int) (uint32, error)
	Write(off, size int, val uint32) (pcie.WriteEffect, error)
	Reset() pcie.WriteEffect
	SRIOV() (pcie.SRIOVState, bool)
	// EnabledVFs is SRIOV().EnabledVFs(), asked at every member event.
	EnabledVFs() int
	RID() pcie.RID
	BAR0() uint64
}

// MemberFactory builds the member device of VF vf (1-based) with routing ID
// rid and BAR0 at bar0. The PF calls it the first time an event addresses
// the VF, never when VFs are enabled.
type MemberFactory func(vf int, rid pcie.RID, bar0 uint64) member.Device

// Defaults of Config.
const (
	DefaultAdminQueueSize = 64
	DefaultMSIXVectors    = 2
	DefaultPartsLimit     = 32
)

// Config builds a PF.
type Config struct {
	Edition spec.Edition
	// Config is the PF's configuration space, with an SR-IOV capability
	// when the PF owns VFs (pcie.NewPFConfig).
	Config ConfigSpace
	// Mem is host memory as the PF reaches it by DMA (its admin queue).
	Mem pcie.MemoryPort
	// NewMember builds a member on first use.
	NewMember MemberFactory
	// NumQueues is the number of the PF's own (non-admin) queues; the admin
	// queue follows them (admin_queue_index = NumQueues, PCI-DEV-01). The
	// PF's own queues accept setup but do no work.
	NumQueues uint16
	// AdminQueueSize is the largest admin queue size (default 64).
	AdminQueueSize uint16
	// MSIXVectors is the size of the PF's MSI-X table (default 2).
	MSIXVectors int
	// GetLimit and SetLimit are the device's VIRTIO_DEV_PARTS_CAP limits
	// (default 32 each; virtio-1.4 only).
	GetLimit, SetLimit uint8
	// ListBeforeVFEnable says whether LIST_QUERY and LIST_USE of the SR-IOV
	// group are answered while VF Enable = 0 (the list-before-vf-enable
	// knob; zero is its default, answer): Linux runs them at the PF's
	// DRIVER_OK, before any VF exists, while ADM-DEV-10 wants INVALID_GROUP
	// there (docs/owner.md, "Admin initialisation").
	ListBeforeVFEnable spec.ListBeforeVFEnable
	// Quiet: the PF formats no notes (Effects.Notes stays empty but for
	// its members'). Notes are for traces; a run whose trace nobody reads
	// need not pay for them.
	Quiet bool
	// ReuseEffects: the slices of the effects Handle returns reuse the
	// arrays of the previous event's, which the caller no longer reads
	// once it hands the PF its next event (the world reads an event's
	// effects before the next). Without it every event's are its own.
	ReuseEffects bool
}

// PF is the owner device: a virtio device whose admin virtqueue manages the
// SR-IOV group of its VFs. Like a member it is a pure state machine: Handle
// takes one event and returns the effects of the PF and of the member the
// event reached. It starts no goroutine and reads no clock; it is not safe
// for concurrent use.
type PF struct {
	cfg Config
	cs  ConfigSpace
	rid pcie.RID
	tr  transport

	aq         *adminq.DeviceQueue
	stepQueued bool
	broken     bool
	flr        bool
	msixOn     bool

	admin   adminState
	members memberTable
	// forwarded maps an admin request tag to the queue entry it answers.
	forwarded map[uint64]forward
	nextTag   uint64
	// spare holds the arrays of the last event's effects (ReuseEffects).
	spare effectArrays
}

// effectArrays are the arrays of an event's effects a PF keeps for the
// next (Config.ReuseEffects): those most events append to. Not state:
// their lengths are always zero, and a state hash leaves them out.
type effectArrays struct {
	irqs      []pcie.MSIXMessage
	steps     []TargetStep
	completed []AdminOutcome
}

// forward is an admin command handed to a member whose completion is due.
type forward struct {
	vf    uint16
	entry *adminq.Entry
	// obj is the resource object the command uses, if any.
	obj    uint32
	hasObj bool
}

// SetMemberFactory replaces the factory of the members the PF has yet to
// build (Config.NewMember): a copy of the world the PF lives in binds its
// copy of the PF to itself.
func (p *PF) SetMemberFactory(f MemberFactory) { p.cfg.NewMember = f }

// New builds a PF in its power-on state. Nothing is allocated per VF:
// members are built on first use (memberTable).
func New(c Config) (*PF, error) {
	if c.Edition != spec.Draft2023 && c.Edition != spec.Virtio14 {
		return nil, fmt.Errorf("owner: edition %s: want draft-2023 or virtio-1.4", c.Edition)
	}
	if c.Config == nil || c.Mem == nil || c.NewMember == nil {
		return nil, fmt.Errorf("owner: config space, host memory and member factory are required")
	}
	if c.AdminQueueSize == 0 {
		c.AdminQueueSize = DefaultAdminQueueSize
	}
	if c.AdminQueueSize&(c.AdminQueueSize-1) != 0 {
		return nil, fmt.Errorf("owner: admin queue size %d: want a power of two", c.AdminQueueSize)
	}
	if c.MSIXVectors == 0 {
		c.MSIXVectors = DefaultMSIXVectors
	}
	if c.GetLimit == 0 && c.SetLimit == 0 {
		c.GetLimit, c.SetLimit = DefaultPartsLimit, DefaultPartsLimit
	}
	if c.NumQueues == 0xffff {
		return nil, fmt.Errorf("owner: %d queues leave no room for the admin queue (PCI-DEV-01)", c.NumQueues)
	}
	p := &PF{cfg: c, cs: c.Config, rid: c.Config.RID()}
	p.tr = newTransport(c)
	p.admin = newAdminState()
	return p, nil
}

// RID is the PF's routing ID.
func (p *PF) RID() pcie.RID { return p.rid }

// Edition is the PF's edition.
func (p *PF) Edition() spec.Edition { return p.cfg.Edition }

// AdminQueueIndex is admin_queue_index: the admin queue follows the PF's own
// queues.
func (p *PF) AdminQueueIndex() uint16 { return p.cfg.NumQueues }

// sriov returns the SR-IOV state; ok is false without the capability.
func (p *PF) sriov() (pcie.SRIOVState, bool) { return p.cs.SRIOV() }

// NumVFs is the number of VFs that exist now (0 unless VF Enable = 1).
func (p *PF) NumVFs() int { return p.cs.EnabledVFs() }

// Member returns VF n's member device if it was created; it never creates
// one.
func (p *PF) Member(vf int) (member.Device, bool) {
	if vf < 1 || vf > 0xffff {
		return nil, false
	}
	m := p.members.get(uint16(vf))
	return m, m != nil
}

// Forwarded reports whether an admin command the PF forwarded to member
// vf has not completed yet: the member may answer it from any of its
// events. It is the owner's own record, not the member's report.
func (p *PF) Forwarded(vf int) bool {
	for _, f := range p.forwarded {
		if int(f.vf) == vf {
			return true
		}
	}
	return false
}

// Members yields the members built so far (never building one), in VF
// order. Its cost is that of the members built, not of the VFs enabled.
func (p *PF) Members() iter.Seq2[int, member.Device] { return p.members.all() }

// MemberCount is the number of members built.
func (p *PF) MemberCount() int { return p.members.len() }

// WatchMembers starts noting the members the PF hands an event (Reached):
// a member changes only when it handles an event (member.Device), and the
// PF hands one an event only here (deliver), so the footprint guard of a
// PF event compares those members' modes before and after it instead of
// every member's, whose cost would follow the VFs of the host.
func (p *PF) WatchMembers() {
	t := &p.members
	t.watch, t.reached, t.cleared = true, t.reached[:0], false
}

// Reached stops WatchMembers and returns the members the PF handed an
// event since, in the order it first did, each with its mode before, and
// whether every member was dropped (the SR-IOV group removed). The slice
// is reused by the next WatchMembers.
func (p *PF) Reached() ([]ReachedMember, bool) {
	t := &p.members
	t.watch = false
	return t.reached, t.cleared
}

// Touched returns the members the PF handed an event since the last call
// (a member may be listed twice), and all set when the members were
// dropped since or too many were reached to list: then any member may
// have changed. A member changes only when it handles an event, and the
// PF hands one an event only in deliver (WatchMembers), so a hash kept of
// any other member still holds. The slice is reused by the next event.
func (p *PF) Touched() (vfs []uint16, all bool) {
	t := &p.members
	vfs, all = t.touched, t.touchedAll
	t.touched, t.touchedAll = t.touched[:0], false
	return vfs, all
}

// memberFor returns VF n's member, creating it on first use; ok is false
// when VF n does not exist.
func (p *PF) memberFor(vf uint16) (member.Device, bool) {
	if vf == 0 || int(vf) > p.NumVFs() {
		return nil, false
	}
	if m := p.members.get(vf); m != nil {
		return m, true
	}
	s, _ := p.sriov()
	m := p.cfg.NewMember(int(vf), s.VFRID(p.rid, int(vf)), s.VFBAR0Addr(int(vf)))
	p.members.put(vf, m)
	return m, true
}

// Handle applies one event and returns the effects of the PF and of the
// member it reached. Admin completions a member returns (a held reply
// finishing inside a member event included) are written to the admin queue
// by the PF and published in queue order; they do not appear in Effects.
func (p *PF) Handle(ev Event) Effects {
	fx := Effects{quiet: p.cfg.Quiet}
	a := &p.spare
	if p.cfg.ReuseEffects {
		fx.Interrupts, fx.Steps, fx.Completed = a.irqs, a.steps, a.completed
	}
	if ev.Target == TargetPF {
		p.handlePF(&fx, ev.Ev)
	} else {
		p.handleMember(&fx, uint16(ev.Target), ev.Ev)
	}
	p.publish(&fx)
	if p.cfg.ReuseEffects && (cap(fx.Interrupts) != cap(a.irqs) || cap(fx.Steps) != cap(a.steps) || cap(fx.Completed) != cap(a.completed)) {
		*a = effectArrays{fx.Interrupts[:0], fx.Steps[:0], fx.Completed[:0]} // an array grew
	}
	return fx
}

func (p *PF) handleMember(fx *Effects, vf uint16, ev member.Event) {
	t := Target(vf)
	m, ok := p.memberFor(vf)
	if !ok {
		fx.note(t, "%s to a VF that does not exist: dropped", ev.Kind)
		if ev.Kind == member.EvTLP && (ev.TLP.Kind == pcie.CfgRead || ev.TLP.Kind == pcie.MemRead) {
			fx.ReadData = allOnes(ev.TLP.Len)
		}
		return
	}
	if ev.Kind == member.EvAdmin {
		fx.note(t, "admin requests reach a member only through the admin queue: dropped")
		return
	}
	p.deliver(fx, vf, m, ev)
}

// deliver hands ev to member vf and takes its admin completions.
func (p *PF) deliver(fx *Effects, vf uint16, m member.Device, ev member.Event) {
	p.members.note(vf, m)
	mfx := m.Handle(ev)
	fx.merge(Target(vf), mfx)
	for _, c := range mfx.Completions {
		p.memberCompleted(fx, vf, c)
	}
}

func (p *PF) handlePF(fx *Effects, ev member.Event) {
	switch ev.Kind {
	case member.EvTLP:
		p.handleTLP(fx, ev.TLP)
	case member.EvStep:
		if ev.Step.Kind != member.StepAdmin {
			fx.note(TargetPF, "step %s: the PF has no such step", ev.Step)
			return
		}
		p.stepAdmin(fx)
	case member.EvTimer:
		if ev.Timer != member.TimerFLR || !p.flr {
			fx.note(TargetPF, "timer %s: nothing pending", ev.Timer)
			return
		}
		p.flr = false
		fx.note(TargetPF, "FLR complete")
	default:
		fx.note(TargetPF, "%s event: the PF takes tlp, step and timer events", ev.Kind)
	}
}

func allOnes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 0xff
	}
	return b
}
