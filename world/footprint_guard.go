package world

import (
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/guard"
	"github.com/migsim/migsim/world/por"
)

// The footprint guard (package guard): while a step runs, the world tells
// the guard every resource it sees the step touch, and what it looks like
// outside its events before and after the step (guardState); the guard
// panics on the first resource the step's footprint did not declare.

// beginStep arms the guard for step s.
func (w *World) beginStep(s engine.Step) {
	if w.cfg.NoFootprintCheck || w.replayed {
		return // a replayed step was checked when an earlier run judged it (replay.go)
	}
	w.guard.Begin(s)
	// A net world's links and ports are the disk's resource: the guard
	// sees what traffic changed in them (network.Activity), around a step
	// that did not declare writing them.
	w.guardState(w.guard.Before(), w.net != nil && !w.guard.MayWrite(por.ResDisk))
}

// endStep checks the state changes the step made outside events and
// disarms the guard.
func (w *World) endStep() {
	if !w.guard.On() {
		return
	}
	w.guardState(&w.guardAfter, w.guard.Before().NetChecked)
	w.guard.End(&w.guardAfter)
}

// guardState fills st with what the world looks like outside its events;
// net keeps the network's activity.
func (w *World) guardState(st *guard.State, net bool) {
	st.VM, st.Hosts, st.Blame = -1, len(w.hosts), w.blame
	if w.vm != nil {
		st.VM = w.vm.idx
	}
	st.LanesIdle = w.lanesIdle()
	st.NetChecked, st.Net = net, 0
	if net {
		st.Net = w.net.Activity()
	}
	st.Signals = w.signalled // shared: signal never changes it in place
	st.Halted = st.Halted[:0]
	for _, gu := range w.guests {
		st.Halted = append(st.Halted, gu.halted)
	}
	for _, h := range w.hosts {
		if h.idx < len(st.Failed) {
			st.Failed[h.idx] = h.failed
		}
	}
}

// signal sets the signal called name (a guest's, a peer's or the
// hypervisor's signal verb), in signals and, the first time, in signalled
// at its sorted place, in a new array: the guard's states share the old.
func (w *World) signal(name string) {
	if w.signals[name] {
		return
	}
	w.signals[name] = true
	i, _ := slices.BinarySearch(w.signalled, name)
	w.signalled = slices.Insert(slices.Clip(w.signalled), i, name)
}

// touchHV checks a step of an actor other than the hypervisor that ran
// the hypervisor's code (a vCPU's trapped FLR): it changed the
// hypervisor's state, which no resource names, so it must have declared
// writing everything.
func (w *World) touchHV() { w.guard.TouchW(por.ResAll) }

// touchW checks that the running step declared writing r.
func (w *World) touchW(r engine.Resource) { w.guard.TouchW(r) }

// touchR checks that the running step declared reading r.
func (w *World) touchR(r engine.Resource) { w.guard.TouchR(r) }

// touchFunc checks that the running step declared writing function t of
// host h, or the whole group.
func (w *World) touchFunc(h int, t owner.Target) { w.guard.TouchFunc(h, t) }

// guardBefore records the target of an event before it is delivered
// (guard.Step.BeforeEvent).
func (w *World) guardBefore(h *host, t owner.Target) { w.guard.BeforeEvent(h.idx, h.pf, t) }

// guardAfterEvent checks what an event changed against the running step's
// footprint (guard.Step.AfterEvent).
func (w *World) guardAfterEvent(h *host, t owner.Target, fx *owner.Effects) {
	w.guard.AfterEvent(w.ed, h.idx, h.name, h.pf, t, fx, w.vmVFs)
}

// guardedHostMem is the host memory of h as its PF reaches it: accesses
// are the admin queue's.
type guardedHostMem struct {
	w *World
	h *host
}

func (p guardedHostMem) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	p.w.touchW(por.ResHost(por.ClassAdminQ, p.h.idx))
	return p.h.hostMem.ReadMem(rid, addr, buf)
}

func (p guardedHostMem) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	p.w.touchW(por.ResHost(por.ClassAdminQ, p.h.idx))
	return p.h.hostMem.WriteMem(rid, addr, data)
}

// diskAccess is the disk's observer: a read needs the disk declared, a
// write needs it written.
func (w *World) diskAccess(write bool) {
	if write {
		w.touchW(por.ResDisk)
	} else {
		w.touchR(por.ResDisk)
	}
}
