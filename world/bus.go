package world

import (
	"fmt"
	"math"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/por"
)

// vmPort is guest memory wherever the VM runs now (the guest's own view).
type vmPort struct{ w *World }

func (p vmPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	p.w.touchW(por.ResMem(p.w.vm.idx, false))
	err := p.w.vm.guestMem.ReadMem(rid, addr, buf)
	p.w.observeMemRead(addr, buf)
	return err
}

func (p vmPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	p.w.touchW(por.ResMem(p.w.vm.idx, false))
	return p.w.vm.guestMem.WriteMem(rid, addr, data)
}

// otherPort is the memory of the VMs that stay on the source, as their
// guests see it.
type otherPort struct{ w *World }

func (p otherPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	p.w.touchW(por.ResMem(0, true))
	err := p.w.hosts[0].otherMem.ReadMem(rid, addr, buf)
	p.w.observeMemRead(addr, buf)
	return err
}

func (p otherPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	p.w.touchW(por.ResMem(0, true))
	return p.w.hosts[0].otherMem.WriteMem(rid, addr, data)
}

// hostGuestPort is the guest memory of one host as its devices reach it:
// the VM's copy on that host, or (other) the memory of the VMs that stay
// on the source.
type hostGuestPort struct {
	h     *host
	other bool
}

func (p hostGuestPort) mem() (*virtq.GuestMemory, error) {
	m := p.h.guestMem
	if p.other {
		m = p.h.otherMem
	}
	if m == nil {
		return nil, fmt.Errorf("world: host %s holds no guest memory", p.h.name)
	}
	return m, nil
}

func (p hostGuestPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	m, err := p.mem()
	if err != nil {
		return err
	}
	return m.ReadMem(rid, addr, buf)
}

func (p hostGuestPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	m, err := p.mem()
	if err != nil {
		return err
	}
	return m.WriteMem(rid, addr, data)
}

// dmaPort is the memory port of member vf on host h: every access is
// recorded for the trace and the event hook (observe.EventPass.DMA).
func (w *World) dmaPort(h *host, vf int) pcie.MemoryPort {
	return &dmaObserver{w: w, port: hostGuestPort{h: h, other: !w.inVM(vf)}, vf: vf}
}

// dmaObserver is a member's memory port (dmaPort): data, not a closure, so
// that a copy of the world copies it.
type dmaObserver struct {
	w    *World
	port hostGuestPort
	vf   int
}

func (d *dmaObserver) see(a virtq.Access) {
	d.w.touchW(por.ResMem(d.port.h.idx, d.port.other))
	d.w.dma = append(d.w.dma, observe.DMAAccess{Host: d.port.h.name, VF: d.vf, Access: a})
}

// ReadMem records the access, then reads through the host's port.
func (d *dmaObserver) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	d.see(virtq.Access{Requester: rid, Addr: addr, Len: len(buf)})
	return d.port.ReadMem(rid, addr, buf)
}

// WriteMem records the access, then writes through the host's port.
func (d *dmaObserver) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	d.see(virtq.Access{Requester: rid, Addr: addr, Len: len(data), Write: true})
	return d.port.WriteMem(rid, addr, data)
}

// deliver hands one event to a function of host h, runs the event oracles
// on what happened, and routes the effects. It returns the read data.
func (w *World) deliver(h *host, t owner.Target, ev member.Event, who string) []byte {
	if len(w.bus.Lanes) > 0 && ev.Kind == member.EvTLP {
		w.pushPosted(h, ev.TLP.Requester, who, ev.TLP.Kind) // PCIe ordering: earlier posted writes first
	}
	w.snapshot(h, t, &ev)
	w.dma = w.dma[:0]
	w.observeTLP(h, t, &ev)
	before := w.recordBefore(h, t)
	oev := owner.Event{Target: t, Ev: ev}
	w.guardBefore(h, t)
	fx := h.pf.Handle(oev)
	w.devicesChanged(h, t)
	w.guardAfterEvent(h, t, &fx)
	if w.cfg.OwnerFault != nil {
		fx = w.ownerFault(h, oev, fx) // a copy: fx itself stays off the heap
	}
	w.observeRead(h, t, &ev, fx.ReadData)
	w.recordAnswer(h, &fx)
	w.recordDelivery(h, t, &ev, who, before, &fx)
	w.checkEvent(h, t, &ev, &fx, who)
	w.route(h, &fx)
	return fx.ReadData
}

// ownerFault runs the configured owner fault on a copy of fx and returns
// the copy.
func (w *World) ownerFault(h *host, oev owner.Event, fx owner.Effects) owner.Effects {
	w.cfg.OwnerFault(h.name, oev, &fx)
	return fx
}

// vfOfRID returns the VF of h whose requester ID is rid.
func (w *World) vfOfRID(h *host, rid pcie.RID) (int, bool) {
	return addrmap.VFOfRID(h.pfCfg, h.pf.RID(), rid)
}

// route applies a function's effects to the world: interrupts to the guest,
// timers and steps to the scheduler, group removal to the trace.
func (w *World) route(h *host, fx *owner.Effects) {
	for _, n := range fx.Notes {
		w.noteFrom(h, n)
	}
	for _, irq := range fx.Interrupts {
		w.interrupt(h, irq)
	}
	for _, tm := range fx.Timers {
		w.touchFunc(h.idx, tm.Target)
		k := devKey{h.idx, tm.Target}
		w.addTimer(timer{at: timerAt(w.now, tm.Timer.Delay), dev: &k, ev: member.Event{Kind: member.EvTimer, Timer: tm.Timer.ID}})
	}
	for _, s := range fx.Steps {
		w.touchFunc(h.idx, s.Target)
		d := w.dev(h, s.Target)
		d.pending = append(d.pending, por.NewQueued(member.Event{Kind: member.EvStep, Step: s.Step}, d.labels.Step(d.name, s.Step)))
	}
	if fx.Published > 0 {
		w.touchW(por.ResHost(por.ClassAdminQ, h.idx))
	}
	if fx.Published > 0 && w.hv != nil {
		w.hvPublished[h.idx] += fx.Published
	}
	if fx.RemovedVFs > 0 {
		w.touchW(por.ResHost(por.ClassGroup, h.idx))
		w.touchW(por.ResHost(por.ClassTruth, h.idx))
		h.truth.Forget()
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
			w.hvGone[h.idx] = true
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
	if h != w.hostOfVF(vf) {
		w.notef("%s.vf%d: %s dropped: the VM does not run on %s", h.name, vf, irq, h.name)
		return
	}
	if irq.Addr != guest.MSIXAddr || irq.Data < guest.MSIXDataBase {
		w.notef("%s.vf%d: %s dropped: not an address/data the guest programmed", h.name, vf, irq)
		return
	}
	vec := uint16(irq.Data - guest.MSIXDataBase)
	for i, g := range w.guests {
		if g.vf == vf {
			w.touchW(por.ResGuest(por.ClassIRQ, i))
			g.irqs = append(g.irqs, vec)
		}
	}
}

// timerAt is when a timer armed at now with delay fires (a device's timer,
// a guest's, peer's or hypervisor's sleep): a delay past the end of
// virtual time (any device may ask for one, an external one for up to
// 2^64-1 ns) fires last, at the clock's largest value, instead of wrapping
// into the past.
func timerAt(now engine.VTime, delay uint64) engine.VTime {
	if delay > uint64(math.MaxInt64-now) {
		return math.MaxInt64
	}
	return now + engine.VTime(delay)
}
