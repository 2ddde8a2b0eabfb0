package world

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/hv"
)

// snapshot records, before an event, the members it could change: every
// instantiated member of h for a PF event, else the target. A context
// digest is costly, so it is captured only where an oracle may compare it
// (MemberChange.ContextChanged): around the PF's internal steps, where admin
// commands run and a failed one must leave its member as it was. Nothing
// is recorded when the world runs no event oracle. Its cost follows the
// members built, not the VFs enabled.
func (w *World) snapshot(h *host, t owner.Target, ev member.Event) {
	out := w.changes[:0]
	defer func() { w.changes = out }()
	if len(w.oracles.event) == 0 {
		return
	}
	adminStep := t == owner.TargetPF && ev.Kind == member.EvStep
	add := func(vf int, m member.Device) {
		c := MemberChange{MemberView: MemberView{Host: h.name, VF: vf, dev: m, w: w, h: h}, Before: m.Status()}
		if adminStep {
			c.before, c.captured = m.ContextDigest(), true
		}
		out = append(out, c)
	}
	if t != owner.TargetPF {
		if m, ok := h.pf.Member(int(t)); ok {
			add(int(t), m)
		}
		return
	}
	for vf, m := range h.pf.Members() {
		add(vf, m)
	}
}

// checkEvent runs the event oracles on one delivered event, in the order
// the world was given them.
func (w *World) checkEvent(h *host, t owner.Target, ev member.Event, fx owner.Effects, who string) {
	if len(w.oracles.event) == 0 {
		return
	}
	for i := range w.changes {
		w.changes[i].After = w.changes[i].dev.Status()
	}
	irqs := w.irqs[:0]
	for _, m := range fx.Interrupts {
		vf, ok := w.vfOfRID(h, m.Source)
		if !ok {
			vf = 0
		}
		irqs = append(irqs, Interrupt{Msg: m, VF: vf})
	}
	w.irqs = irqs
	p := &w.eventPass
	*p = EventPass{Pass: Pass{w: w}, Host: h.name, Target: t, Who: who, Event: ev, Members: w.changes,
		DMA: w.dma, Interrupts: irqs, Completed: fx.Completed, Notes: fx.Notes}
	for _, o := range w.oracles.event {
		p.info = o.info
		o.o.CheckEvent(p)
	}
}

// isDoorbell reports whether ev is a memory write into the notify region of
// a member of any host.
func (w *World) isDoorbell(ev member.Event) bool {
	if ev.Kind != member.EvTLP || ev.TLP.Kind != pcie.MemWrite {
		return false
	}
	for _, h := range w.hosts {
		s, ok := h.pfCfg.SRIOV()
		if !ok || ev.TLP.Addr < s.VFBAR0 {
			continue
		}
		vf := (ev.TLP.Addr-s.VFBAR0)/pcie.BAR0Size + 1
		if off := (ev.TLP.Addr - s.VFBAR0) % pcie.BAR0Size; vf <= uint64(w.scen.VFs) && off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen {
			return true
		}
	}
	return false
}

// memberState is member vf of h now, and the device (nil when absent).
func memberState(h *host, vf int) (MemberState, member.Device) {
	m, ok := h.pf.Member(vf)
	if !ok {
		return MemberState{}, nil
	}
	return MemberState{Present: true, Status: m.Status(), ContextDigest: m.ContextDigest()}, m
}

// checkedLoad runs load, one VF's write or load at destination h on behalf
// of who, and, when it is rejected, runs the load oracles on the member as
// it was before and is after (docs/compat.md, "Decision procedure", step
// 10).
func (w *World) checkedLoad(h *host, vf int, who string, load func() error) error {
	var before MemberState
	var dev member.Device
	if len(w.oracles.load) > 0 {
		before, dev = memberState(h, vf)
	}
	err := load()
	if err == nil || !before.Present {
		return err
	}
	after, _ := memberState(h, vf)
	p := &LoadPass{Pass: Pass{w: w}, Who: who, Member: MemberView{Host: h.name, VF: vf, dev: dev, w: w, h: h},
		Err: err, Before: before, After: after}
	for _, o := range w.oracles.load {
		p.info = o.info
		o.o.CheckRejectedLoad(p)
	}
	return err
}

// flowEnd runs the flow oracles once the hypervisor's program ended with
// outcome o; flags are what it knows of each host, in creation order.
func (w *World) flowEnd(o FlowOutcome, flags []hv.HostFlags) {
	if len(w.oracles.flow) == 0 {
		return
	}
	p := &FlowPass{Pass: Pass{w: w}, Flow: o, Reference: w.cfg.Reference}
	if w.vm != nil {
		p.VMHost = w.vm.name
	}
	for i, h := range w.hosts {
		f := flags[i]
		p.Hosts = append(p.Hosts, HostState{Name: h.name, Failed: h.failed, VFsGone: f.VFsGone,
			Touched: f.Touched, Received: f.Received})
	}
	for _, o := range w.oracles.flow {
		p.info = o.info
		o.o.CheckFlowEnd(p)
	}
}

// checkFinish runs the finish oracles.
func (w *World) checkFinish() {
	if len(w.oracles.finish) == 0 {
		return
	}
	p := &FinishPass{Pass: Pass{w: w}, ReferenceLog: w.cfg.ReferenceLog, Blame: w.blame}
	if w.hv != nil {
		f := w.hv.Outcome()
		p.Flow = &f
	}
	for _, g := range w.guests {
		p.Guests = append(p.Guests, g.name)
	}
	for _, o := range w.oracles.finish {
		p.info = o.info
		o.o.CheckFinish(p)
	}
}

// reqs keeps the requirement IDs that apply to the world's edition.
func (w *World) reqs(ids ...string) []string {
	var out []string
	for _, id := range ids {
		if r, ok := spec.LookupRequirement(id); ok && r.AppliesTo(w.ed) {
			out = append(out, id)
		}
	}
	return out
}
