package world

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// The footprint guard: partial-order reduction trusts a step's footprint,
// and an understated one silently drops interleavings. So while a step runs
// the world checks everything it can see the step touch — the function an
// event reaches, a member's mode, guest memory, the PF's host memory, the
// disk (a net world's network), interrupts for a guest, pending events and
// timers, the VM's host, halted vCPUs, failed hosts, signals, the blame,
// the host's record of its members, a write put in flight on the bus, the
// hypervisor's code run on another actor — against the declared
// footprint, and panics (a "panic" finding naming the step and the
// resource) on the first resource it did not declare.

// stepGuard is the state of the guard during one step.
type stepGuard struct {
	on    bool
	fp    engine.Footprint
	label string
	// Before the step: the VM's host, the number of signals and hosts,
	// the blame, the halted vCPUs and the failed hosts.
	vm           *host
	signals      []string
	hosts        int
	blame        string
	halted       []bool
	failed       [4]bool
	memberBefore memberGuard
	// lanesIdle: no write was in flight on the bus before the step.
	lanesIdle bool
	// net is the network's activity (network.Activity) before a step that
	// did not declare writing it (netChecked).
	net        uint64
	netChecked bool
}

// memberGuard is what an event's target looked like before the event.
type memberGuard struct {
	built bool
	mode  spec.Mode
	// vfs and modes are the PF's members around a PF event that may not
	// touch them.
	numVFs int
	modes  []spec.Mode
}

// beginStep arms the guard for step s.
func (w *World) beginStep(s engine.Step) {
	g := &w.guard
	if w.cfg.NoFootprintCheck || w.replayed {
		return // a replayed step was checked when an earlier run judged it (replay.go)
	}
	g.on, g.fp, g.label = true, s.Footprint, s.Label
	g.vm, g.hosts, g.blame = w.vm, len(w.hosts), w.blame
	g.lanesIdle = w.lanesIdle()
	// A net world's links and ports are the disk's resource: the guard
	// sees what traffic changed in them (network.Activity), around a step
	// that did not declare writing them.
	g.netChecked = w.net != nil && !w.mayWrite(por.ResDisk)
	if g.netChecked {
		g.net = w.net.Activity()
	}
	g.signals = g.signals[:0]
	for name, set := range w.signals {
		if set {
			g.signals = append(g.signals, name)
		}
	}
	g.halted = g.halted[:0]
	for _, gu := range w.guests {
		g.halted = append(g.halted, gu.halted)
	}
	for _, h := range w.hosts {
		g.failed[h.idx] = h.failed
	}
}

// endStep checks the state changes the step made outside events and
// disarms the guard.
func (w *World) endStep() {
	g := &w.guard
	if !g.on {
		return
	}
	if w.vm != g.vm {
		w.touchW(por.ResVM)
	}
	if len(w.hosts) != g.hosts {
		w.touchW(por.ResHosts)
	}
	if g.netChecked && w.net.Activity() != g.net {
		w.touchW(por.ResDisk)
	}
	if g.lanesIdle && !w.lanesIdle() {
		// A write put in flight may reach any function ahead of any later
		// request (bus_posted.go).
		w.touchW(por.ResAll)
	}
	if w.blame != g.blame {
		w.touchW(por.ResBlame)
	}
	for i, gu := range w.guests {
		if i < len(g.halted) && gu.halted != g.halted[i] {
			w.touchW(por.ResGuest(por.ClassHalt, i))
		}
	}
	for _, h := range w.hosts {
		if h.idx < g.hosts && h.failed != g.failed[h.idx] {
			w.touchW(por.ResHost(por.ClassFailed, h.idx))
		}
	}
	for name, set := range w.signals {
		if set && !slices.Contains(g.signals, name) {
			w.touchW(por.ResSignal(name))
		}
	}
	g.on = false
}

// touchHV checks a step of an actor other than the hypervisor that ran
// the hypervisor's code (a vCPU's trapped FLR): it changed the
// hypervisor's state, which no resource names, so it must have declared
// writing everything.
func (w *World) touchHV() {
	if w.guard.on && !w.mayWrite(por.ResAll) {
		w.understated("write", por.ResAll)
	}
}

// mayWrite reports whether the running step declared writing r. A host
// the step created is its own: nothing else could have touched it.
func (w *World) mayWrite(r engine.Resource) bool {
	ws := w.guard.fp.Writes()
	return por.HasResource(ws, r) || por.HasResource(ws, por.ResAll) || w.newHost(r)
}

// newHost reports whether r belongs to a host created by the running step.
func (w *World) newHost(r engine.Resource) bool {
	h, ok := por.HostOf(r)
	return ok && h >= w.guard.hosts
}

// mayRead reports whether the running step declared reading or writing r.
func (w *World) mayRead(r engine.Resource) bool {
	return w.mayWrite(r) || por.HasResource(w.guard.fp.Reads(), r)
}

// touchW checks that the running step declared writing r.
func (w *World) touchW(r engine.Resource) {
	if w.guard.on && !w.mayWrite(r) {
		w.understated("write", r)
	}
}

// touchR checks that the running step declared reading r.
func (w *World) touchR(r engine.Resource) {
	if w.guard.on && !w.mayRead(r) {
		w.understated("read", r)
	}
}

// touchFunc checks that the running step declared writing function t of
// host h, or the whole group.
func (w *World) touchFunc(h int, t owner.Target) {
	if w.guard.on && !w.mayWrite(por.ResFunc(h, t)) && !w.mayWrite(por.ResHost(por.ClassGroup, h)) {
		w.understated("write", por.ResFunc(h, t))
	}
}

func (w *World) understated(how string, r engine.Resource) {
	panic(fmt.Sprintf("world: footprint of %q (%s) does not declare the %s of %s", w.guard.label, w.guard.fp, how, por.ResourceName(r)))
}

// guardBefore records the target of an event before it is delivered.
func (w *World) guardBefore(h *host, t owner.Target) {
	g := &w.guard
	if !g.on {
		return
	}
	w.touchFunc(h.idx, t)
	mg := &g.memberBefore
	if t != owner.TargetPF {
		m, ok := h.pf.Member(int(t))
		mg.built, mg.mode = ok, 0
		if ok {
			mg.mode = m.Status().Mode
		}
		return
	}
	mg.modes = mg.modes[:0]
	if w.mayWrite(por.ResHost(por.ClassGroup, h.idx)) {
		return
	}
	mg.numVFs = h.pf.NumVFs()
	for _, m := range h.pf.Members() {
		mg.modes = append(mg.modes, m.Status().Mode)
	}
}

// guardAfter checks what an event changed against the running step's
// footprint: a member's mode or existence (the VM's members), and, for a
// PF event that declared only the PF, that no member changed.
func (w *World) guardAfter(h *host, t owner.Target, fx *owner.Effects) {
	g := &w.guard
	if !g.on {
		return
	}
	mg := &g.memberBefore
	if t != owner.TargetPF {
		m, ok := h.pf.Member(int(t))
		changed := ok != mg.built || (ok && m.Status().Mode != mg.mode)
		if changed && w.inVM(int(t)) {
			w.touchW(por.ResHost(por.ClassVMMode, h.idx))
		}
		return
	}
	if w.mayWrite(por.ResHost(por.ClassGroup, h.idx)) {
		return
	}
	i := 0
	same := h.pf.NumVFs() == mg.numVFs && fx.RemovedVFs == 0 && len(fx.Completed) == 0
	for _, m := range h.pf.Members() {
		if i >= len(mg.modes) || m.Status().Mode != mg.modes[i] {
			same = false
		}
		i++
	}
	if !same || i != len(mg.modes) {
		w.touchW(por.ResHost(por.ClassGroup, h.idx))
	}
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
