package world

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/guestcp"
	"github.com/migsim/migsim/world/por"
	"github.com/migsim/migsim/world/rerun"
	"github.com/migsim/migsim/world/steplabel"
	"github.com/migsim/migsim/world/vocab"
)

// guestActor is one vCPU running a guest program with a driver bound to one
// VF of the VM. It runs the verbs every guest shares (sleep, signal, await)
// itself and hands every other operation to its driver.
type guestActor struct {
	actor
	w     *World
	vf    int
	prog  *scenario.Program
	drv   guest.Driver
	irqs  []uint16
	yield func(*actorReq) []byte
	// plan is the guest memory the driver uses (a rebuilt driver gets it
	// again): data a copy of the world holds. tape, when the world records
	// its actors or the guest is rebuilt, is its record as its code sees it
	// (package rerun): owned by the code, as drv is, and made anew by
	// rebuildGuest, so a copy leaves it nil.
	plan guest.MemoryPlan
	tape *rerun.Tape
	// opIdx is the operation running, len(prog.Ops) once settling.
	opIdx int
	// memReq is the pending request (yieldReq), mem, doMMIORead and
	// doMMIOWrite a BAR0 access's operands and methods: not state, the
	// request's label and the results the actor received are.
	memReq                  actorReq
	mem                     memAccess
	doMMIORead, doMMIOWrite func() []byte
}

func (w *World) addGuest(p *scenario.Program) error {
	info, vf, err := w.guestDriver(p)
	if err != nil {
		return err
	}
	g := &guestActor{w: w, vf: vf, prog: p}
	g.id = len(w.actors)
	g.name = p.Name
	if g.plan, err = w.guestMem.Plan(w.scen.Queues); err != nil {
		return fmt.Errorf("%s:%d: guest %s: %w", w.scen.File, p.Line, p.Name, err)
	}
	g.desc = "guest " + p.Name
	w.actors = append(w.actors, &g.actor)
	w.guests = append(w.guests, g)
	if w.cfg.RecordActors {
		g.tape = rerun.New(&g.log)
	}
	g.start(w, g.code(info))
	return nil
}

// guestDriver returns the driver and the VF of guest program p.
func (w *World) guestDriver(p *scenario.Program) (guest.Info, int, error) {
	at := scenario.Pos{Line: p.Line, Col: p.NameCol}
	attrs, err := scenario.BindAttrs("guest "+p.Name, vocab.Vocabulary().GuestAttrs, p.Args, w.bindCtx(), at)
	if err != nil {
		return guest.Info{}, 0, fmt.Errorf("%s:%d: %w", w.scen.File, p.Line, err)
	}
	name := attrs.Str("driver")
	if name == "" {
		name = vocab.Vocabulary().DefaultDriver
	}
	info, ok := vocab.DriverNamed(name)
	if !ok {
		return guest.Info{}, 0, fmt.Errorf("%s:%d: guest %s: no guest driver %q", w.scen.File, p.Line, p.Name, name)
	}
	if err := w.checkGuestDriver(name, info.DeviceID); err != nil {
		return guest.Info{}, 0, fmt.Errorf("%s:%d: guest %s: %w", w.scen.File, p.Line, p.Name, err)
	}
	return info, int(attrs.Int("vf")), nil
}

// code builds what the guest's code owns (its driver, its bound methods,
// where it is) and returns the body its coroutine runs.
func (g *guestActor) code(info guest.Info) func(y func(*actorReq) []byte) {
	g.doMMIORead, g.doMMIOWrite = g.mmioRead, g.mmioWrite
	g.drv = info.New(g, guest.Config{Plan: g.plan})
	g.at = func() (string, int) {
		if g.opIdx < len(g.prog.Ops) {
			return g.w.scen.File, g.prog.Ops[g.opIdx].Line
		}
		return g.w.scen.File, 0
	}
	return func(y func(*actorReq) []byte) {
		g.yield = rerun.Yield(g.tape, y, reqLabel)
		g.runProgram()
	}
}

func reqLabel(r *actorReq) string { return r.label }

// hostVF returns the host VF backing the guest's VF now.
func (g *guestActor) hostVF() (*host, owner.Target) { return g.w.hostOfVF(g.vf), owner.Target(g.vf) }

// hostAddr returns the host address of a guest access to its VF's BAR0.
func (g *guestActor) hostAddr(addr uint64) (uint64, bool) {
	h, _ := g.hostVF()
	return addrmap.HostAddr(h.pfCfg, g.vf, addr)
}

// op yields one visible operation; label is its whole step label, the
// actor's name first ("vcpu0:mmio-write …"), built by the caller in one
// concatenation.
func (g *guestActor) op(label string, do func() []byte) []byte {
	return g.yieldReq(actorReq{label: label, do: do})
}

func (g *guestActor) tlp(t pcie.TLP) []byte {
	h, target := g.hostVF()
	if _, ok := h.pf.Member(int(target)); !ok && h.pf.NumVFs() < int(target) {
		g.w.notef("%s: %s to a VF that does not exist on %s: no response", g.name, t.Kind, h.name)
		if t.Kind == pcie.CfgRead || t.Kind == pcie.MemRead {
			return allOnes(t.Len)
		}
		return nil
	}
	g.checkHalted(h, target, t)
	if t.Kind == pcie.MemWrite && g.w.posted != vocab.PostedImmediate {
		g.w.post(h, target, t, g.name) // posted: in flight on the bus (package posted)
		return nil
	}
	return g.w.deliver(h, target, member.Event{Kind: member.EvTLP, TLP: t}, g.name)
}

// checkHalted records (once) a vCPU access to a device that the hypervisor
// froze (draft-2023) or stopped (virtio-1.4) while the vCPU ran, by
// the host's record of the member (blame.go): whatever the guest does then
// is not in the state that moves, and the transparent oracle blames the
// hypervisor for it (flowblame.Notes.VCPUAccess words which mistake). A
// draft Stop is not blamed: Stop exists to take such accesses
// (DRAFT-STOP-03).
func (g *guestActor) checkHalted(h *host, target owner.Target, t pcie.TLP) {
	w := g.w
	if w.blame != "" || w.cfg.Reference || !w.hostHaltedInStep(h, int(target)) {
		return
	}
	w.blame = w.flowNotes.VCPUAccess(w.ed, fmt.Sprintf("%s.vf%d", h.name, int(target)), w.inVM(g.vf),
		fmt.Sprintf("%s ran %s at step %d", g.name, t.Kind, w.stepNo))
}

func allOnes(n int) []byte { return bytes.Repeat([]byte{0xff}, n) }

// CfgRead implements GuestBus.
func (g *guestActor) CfgRead(off uint16, n int) uint32 {
	res := g.op(steplabel.Cfg(g.name, ":cfg-read 0x", off, "/", uint64(n), 10), func() []byte {
		h, _ := g.hostVF()
		s, _ := h.pfCfg.SRIOV()
		return g.tlp(pcie.TLP{Kind: pcie.CfgRead, Requester: guest.RID, Completer: s.VFRID(h.pf.RID(), g.vf), Addr: uint64(off), Len: n})
	})
	return leUint(res)
}

// CfgWrite implements GuestBus. A write of Initiate FLR under virtio-1.4
// is trapped by the hypervisor (world/hv/trap.go): the vCPU returns once
// vfio-pci's reset and vfio-virtio's reset_done are over.
func (g *guestActor) CfgWrite(off uint16, n int, v uint32) {
	data := binary.LittleEndian.AppendUint32(nil, v)[:n]
	trapped := g.tape.Value(rerun.CallTraps, uint64(off), func() uint64 { return por.BoolBits(g.w.trapsFLR(off, data)) }) != 0
	g.yieldReq(actorReq{label: steplabel.Cfg(g.name, ":cfg-write 0x", off, "=0x", uint64(v), 16), trap: trapped, access: por.VFAccess(pcie.CfgWrite, uint64(off), data), do: func() []byte {
		h, _ := g.hostVF()
		s, _ := h.pfCfg.SRIOV()
		return g.tlp(pcie.TLP{Kind: pcie.CfgWrite, Requester: guest.RID, Completer: s.VFRID(h.pf.RID(), g.vf), Addr: uint64(off), Data: data})
	}})
	if trapped && g.tape.Forwarding() {
		g.tape.Skip(rerun.CallTrapBegin, rerun.CallTrapEnd) // the hypervisor's code, not the guest's
	} else if trapped {
		g.trapFLR()
	}
}

// MMIORead implements GuestBus.
func (g *guestActor) MMIORead(addr uint64, n int) []byte {
	g.mem = memAccess{addr: addr, n: n}
	off := addr - addrmap.GuestBAR0(g.vf)
	return g.yieldReq(actorReq{label: steplabel.RegRead(g.name, off), access: por.VFAccess(pcie.MemRead, off, nil), do: g.doMMIORead})
}

// MMIOWrite implements GuestBus. It keeps data, which the driver handed
// over (guest.Bus): the bus and the trace hold it.
func (g *guestActor) MMIOWrite(addr uint64, data []byte) {
	d := data
	g.mem = memAccess{addr: addr, data: d}
	off := addr - addrmap.GuestBAR0(g.vf)
	g.yieldReq(actorReq{label: steplabel.RegWrite(g.name, off, d), post: g.w.posted != vocab.PostedImmediate, access: por.VFAccess(pcie.MemWrite, off, d), do: g.doMMIOWrite})
}

// memAccess is the operands of the guest's pending BAR0 access, which
// doMMIORead and doMMIOWrite perform: an actor has one operation pending at
// a time, and the scheduler runs it before the actor goes on.
type memAccess struct {
	addr uint64
	n    int
	data []byte
}

// yieldReq yields r as the actor's one request (g.memReq, reused: the
// scheduler reads it only while the actor is suspended on it), so that no
// operation allocates it; a BAR0 access's do is one of its bound methods.
func (g *guestActor) yieldReq(r actorReq) []byte {
	g.memReq = r
	return g.yield(&g.memReq)
}

func (g *guestActor) mmioRead() []byte {
	addr, n := g.mem.addr, g.mem.n
	ha, ok := g.hostAddr(addr)
	if !ok {
		return allOnes(n)
	}
	out := g.tlp(pcie.TLP{Kind: pcie.MemRead, Requester: guest.RID, Addr: ha, Len: n})
	if len(out) < n {
		out = append(out, make([]byte, n-len(out))...)
	}
	return out
}

func (g *guestActor) mmioWrite() []byte {
	if ha, ok := g.hostAddr(g.mem.addr); ok {
		g.tlp(pcie.TLP{Kind: pcie.MemWrite, Requester: guest.RID, Addr: ha, Data: g.mem.data})
	}
	return nil
}

// WaitIRQ implements GuestBus: enabled once an interrupt is pending, or
// when the world has stalled (then ok is false).
func (g *guestActor) WaitIRQ() (uint16, bool) {
	res := g.yieldReq(actorReq{label: g.name + ":wait-irq",
		ready: func() bool { return len(g.irqs) > 0 || g.released },
		do: func() []byte {
			if len(g.irqs) == 0 {
				return nil
			}
			v := g.irqs[0]
			g.irqs = g.irqs[1:]
			return binary.LittleEndian.AppendUint16(nil, v)
		}})
	if len(res) < 2 {
		return 0, false
	}
	return binary.LittleEndian.Uint16(res), true
}

// WaitIRQClean implements guest.CleanWaiter (cleanChain).
func (g *guestActor) WaitIRQClean() (uint16, bool) {
	g.cleanChain()
	return g.WaitIRQ()
}

// Sleep implements GuestBus.
func (g *guestActor) Sleep(ns uint64) {
	until := engine.VTime(g.tape.Value(rerun.CallClock, ns, func() uint64 {
		at := timerAt(g.w.now, ns) // at the end of virtual time, not wrapped into the past
		g.w.addTimer(timer{at: at, actor: &g.actor})
		return uint64(at)
	}))
	g.yieldReq(actorReq{label: fmt.Sprintf("%s:sleep %s", g.name, engine.VTime(ns)), ready: func() bool { return g.w.now >= until }})
}

// Memory implements GuestBus: the VM's memory wherever it runs, or, for a
// guest of another VM, that VM's memory on the source.
func (g *guestActor) Memory() pcie.MemoryPort {
	var p pcie.MemoryPort = otherPort{g.w}
	if g.w.inVM(g.vf) {
		p = vmPort{g.w}
	}
	if g.tape != nil {
		return tapePort(g.tape, p)
	}
	return p
}

// tapePort is guest memory through a guest's record (a variable so that a
// test can plant a leak in it).
var tapePort = func(t *rerun.Tape, live pcie.MemoryPort) pcie.MemoryPort { return rerun.Port{T: t, Live: live} }

// BAR0 implements GuestBus.
func (g *guestActor) BAR0() uint64 { return addrmap.GuestBAR0(g.vf) }

func leUint(b []byte) uint32 {
	var le [4]byte
	copy(le[:], b)
	return binary.LittleEndian.Uint32(le[:])
}

// runProgram interprets the guest program from operation opIdx on (0, or
// the operation a rebuild restored the driver before), keeping the driver
// in the record between two operations (guestcp), then records the final
// view once every other actor has finished.
func (g *guestActor) runProgram() {
	for ; g.opIdx < len(g.prog.Ops); g.opIdx++ {
		k, op := g.opIdx, g.prog.Ops[g.opIdx]
		g.tape.Boundary(func() any { return guestcp.Keep(g.drv, k) })
		if err := g.exec(op); err != nil {
			// A fast-forward stops where the original did; the copy
			// already holds the original's report.
			if !g.tape.Forwarding() {
				g.w.report("scenario", nil, []string{g.name}, "%s:%d: %v", g.w.scen.File, op.Line, err)
			}
			return
		}
	}
	g.opIdx = len(g.prog.Ops)
	g.settle()
	g.drv.Final()
}

// settle waits until the other actors are done and the devices idle, then
// handles the interrupts still pending, so the final view does not depend
// on the schedule.
func (g *guestActor) settle() {
	g.cleanChain()
	g.yieldReq(actorReq{label: g.name + ":settle", settle: true, ready: func() bool { return g.w.othersDone(&g.actor) }})
	for v, ok := g.popIRQ(); ok; v, ok = g.popIRQ() {
		g.drv.HandleIRQ(v)
	}
}

// popIRQ takes the next pending interrupt, if any, as the guest's code
// receives it.
func (g *guestActor) popIRQ() (uint16, bool) {
	n := g.tape.Value(rerun.CallIRQ, 0, func() uint64 {
		if len(g.irqs) == 0 {
			return 0
		}
		v := g.irqs[0]
		g.irqs = g.irqs[1:]
		return 1<<16 | uint64(v)
	})
	return uint16(n), n != 0
}

// exec runs one guest operation: the shared verbs here, the rest in the
// driver.
func (g *guestActor) exec(op scenario.Op) error {
	switch op.Verb {
	case "sleep":
		v, err := g.w.bind(vocab.SyncVerbs, op)
		if err != nil {
			return err
		}
		g.Sleep(uint64(v.Int("ms")) * 1_000_000)
	case "signal":
		v, err := g.w.bind(vocab.SyncVerbs, op)
		if err != nil {
			return err
		}
		name := v.Str("NAME")
		g.op(g.name+":signal "+name, func() []byte { g.w.signal(name); return nil })
	case "await":
		v, err := g.w.bind(vocab.SyncVerbs, op)
		if err != nil {
			return err
		}
		name := v.Str("NAME")
		g.yieldReq(actorReq{label: g.name + ":await " + name, ready: func() bool { return g.w.signals[name] }})
	default:
		return g.drv.Exec(op)
	}
	return nil
}

// othersDone reports whether every actor but a is done and no device work
// is pending. As in Done, a vCPU the hypervisor halted (or an actor at an
// await nobody signalled) counts as done once the hypervisor's flow has
// stopped with an error: nobody will resume it, so
// a guest of another VM (a VF outside vm-vfs, docs/scenarios.md "The VM and
// its VFs") that waits for the others at its end may finish, and the run
// ends with the flow's error rather than a deadlock. The hypervisor itself
// knows as soon as its flow has failed: its end-of-run audit then settles
// when the rest of the run has, instead of waiting for the world to stall,
// after which every wait of the audit's admin commands would give up before
// the device answered.
func (w *World) othersDone(a *actor) bool {
	hvFailed := w.hv != nil && (w.hvActor.done || a == w.hvActor) && w.hv.Err() != nil
	for _, b := range w.actors {
		if b != a && !b.done && (b.req == nil || !b.req.settle) && !b.left(hvFailed) {
			return false
		}
	}
	for _, d := range w.devs {
		if len(d.pending) > 0 && !w.hosts[d.key.host].failed {
			return false
		}
	}
	if !w.lanesIdle() {
		return false
	}
	return len(w.timers) == 0 || w.onlyActorTimers()
}

func (w *World) guestOf(a *actor) *guestActor {
	for _, g := range w.guests {
		if &g.actor == a {
			return g
		}
	}
	return nil
}

func (w *World) onlyActorTimers() bool {
	for _, t := range w.timers {
		if t.dev != nil {
			return false
		}
	}
	return true
}
