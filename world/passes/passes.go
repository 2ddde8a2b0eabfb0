// Package passes fills the passes the world's oracles judge at its hooks
// (package world/observe): the members an event may change, captured
// before it and read back after it, the interrupts it raised, a rejected
// load's member before and after, a completion the host read. It runs the
// oracles of an observe.Set on them and keeps, per host, which members a
// later PF event's pass must show again. The world calls it where it
// observes (its bus, its hypervisor's loads, its hosts' records) and hands
// it each host as a Host; it judges nothing itself.
package passes

import (
	"errors"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/ownerview"
)

// Host is one host as the passes name and read it: what does not change
// in the host's life, so the world keeps one per host.
type Host struct {
	// Idx is the host's index in the world (creation order).
	Idx  int
	Name string
	PF   *owner.PF
	// Cfg is the PF's configuration space (where its VFs' requester IDs
	// are).
	Cfg   *pcie.ConfigSpace
	Truth *ownerview.Record
}

// Feeder fills the passes of one world and runs its oracles on them. It is
// plain data: a copy of the world copies it.
type Feeder struct {
	// Set is the world's oracles by hook.
	Set observe.Set
	// memberwise is set when each event oracle judges each member on its
	// own (observe.MemberwiseOracle).
	memberwise bool
	// changes, irqs and eventPass are the reused buffers of the event
	// hook; pass says which members a PF event's pass holds (members.go).
	changes   []observe.MemberChange
	pass      passMembers
	irqs      []observe.Interrupt
	eventPass observe.EventPass
	// recvPass is the reused pass of the received hook.
	recvPass observe.ReceivedPass
	// hosts is what each host's PF events' passes owe (members.go), for
	// the n hosts added (a world has at most MaxHosts).
	hosts [MaxHosts]hostDue
	n     int
	// load is the checked load in progress (BeginLoad).
	load loadCheck
}

// New returns a feeder of the oracles of set.
func New(set observe.Set) Feeder {
	return Feeder{Set: set, memberwise: set.EventsMemberwise()}
}

// MaxHosts is the most hosts a world has.
const MaxHosts = 4

// AddHost adds the next host; the world adds at most MaxHosts.
func (f *Feeder) AddHost() { f.n++ }

// Built records that host h built member vf.
func (f *Feeder) Built(h, vf int) { f.hosts[h].fresh = append(f.hosts[h].fresh, vf) }

// Snapshot records, before event ev to function t of host h, the members
// it could change: the target of a VF event; for a PF event, the member
// its admin step's command names and, after the event, the members it
// must show again (members.go), or every instantiated member of h. A
// context digest is costly, so it is captured only where an oracle may
// compare it (MemberChange.ContextChanged): around the PF's internal
// steps, where admin commands run and a failed one must leave its member
// as it was, and only for the member the step's command names (for all
// when its header cannot be read: PF.NextAdminMember). Nothing is
// recorded when the world runs no event oracle. Its cost follows what the
// event can change, not the VFs enabled nor the members built. mem is the
// host memory holding the PF's admin queue. replayed
// is set when the event's checks are left out (the next PF event's pass
// then shows every member); impure once a member built is not
// member.Pure.
func (f *Feeder) Snapshot(h *Host, mem *virtq.GuestMemory, t owner.Target, ev *member.Event, replayed, impure bool) {
	out := f.changes[:0]
	defer func() { f.changes = out }()
	f.pass = passMembers{}
	if !f.Set.Runs(observe.HookEvent) {
		return
	}
	if replayed {
		// Members change unseen: the next PF event's pass shows them all.
		for i := range f.n {
			f.hosts[i].judgeAll = true
		}
		return
	}
	adminStep := t == owner.TargetPF && ev.Kind == member.EvStep
	if t != owner.TargetPF {
		if m, ok := h.PF.Member(int(t)); ok {
			out = append(out, f.Set.MemberChange(h.Name, int(t), m, adminStep))
		}
		return
	}
	named, known := uint64(0), false
	if adminStep {
		named, known = h.PF.NextAdminMember(mem)
	}
	lazy := f.lazyPF(h, ev, adminStep, known, impure)
	f.pass = passMembers{lazy: lazy, full: !lazy, fresh: len(f.hosts[h.Idx].fresh)}
	if f.pass.lazy {
		if m, ok := h.PF.Member(int(min(named, 1<<16))); adminStep && ok {
			out = append(out, f.Set.MemberChange(h.Name, int(named), m, true))
		}
		return
	}
	for vf, m := range h.PF.Members() {
		out = append(out, f.Set.MemberChange(h.Name, vf, m, adminStep && (!known || uint64(vf) == named)))
	}
}

// Event runs the event oracles, in the order the world was given them, on
// one event delivered to function t of host h by who, with what it caused:
// fx, and dma, the guest-memory accesses of its members. The world calls
// it unless the event's checks are left out, and Judged after it.
func (f *Feeder) Event(h *Host, t owner.Target, ev *member.Event, fx *owner.Effects, who string, dma []observe.DMAAccess) {
	if t == owner.TargetPF && f.pass.lazy {
		f.changes = f.lateMembers(h, f.changes)
	}
	for i := range f.changes {
		f.changes[i].After = f.changes[i].Status()
	}
	irqs := f.irqs[:0]
	for _, m := range fx.Interrupts {
		irq := observe.Interrupt{Msg: m}
		if vf, ok := addrmap.VFOfRID(h.Cfg, h.PF.RID(), m.Source); ok {
			irq.VF, irq.Target = vf, h.Truth.MSIXTargetOf(vf, m.Addr, m.Data)
		}
		irqs = append(irqs, irq)
	}
	f.irqs = irqs
	p := &f.eventPass
	p.Start(h.Name, t, who, ev, f.changes, dma, irqs, fx.Completed)
	f.Set.Event(p)
}

// memberState is member vf of h now, and the device (nil when absent).
func memberState(h *Host, vf int) (observe.MemberState, member.Device) {
	m, ok := h.PF.Member(vf)
	if !ok {
		return observe.MemberState{}, nil
	}
	return observe.MemberState{Present: true, Status: m.Status(), ContextDigest: m.ContextDigest()}, m
}

// loadCheck is the checked load in progress (BeginLoad): the member as it
// was before it. It is the world's, not the hypervisor's: a copy of the
// world made while the hypervisor is inside a load holds it, and the
// hypervisor rebuilt there ends the load with it (EndLoad).
type loadCheck struct {
	on          bool
	h           Host
	vf          int
	who         string
	before      observe.MemberState
	dev         member.Device
	resetBefore bool
	resets      int
	// running, frozen: the host's record of the member at the load's
	// start; written, notified: a write TLP, a driver notification reached
	// the member during the load (LoadTLP).
	running, frozen, written, notified bool
}

// BeginLoad starts a checked load: one VF's write or load at destination
// h on behalf of who. When the load oracles run, it records the member as
// it is before it (docs/compat.md, "Decision procedure", step 10).
func (f *Feeder) BeginLoad(h *Host, vf int, who string) {
	f.load = loadCheck{on: true, h: Host{Idx: h.Idx, Name: h.Name, PF: h.PF, Truth: h.Truth}, vf: vf, who: who}
	if f.Set.Runs(observe.HookRejectedLoad) {
		c := &f.load
		c.before, c.dev = memberState(h, vf)
		c.resetBefore, c.resets = h.Truth.Resetting(vf), h.Truth.Resets(vf)
		v := h.Truth.View(vf, c.before.Present)
		c.running, c.frozen = !v.Stopped(), v.Frozen()
	}
}

// LoadTLP records a write TLP (notify: to the notification region) that
// reached member vf of the host of index host, for the checked load in
// progress when it is that member's: a member may change on it by itself
// (LoadPass.Written).
func (f *Feeder) LoadTLP(host, vf int, notify bool) {
	if c := &f.load; c.on && c.h.Idx == host && c.vf == vf {
		c.written = true
		c.notified = c.notified || notify
	}
}

// EndLoad ends the checked load in progress with the load's result err
// and returns err: when it is rejected, it runs the load oracles on the
// member as it was before and is after. A load the owner device's reset
// ended (owner.ErrOwnerReset: a PF FLR, which resets every VF and removes
// the SR-IOV group) counts as a reset of the member, as an FLR of it does.
func (f *Feeder) EndLoad(err error) error {
	c := f.load
	f.load = loadCheck{}
	if !c.on || err == nil || !c.before.Present {
		return err
	}
	h, vf := &c.h, c.vf
	after, _ := memberState(h, vf)
	v := h.Truth.View(vf, after.Present)
	f.Set.RejectedLoad(&observe.LoadPass{Who: c.who, Member: f.Set.MemberView(h.Name, vf, c.dev),
		Err: err, Before: c.before, After: after,
		Reset:   c.resetBefore || h.Truth.Resets(vf) != c.resets || errors.Is(err, owner.ErrOwnerReset),
		Running: c.running || !v.Stopped(), Frozen: c.frozen && v.Frozen(),
		Written: c.written, Notified: c.notified})
	return err
}

// Received runs the received oracles on one completion c the host h read
// of member vf, by who: what the host knew before and knows after, the
// read it completes (if any). The world calls it when the received
// oracles run.
func (f *Feeder) Received(h *Host, vf int, c adminq.Completion, ed spec.Edition, who string, before, after ownerview.OwnerView, read *ownerview.ContextRead) {
	var dev member.Device
	if m, ok := h.PF.Member(vf); ok {
		dev = m
	}
	p := &f.recvPass
	*p = observe.ReceivedPass{Who: who, Member: f.Set.MemberView(h.Name, vf, dev),
		Opcode: c.Command.Opcode, Data: c.Command.Data, Status: c.Result.Status, Qualifier: c.Result.Qualifier,
		Result: c.Result.Data, Before: before, After: after, Read: read}
	if ed == spec.Draft2023 && spec.DraftOpcode(c.Command.Opcode) == spec.DraftOpDevModeGet && c.Result.Status == spec.StatusOK {
		p.ModeGet, p.Mode = true, spec.Mode(adminq.DecodeDraftMode(c.Result.Data).Mode)
	}
	f.Set.Received(p)
}
