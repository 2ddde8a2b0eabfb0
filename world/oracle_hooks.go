package world

import (
	"cmp"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/hv"
	"github.com/migsim/migsim/world/observe"
)

// The world judges nothing itself: it runs the oracles it is given at its
// hooks (package world/observe), with what a host observed there. Package
// world/passes fills the passes; this file hands it each host
// (host.feed) where the world observes.

// snapshot records, before an event to function t of h, the members it
// could change (passes.Feeder.Snapshot).
func (w *World) snapshot(h *host, t owner.Target, ev *member.Event) {
	w.feed.Snapshot(&h.feed, h.hostMem, t, ev, w.replayed, w.impure)
}

// checkEvent runs the event oracles on one delivered event, in the order
// the world was given them, unless its checks are left out (replay.go).
func (w *World) checkEvent(h *host, t owner.Target, ev *member.Event, fx *owner.Effects, who string) {
	if w.replayed || !w.feed.Set.Runs(observe.HookEvent) {
		return
	}
	w.feed.Event(&h.feed, t, ev, fx, who, w.dma)
	w.feed.Judged(&h.feed, t, w.finding != nil)
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

// checkedLoad runs load, one VF's write or load at destination h on behalf
// of who, and, when it is rejected, runs the load oracles on the member as
// it was before and is after (passes.Feeder.BeginLoad; docs/compat.md,
// "Decision procedure", step 10). The load in progress is the world's: a
// copy of the world made while the hypervisor is inside a load holds it,
// and the hypervisor rebuilt there ends the load with it (endLoad).
func (w *World) checkedLoad(h *host, vf int, who string, load func() error) error {
	w.feed.BeginLoad(&h.feed, vf, who)
	return w.endLoad(load())
}

// endLoad ends the checked load in progress with load's result err.
func (w *World) endLoad(err error) error { return w.feed.EndLoad(err) }

// flowEnd runs the flow oracles once the hypervisor's program ended with
// outcome o; flags are what it knows of each host, in creation order.
func (w *World) flowEnd(o FlowOutcome, flags []hv.HostFlags) {
	if !w.cfg.Reference && w.vm != nil && !w.vm.failed {
		w.flowNotes.Left(w.ed, w.vm.name, w.vmVFViews(w.vm))
	}
	if !w.feed.Set.Runs(observe.HookFlowEnd) {
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
	w.feed.Set.FlowEnd(p)
}

// checkFinish runs the finish oracles.
func (w *World) checkFinish() {
	if !w.feed.Set.Runs(observe.HookFinish) {
		return
	}
	p := &observe.FinishPass{ReferenceLog: w.cfg.ReferenceLog, Blame: cmp.Or(w.blame, w.flowNotes.Blame()), Halted: w.vcpusHalted(), Stranded: w.stranded(), WithoutMigration: w.cfg.Reference}
	if w.hv != nil {
		f := w.hv.Outcome()
		p.Flow = &f
	}
	for _, g := range w.guests {
		p.Guests = append(p.Guests, g.name)
		if !w.inVM(g.vf) {
			p.OtherVMGuests = append(p.OtherVMGuests, g.name)
		}
	}
	w.feed.Set.Finish(p)
}

// received runs the received oracles on one completion the host read of
// member vf: what it knew before, the read it completes (if any).
func (w *World) received(h *host, vf int, c adminq.Completion, before OwnerView, read *ContextRead) {
	if !w.feed.Set.Runs(observe.HookReceived) || w.cfg.Reference {
		return
	}
	who := "hv"
	if w.hv != nil {
		who = w.hvActor.name
	}
	w.feed.Received(&h.feed, vf, c, w.ed, who, before, w.ownerView(h, vf), read)
}
