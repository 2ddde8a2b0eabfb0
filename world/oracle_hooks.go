package world

import (
	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/hv"
	"github.com/migsim/migsim/world/observe"
)

// The world judges nothing itself: it runs the oracles it is given at its
// hooks (package world/observe), with what a host observed there. This
// file fills the passes.

// snapshot records, before an event, the members it could change: the
// target of a VF event; for a PF event, the member its admin step's
// command names and, after the event, the members it must show again
// (oracle_members.go), or every instantiated member of h. A context
// digest is costly, so it is captured only where an oracle may compare it
// (MemberChange.ContextChanged): around the PF's internal steps, where
// admin commands run and a failed one must leave its member as it was,
// and only for the member the step's command names (for all when its
// header cannot be read: PF.NextAdminMember). Nothing is recorded when the
// world runs no event oracle. Its cost follows what the event can change,
// not the VFs enabled nor the members built.
func (w *World) snapshot(h *host, t owner.Target, ev *member.Event) {
	out := w.changes[:0]
	defer func() { w.changes = out }()
	w.pass = passMembers{}
	if !w.oracles.Runs(observe.HookEvent) {
		return
	}
	if w.replayed {
		// Members change unseen: the next PF event's pass shows them all.
		for _, x := range w.hosts {
			x.judgeAll = true
		}
		return
	}
	adminStep := t == owner.TargetPF && ev.Kind == member.EvStep
	if t != owner.TargetPF {
		if m, ok := h.pf.Member(int(t)); ok {
			out = append(out, w.oracles.MemberChange(h.name, int(t), m, adminStep))
		}
		return
	}
	named, known := uint64(0), false
	if adminStep {
		named, known = h.pf.NextAdminMember(h.hostMem)
	}
	lazy := w.lazyPF(h, ev, adminStep, known)
	w.pass = passMembers{lazy: lazy, full: !lazy, fresh: len(h.fresh)}
	if w.pass.lazy {
		if m, ok := h.pf.Member(int(min(named, 1<<16))); adminStep && ok {
			out = append(out, w.oracles.MemberChange(h.name, int(named), m, true))
		}
		return
	}
	for vf, m := range h.pf.Members() {
		out = append(out, w.oracles.MemberChange(h.name, vf, m, adminStep && (!known || uint64(vf) == named)))
	}
}

// checkEvent runs the event oracles on one delivered event, in the order
// the world was given them.
func (w *World) checkEvent(h *host, t owner.Target, ev *member.Event, fx *owner.Effects, who string) {
	if w.replayed || !w.oracles.Runs(observe.HookEvent) {
		return
	}
	if t == owner.TargetPF && w.pass.lazy {
		w.changes = w.lateMembers(h, w.changes)
	}
	for i := range w.changes {
		w.changes[i].After = w.changes[i].Status()
	}
	irqs := w.irqs[:0]
	for _, m := range fx.Interrupts {
		vf, ok := w.vfOfRID(h, m.Source)
		if !ok {
			vf = 0
		}
		irqs = append(irqs, observe.Interrupt{Msg: m, VF: vf})
	}
	w.irqs = irqs
	p := &w.eventPass
	*p = observe.EventPass{Host: h.name, Target: t, Who: who, Event: *ev, Members: w.changes,
		DMA: w.dma, Interrupts: irqs, Completed: fx.Completed}
	w.oracles.Event(p)
	w.judged(h, t)
}

// isDoorbell reports whether ev is a memory write into the notify region of
// a member of any host.
func (w *World) isDoorbell(ev member.Event) bool {
	if ev.Kind != member.EvTLP || ev.TLP.Kind != pcie.MemWrite {
		return false
	}
	for _, h := range w.hosts {
		if addrmap.Doorbell(h.pfCfg, w.scen.VFs, ev.TLP.Addr) {
			return true
		}
	}
	return false
}

// memberState is member vf of h now, and the device (nil when absent).
func memberState(h *host, vf int) (observe.MemberState, member.Device) {
	m, ok := h.pf.Member(vf)
	if !ok {
		return observe.MemberState{}, nil
	}
	return observe.MemberState{Present: true, Status: m.Status(), ContextDigest: m.ContextDigest()}, m
}

// checkedLoad runs load, one VF's write or load at destination h on behalf
// of who, and, when it is rejected, runs the load oracles on the member as
// it was before and is after (docs/compat.md, "Decision procedure", step
// 10).
func (w *World) checkedLoad(h *host, vf int, who string, load func() error) error {
	w.loading = loadCheck{on: true, h: h, vf: vf, who: who}
	if w.oracles.Runs(observe.HookRejectedLoad) {
		c := &w.loading
		c.before, c.dev = memberState(h, vf)
		c.resetBefore, c.resets = h.truth.Resetting(vf), h.truth.Resets(vf)
	}
	return w.endLoad(load())
}

// loadCheck is the checked load in progress (checkedLoad): the member as it
// was before it. It is the world's, not the hypervisor's: a copy of the
// world made while the hypervisor is inside a load holds it, and the
// hypervisor rebuilt there ends the load with it (endLoad).
type loadCheck struct {
	on          bool
	h           *host
	vf          int
	who         string
	before      observe.MemberState
	dev         member.Device
	resetBefore bool
	resets      int
}

// endLoad ends the checked load in progress with load's result err.
func (w *World) endLoad(err error) error {
	c := w.loading
	w.loading = loadCheck{}
	if !c.on || err == nil || !c.before.Present {
		return err
	}
	h, vf := c.h, c.vf
	after, _ := memberState(h, vf)
	w.oracles.RejectedLoad(&observe.LoadPass{Who: c.who, Member: w.oracles.MemberView(h.name, vf, c.dev),
		Err: err, Before: c.before, After: after, Reset: c.resetBefore || h.truth.Resets(vf) != c.resets})
	return err
}

// flowEnd runs the flow oracles once the hypervisor's program ended with
// outcome o; flags are what it knows of each host, in creation order.
func (w *World) flowEnd(o FlowOutcome, flags []hv.HostFlags) {
	if !w.oracles.Runs(observe.HookFlowEnd) {
		return
	}
	p := &observe.FlowPass{Flow: o, Reference: w.cfg.Reference}
	if w.vm != nil {
		p.VMHost = w.vm.name
	}
	for i, h := range w.hosts {
		f := flags[i]
		p.Hosts = append(p.Hosts, observe.HostState{Name: h.name, Failed: h.failed, VFsGone: f.VFsGone,
			Touched: f.Touched, Received: f.Received})
	}
	w.oracles.FlowEnd(p)
}

// checkFinish runs the finish oracles.
func (w *World) checkFinish() {
	if !w.oracles.Runs(observe.HookFinish) {
		return
	}
	p := &observe.FinishPass{ReferenceLog: w.cfg.ReferenceLog, Blame: w.blame}
	if w.hv != nil {
		f := w.hv.Outcome()
		p.Flow = &f
	}
	for _, g := range w.guests {
		p.Guests = append(p.Guests, g.name)
	}
	w.oracles.Finish(p)
}

// received runs the received oracles on one completion the host read of
// member vf: what it knew before, the read it completes (if any).
func (w *World) received(h *host, vf int, c adminq.Completion, before OwnerView, read *ContextRead) {
	if !w.oracles.Runs(observe.HookReceived) || w.cfg.Reference {
		return
	}
	var dev member.Device
	if m, ok := h.pf.Member(vf); ok {
		dev = m
	}
	p := &w.recvPass
	*p = observe.ReceivedPass{Who: "hv", Member: w.oracles.MemberView(h.name, vf, dev),
		Opcode: c.Command.Opcode, Data: c.Command.Data, Status: c.Result.Status, Qualifier: c.Result.Qualifier,
		Result: c.Result.Data, Before: before, After: w.ownerView(h, vf), Read: read}
	if w.hv != nil {
		p.Who = w.hvActor.name
	}
	if w.ed == spec.Draft2023 && spec.DraftOpcode(c.Command.Opcode) == spec.DraftOpDevModeGet && c.Result.Status == spec.StatusOK {
		p.ModeGet, p.Mode = true, spec.Mode(adminq.DecodeDraftMode(c.Result.Data).Mode)
	}
	w.oracles.Received(p)
}
