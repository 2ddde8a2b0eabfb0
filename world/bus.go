package world

import (
	"fmt"
	"strconv"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// dmaAccess is one guest-memory access by a member, seen by its port.
type dmaAccess struct {
	host *host
	vf   int
	acc  virtq.Access
}

// vmPort is guest memory wherever the VM runs now (the guest's own view).
type vmPort struct{ w *World }

func (p vmPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	return p.w.vm.guestMem.ReadMem(rid, addr, buf)
}

func (p vmPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	return p.w.vm.guestMem.WriteMem(rid, addr, data)
}

// hostGuestPort is the guest memory of one host as its devices reach it.
type hostGuestPort struct{ h *host }

func (p hostGuestPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if p.h.guestMem == nil {
		return fmt.Errorf("world: host %s holds no guest memory", p.h.name)
	}
	return p.h.guestMem.ReadMem(rid, addr, buf)
}

func (p hostGuestPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if p.h.guestMem == nil {
		return fmt.Errorf("world: host %s holds no guest memory", p.h.name)
	}
	return p.h.guestMem.WriteMem(rid, addr, data)
}

// dmaPort is the memory port of member vf on host h: every access is
// recorded for the no-dma-when-stopped oracle.
func (w *World) dmaPort(h *host, vf int) pcie.MemoryPort {
	return &virtq.Observer{Port: hostGuestPort{h}, Hook: func(a virtq.Access) error {
		w.dma = append(w.dma, dmaAccess{host: h, vf: vf, acc: a})
		return nil
	}}
}

// memberState is what the oracles remember of a member across one event.
type memberState struct {
	vf        int
	dev       member.Device
	st        member.Status
	digest    uint64
	hasDigest bool
}

// snapshot records every created member of h (for PF events, which may reach
// any of them) or just the target. A context digest is costly, so it is
// taken only where an oracle will compare it: for a member in Freeze
// (frozen-context) and around the PF's admin steps (admin-status).
func (w *World) snapshot(h *host, t owner.Target, ev member.Event) []memberState {
	out := w.snap[:0]
	lo, hi := 1, w.scen.VFs
	if t != owner.TargetPF {
		lo, hi = int(t), int(t)
	}
	adminStep := t == owner.TargetPF && ev.Kind == member.EvStep
	for vf := lo; vf <= hi; vf++ {
		m, ok := h.pf.Member(vf)
		if !ok {
			continue
		}
		ms := memberState{vf: vf, dev: m, st: m.Status()}
		if adminStep || ms.st.Mode == spec.ModeFreeze {
			ms.digest, ms.hasDigest = m.ContextDigest(), true
		}
		out = append(out, ms)
	}
	w.snap = out
	return out
}

// deliver hands one event to a function of host h, applies the oracles to
// what happened, and routes the effects. It returns the read data.
func (w *World) deliver(h *host, t owner.Target, ev member.Event, who string) []byte {
	before := w.snapshot(h, t, ev)
	w.dma = w.dma[:0]
	fx := h.pf.Handle(owner.Event{Target: t, Ev: ev})
	w.recordDelivery(h, t, ev, who, before, fx)
	w.checkDevice(h, t, ev, before, fx, who)
	w.checkAdmin(h, t, before, fx, who)
	w.route(h, fx)
	return fx.ReadData
}

func (w *World) vfOfRID(h *host, rid pcie.RID) (int, bool) {
	s, ok := h.pfCfg.SRIOV()
	if !ok {
		return 0, false
	}
	return s.VFNumber(h.pf.RID(), rid)
}

// checkDevice applies the per-step device oracles (docs/oracles.md).
func (w *World) checkDevice(h *host, t owner.Target, ev member.Event, before []memberState, fx owner.Effects, who string) {
	latching := w.latchesInFreeze(ev)
	modeAfter := map[int]spec.Mode{}
	for _, b := range before {
		after := b.dev.Status()
		modeAfter[b.vf] = after.Mode
		name := vfName(h, b.vf)
		// Only the owner moves a member out of Freeze (an admin command, a
		// PF event); any other event that starts in Freeze must leave the
		// context, mode included, as it was.
		ownEvent := t != owner.TargetPF
		if b.st.Mode == spec.ModeFreeze && (after.Mode == spec.ModeFreeze || ownEvent) && !latching {
			if d := b.dev.ContextDigest(); !b.hasDigest || d != b.digest || after.Mode != b.st.Mode {
				w.report("frozen-context", w.reqs("DRAFT-FRZ-02"), []string{who, name},
					"%s: device context changed in Freeze (%s)", name, describeEvent(t, fx, who))
			}
		}
		if b.st.Mode.Quiesced() && after.Mode.Quiesced() {
			for _, a := range w.dma {
				if a.host == h && a.vf == b.vf {
					w.report("no-dma-when-stopped", w.reqs("DRAFT-STOP-02", "DP-DEV-11"), []string{who, name},
						"%s in %s accessed guest memory: %s", name, w.ed.ModeName(after.Mode), a.acc)
					break
				}
			}
		}
	}
	for _, irq := range fx.Interrupts {
		vf, ok := w.vfOfRID(h, irq.Source)
		if !ok {
			continue
		}
		m, ok := h.pf.Member(vf)
		if !ok {
			continue
		}
		if mode := m.Status().Mode; mode.Quiesced() {
			w.report("no-notify-when-stopped", w.reqs("DRAFT-STOP-01", "DP-DEV-11"), []string{who, fmt.Sprintf("%s.vf%d", h.name, vf)},
				"%s.vf%d sent %s while %s", h.name, vf, irq, w.ed.ModeName(mode))
		}
	}
}

// latchesInFreeze reports whether ev is a doorbell write that a frozen
// member records under freeze-notify=latch: the knob's documented departure
// from DRAFT-FRZ-01, the one change to a frozen context that frozen-context
// does not count (the doorbell is recorded in VQ_SPLIT_RUNTIME_CFG so the
// destination serves it).
func (w *World) latchesInFreeze(ev member.Event) bool {
	if w.rules.FreezeNotify != spec.FreezeNotifyLatch || ev.Kind != member.EvTLP || ev.TLP.Kind != pcie.MemWrite {
		return false
	}
	for _, h := range w.hosts {
		s, ok := h.pfCfg.SRIOV()
		if !ok {
			continue
		}
		for vf := 1; vf <= w.scen.VFs; vf++ {
			base := s.VFBAR0Addr(vf) + pcie.BAR0Notify
			if ev.TLP.Addr >= base && ev.TLP.Addr < base+pcie.BAR0NotifyLen {
				return true
			}
		}
	}
	return false
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

func describeMemberEvent(ev member.Event) string {
	switch ev.Kind {
	case member.EvStep:
		return ev.Step.String()
	case member.EvTimer:
		return "timer " + ev.Timer.String()
	}
	return ev.Kind.String()
}

func describeEvent(t owner.Target, fx owner.Effects, who string) string {
	s := "after a step of " + who
	if len(fx.Notes) > 0 {
		s += ": " + fx.Notes[0].String()
	}
	return s
}

// route applies a function's effects to the world: interrupts to the guest,
// timers and steps to the scheduler, group removal to the trace.
func (w *World) route(h *host, fx owner.Effects) {
	for _, n := range fx.Notes {
		w.noteFrom(h, n)
	}
	for _, irq := range fx.Interrupts {
		w.interrupt(h, irq)
	}
	for _, tm := range fx.Timers {
		k := devKey{h.idx, tm.Target}
		w.addTimer(timer{at: w.now + engine.VTime(tm.Timer.Delay), dev: &k, ev: member.Event{Kind: member.EvTimer, Timer: tm.Timer.ID}})
	}
	for _, s := range fx.Steps {
		d := w.dev(h, s.Target)
		d.pending = append(d.pending, devEvent{ev: member.Event{Kind: member.EvStep, Step: s.Step}, label: d.name + ":" + s.Step.String()})
	}
	if fx.Published > 0 && w.hv != nil {
		w.hv.published[h.idx] += fx.Published
	}
	if fx.RemovedVFs > 0 {
		w.notef("%s: SR-IOV group removed: all %d VFs are gone", h.name, fx.RemovedVFs)
		for _, d := range w.devs {
			if d.key.host == h.idx && d.key.target != owner.TargetPF {
				d.pending = nil
			}
		}
		kept := w.timers[:0]
		for _, t := range w.timers {
			if t.dev != nil && t.dev.host == h.idx && t.dev.target != owner.TargetPF {
				continue
			}
			kept = append(kept, t)
		}
		w.timers = kept
		if w.hv != nil {
			w.hv.vfsGone[h.idx] = true
		}
	}
}

// interrupt delivers an MSI-X message: from the VM's host to the guest
// driver bound to that VF (the vector is recovered from the data the guest
// programmed), otherwise it is dropped with a note.
func (w *World) interrupt(h *host, irq pcie.MSIXMessage) {
	if irq.Source == h.pf.RID() {
		return // the owner's own interrupts go to the host driver, which polls
	}
	vf, ok := w.vfOfRID(h, irq.Source)
	if !ok {
		w.notef("%s: interrupt from unknown requester %s dropped", h.name, irq.Source)
		return
	}
	if h != w.vm {
		w.notef("%s.vf%d: %s dropped: the VM does not run on %s", h.name, vf, irq, h.name)
		return
	}
	if irq.Addr != guest.MSIXAddr || irq.Data < guest.MSIXDataBase {
		w.notef("%s.vf%d: %s dropped: not an address/data the guest programmed", h.name, vf, irq)
		return
	}
	vec := uint16(irq.Data - guest.MSIXDataBase)
	for _, g := range w.guests {
		if g.vf == vf {
			g.irqs = append(g.irqs, vec)
		}
	}
}

// vfName names VF vf of host h for findings ("src.vf1").
func vfName(h *host, vf int) string { return h.name + ".vf" + strconv.Itoa(vf) }
