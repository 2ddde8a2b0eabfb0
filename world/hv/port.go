package hv

import (
	"encoding/binary"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
)

// hvPort is the owner driver's host port on one host. While the host boots
// (sync) it runs the PF's work inline; afterwards every access is a visible
// operation of the hypervisor actor.
type hvPort struct {
	w    World
	h    Host
	hv   *Hypervisor
	sync bool
	// pre starts every step label of the port ("hv:src "), wait its
	// wait-admin request: both are the same for every step, so they are
	// built once (newPort).
	pre  string
	wait Req
	// req and acc are the pending access of access; doCfg and doMMIO
	// deliver acc.
	req           Req
	acc           pcie.TLP
	doCfg, doMMIO func() []byte
	// slab is where written data is kept (keep): the bus and the trace
	// hold a write's data, so each gets its own bytes, carved from one
	// array instead of one allocation each.
	slab []byte
}

// keep returns a copy of data no other write shares (see slab).
func (p *hvPort) keep(data []byte) []byte {
	if len(data) == 0 {
		return nil
	}
	if len(data) > cap(p.slab)-len(p.slab) {
		p.slab = make([]byte, 0, max(256, len(data)))
	}
	n := len(p.slab)
	p.slab = append(p.slab, data...)
	return p.slab[n:len(p.slab):len(p.slab)]
}

// newPort returns the port of host h, running its accesses inline until
// the host has booted.
func newPort(hv *Hypervisor, h Host) *hvPort {
	p := &hvPort{h: h, hv: hv, sync: true, pre: hv.name + ":" + h.Name() + " "}
	p.wait.Label = p.pre + "wait-admin"
	p.bind()
	return p
}

// bind gives the port its hypervisor's world and binds its closures.
func (p *hvPort) bind() {
	hv, i := p.hv, p.h.Index()
	p.w = hv.w
	p.wait.Ready = func() bool { return hv.w.Published(i) > hv.seen[i] || p.w.Stalled() || p.h.Failed() }
	p.doCfg = func() []byte { return p.cfgTLP(p.acc) }
	p.doMMIO = func() []byte { return p.mmioTLP(p.acc) }
}

// access runs t, the port's one pending access (p.acc: an actor has one
// operation pending at a time, and the scheduler runs it before the actor
// goes on), as a step labelled label: its request and its Do (p.doCfg or
// p.doMMIO, bound once in newPort) are the port's own, so a step allocates
// neither.
func (p *hvPort) access(label string, t pcie.TLP, do func() []byte) []byte {
	p.acc = t
	p.req = Req{Label: label, Do: do}
	return p.hv.yield(&p.req)
}

// inline reports whether the port runs an access at once instead of as a
// step of the hypervisor actor (while the host boots): its label, which
// only a step needs, is then never built, nor are the closures of a step.
func (p *hvPort) inline() bool { return p.sync || p.hv == nil || p.hv.yield == nil }

func (p *hvPort) cfgTLP(t pcie.TLP) []byte {
	t.Requester, t.Completer = HostRID, p.w.PFRID(p.h)
	return p.w.Deliver(p.h, owner.TargetPF, member.Event{Kind: member.EvTLP, TLP: t}, p.hvName())
}

// mmioTLP delivers a memory read or write of the PF's BAR.
func (p *hvPort) mmioTLP(t pcie.TLP) []byte {
	t.Requester = HostRID
	return p.w.Deliver(p.h, owner.TargetPF, member.Event{Kind: member.EvTLP, TLP: t}, p.hvName())
}

// ConfigRead implements owner.HostPort.
func (p *hvPort) ConfigRead(off, size int) uint32 {
	t := pcie.TLP{Kind: pcie.CfgRead, Addr: uint64(off), Len: size}
	if p.inline() {
		return leUint(p.cfgTLP(t))
	}
	return leUint(p.access(p.label("cfg-read", uint64(off), labelNone, 0, nil), t, p.doCfg))
}

// ConfigWrite implements owner.HostPort.
func (p *hvPort) ConfigWrite(off, size int, val uint32) {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], val)
	t := pcie.TLP{Kind: pcie.CfgWrite, Addr: uint64(off), Data: p.keep(b[:size])}
	if p.inline() {
		p.cfgTLP(t)
		return
	}
	p.access(p.label("cfg-write", uint64(off), labelValue, uint64(val), nil), t, p.doCfg)
}

// MMIORead implements owner.HostPort.
func (p *hvPort) MMIORead(addr uint64, n int) []byte {
	t := pcie.TLP{Kind: pcie.MemRead, Addr: addr, Len: n}
	if p.inline() {
		return p.mmioTLP(t)
	}
	return p.access(p.label("mmio-read", addr, labelNone, 0, nil), t, p.doMMIO)
}

// MMIOWrite implements owner.HostPort.
func (p *hvPort) MMIOWrite(addr uint64, data []byte) {
	t := pcie.TLP{Kind: pcie.MemWrite, Addr: addr, Data: p.keep(data)} // the bus and the trace keep it
	if p.inline() {
		p.mmioTLP(t)
		return
	}
	p.access(p.label("mmio-write", addr, labelData, 0, data), t, p.doMMIO)
}

// WaitAdmin implements owner.HostPort: it returns once the PF published a
// used entry since the last wait, or when nothing more can happen.
func (p *hvPort) WaitAdmin() {
	hv := p.hv
	if p.inline() {
		p.runInline()
		return
	}
	i := p.h.Index()
	hv.yield(&p.wait)
	hv.seen[i] = hv.publishedSeen(i)
}

// runInline runs the host's pending device events (and its timers, by
// moving the clock) until the PF publishes or nothing is left. Used while a
// host boots, before the scheduled part of the run.
func (p *hvPort) runInline() {
	start := p.hv.publishedSeen(p.h.Index())
	for n := 0; n < 1<<16; n++ {
		if p.hv.publishedSeen(p.h.Index()) > start {
			break
		}
		if !p.w.StepInline(p.h) {
			break
		}
	}
	p.hv.seen[p.h.Index()] = p.hv.publishedSeen(p.h.Index())
}

// hvName is the hypervisor actor's name for traces (one name everywhere).
func (p *hvPort) hvName() string {
	if p.hv != nil {
		return p.hv.name
	}
	return "hv"
}
