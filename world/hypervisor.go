package world

import (
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/actorlog"
	"github.com/migsim/migsim/world/hv"
	"github.com/migsim/migsim/world/ownerview"
	"github.com/migsim/migsim/world/rerun"
	"github.com/migsim/migsim/world/vocab"
)

// The hypervisor is package hv. This file is the world's side of it: the
// actor it runs on, the services it uses (hvWorld implements hv.World),
// and the names the world keeps for what moved there.

// FlowOutcome is how the hypervisor's program ended (hv.FlowOutcome).
type FlowOutcome = hv.FlowOutcome

// EditionError is a flow operation the world's edition does not have
// (hv.EditionError); its verdict name is "n/a:WORD".
type EditionError = hv.EditionError

// Flow errors with verdict names of their own (package hv).
var (
	// ErrUnexpectedSuccess: an operation marked fails=NAME succeeded.
	ErrUnexpectedSuccess = hv.ErrUnexpectedSuccess
	// ErrDataFDOutOfSync: QEMU's "data_fd out of sync" (EBADF).
	ErrDataFDOutOfSync = hv.ErrDataFDOutOfSync
)

// DefaultFlow is the edition's default migration flow (hv.DefaultFlow).
func DefaultFlow(ed spec.Edition) *scenario.Program { return hv.DefaultFlow(ed) }

// hostRID is the requester ID of the host's own accesses.
const hostRID = hv.HostRID

// addHypervisor builds the hypervisor running p, registers its actor,
// boots the owner driver of every host and starts the program.
func (w *World) addHypervisor(p *scenario.Program) error {
	a := &actor{id: len(w.actors), name: hv.Name, desc: "hypervisor"}
	if !w.cfg.RecordActors {
		h, err := hv.New(hvWorld{w}, p)
		if err != nil {
			return err
		}
		a.at, w.hv, w.hvActor, w.hvProg = h.At, h, a, p
		w.actors = append(w.actors, a)
		if w.hvFlowFile != "" {
			h.SetFlowFile(w.hvFlowFile)
		}
		if err := h.Boot(); err != nil {
			return err
		}
		a.start(w, func(y func(*actorReq) []byte) { h.Run(hvYield(y)) })
		return nil
	}
	// The record starts before the boot: the owner drivers' probes read
	// the world too.
	a.log.Enable()
	rec := hv.NewRecorder(hvWorld{w}, &a.log, w.hvHost)
	h, err := hv.New(rec, p)
	if err != nil {
		return err
	}
	a.at, w.hv, w.hvActor, w.hvProg = h.At, h, a, p
	w.actors = append(w.actors, a)
	if w.hvFlowFile != "" {
		h.SetFlowFile(w.hvFlowFile)
	}
	if err := rec.Boot(h); err != nil {
		return err
	}
	a.start(w, func(y func(*actorReq) []byte) { rec.Run(h, hvYield(y)) })
	return nil
}

// hvHost is the host of index i, as the hypervisor addresses it.
func (w *World) hvHost(i int) hv.Host { return w.hosts[i] }

// hvYield turns an actor's yield into the hypervisor's (a step's footprint
// comes from its label and the state: footprint.go). The actor has one
// request at a time, so one is reused: the scheduler reads it only while the
// actor is suspended on it.
func hvYield(y func(*actorReq) []byte) hv.Yield {
	req := new(actorReq)
	return func(r *hv.Req) []byte {
		*req = actorReq{label: r.Label, ready: r.Ready, do: r.Do}
		return y(req)
	}
}

// Name, Index and Failed make a host an hv.Host.
func (h *host) Name() string { return h.name }

// Index is the host's position in creation order.
func (h *host) Index() int { return h.idx }

// Failed reports whether the host crashed.
func (h *host) Failed() bool {
	h.w.observeBool(h.failed)
	return h.failed
}

func hostOf(h hv.Host) *host { return h.(*host) }

// hvWorld is the world as the hypervisor sees it.
type hvWorld struct{ w *World }

func (s hvWorld) Edition() spec.Edition        { return s.w.ed }
func (s hvWorld) Rules() spec.Rules            { return s.w.rules }
func (s hvWorld) Scenario() *scenario.Scenario { return s.w.scen }
func (s hvWorld) Reference() bool              { return s.w.cfg.Reference }

// DefaultImplName is the reference implementation of the VFs' device type.
func (s hvWorld) DefaultImplName() string {
	if s.w.vfDevice() == vocab.VFDeviceNet {
		return hv.NetImplDefault
	}
	return hv.DefaultImpl
}
func (s hvWorld) Setting(key string) (string, bool) { return s.w.setting(key) }
func (s hvWorld) Settings() []scenario.Arg          { return s.w.settings }
func (s hvWorld) Notef(format string, args ...any)  { s.w.notef(format, args...) }
func (s hvWorld) Observed(v uint64)                 { s.w.observeValue(v) }

func (s hvWorld) Now() engine.VTime {
	s.w.observeValue(uint64(s.w.now))
	return s.w.now
}

func (s hvWorld) Published(i int) int { return s.w.hvPublished[i] }
func (s hvWorld) VFsGone(i int) bool  { return s.w.hvGone[i] }
func (s hvWorld) Stalled() bool       { return s.w.observeBool(s.w.stallSeen()) }

func (s hvWorld) Hosts() []hv.Host {
	out := make([]hv.Host, len(s.w.hosts))
	for i, h := range s.w.hosts {
		out[i] = h
	}
	s.w.observeValue(uint64(len(out)))
	return out
}

func (s hvWorld) HostByName(name string) (hv.Host, error) {
	h, err := s.w.hostByName(name)
	if err != nil {
		s.w.observeErr(err)
		return nil, err
	}
	s.w.observeValue(uint64(h.idx))
	return h, nil
}

func (s hvWorld) HostMem(h hv.Host) pcie.MemoryPort {
	return observedMem{w: s.w, m: hostOf(h).hostMem}
}
func (s hvWorld) PFBAR0(h hv.Host) uint64  { return hostOf(h).pfCfg.BAR0() }
func (s hvWorld) PFRID(h hv.Host) pcie.RID { return hostOf(h).pf.RID() }
func (s hvWorld) DriverObserver(h hv.Host) owner.DriverObserver {
	return truthObserver{w: s.w, h: hostOf(h)}
}

func (s hvWorld) Deliver(h hv.Host, t owner.Target, ev member.Event, who string) []byte {
	res := s.w.deliver(hostOf(h), t, ev, who)
	s.w.observeBytes(res)
	return res
}

// StepInline runs the first pending event of h's device of the lowest
// function (the PF first), else moves the clock to the next timer. By
// function, not by the order the devices first had work: that order is
// the path's, which the state hash leaves out (World.ActorKey).
func (s hvWorld) StepInline(hh hv.Host) bool {
	w, h := s.w, hostOf(hh)
	var first *devActor
	for _, d := range w.devs {
		if d.key.host == h.idx && len(d.pending) > 0 && (first == nil || d.key.target < first.key.target) {
			first = d
		}
	}
	if first != nil {
		ev := first.popPending()
		w.deliver(h, first.key.target, ev.Ev, first.name)
		return w.observeBool(true)
	}
	at, ok := w.NextTimer()
	if !ok {
		return w.observeBool(false)
	}
	w.Advance(at)
	return w.observeBool(true)
}

func (s hvWorld) VM() hv.Host {
	if s.w.vm == nil {
		s.w.observeValue(0)
		return nil
	}
	s.w.observeValue(uint64(s.w.vm.idx) + 1)
	return s.w.vm
}

func (s hvWorld) VMVFs() []int               { return s.w.vmVFs }
func (s hvWorld) Switchover(h hv.Host)       { s.w.noteSwitch(hostOf(h)); s.w.vm = hostOf(h) }
func (s hvWorld) HasVMMemory(h hv.Host) bool { return s.w.observeBool(hostOf(h).guestMem != nil) }
func (s hvWorld) CopyMemory(h hv.Host) {
	s.w.noteCopy(hostOf(h))
	hostOf(h).guestMem = s.w.vm.guestMem.Clone()
}
func (s hvWorld) CopyPCI(from, to hv.Host)   { s.w.copyPCIState(hostOf(from), hostOf(to)) }
func (s hvWorld) Fail(h hv.Host)             { hostOf(h).failed = true }
func (s hvWorld) SetHalted(halted bool)      { s.w.setHalted(halted) }
func (s hvWorld) VCPUsHalted() bool          { return s.w.observeBool(s.w.vcpusHalted()) }
func (s hvWorld) Signal(name string)         { s.w.signal(name) }
func (s hvWorld) Signalled(name string) bool { return s.w.observeBool(s.w.signals[name]) }
func (s hvWorld) WakeAfter(delay uint64) engine.VTime {
	at := timerAt(s.w.now, delay)
	s.w.addTimer(timer{at: at, actor: s.w.hvActor})
	return at
}
func (s hvWorld) OthersDone() bool { return s.w.observeBool(s.w.othersDone(s.w.hvActor)) }
func (s hvWorld) Auditable(h hv.Host, vf int) bool {
	return s.w.observeBool(s.w.auditable(hostOf(h), vf))
}

func (s hvWorld) OwnerFrozen(h hv.Host, vf int) bool {
	return s.w.observeBool(s.w.ownerView(hostOf(h), vf).Frozen())
}

func (s hvWorld) AnyAuditable() bool {
	for _, h := range s.w.hosts {
		if h.truth.AnyAuditable(h.present) {
			return s.w.observeBool(true)
		}
	}
	return s.w.observeBool(false)
}

// Resize resizes the shared disk and tells every VF backed by it: the
// VM's, and those of the VMs that stay on the source.
func (s hvWorld) Resize(sectors uint64) {
	w := s.w
	w.disk.Resize(sectors)
	for _, vf := range w.vmVFs {
		w.deliver(w.vm, owner.Target(vf), member.Event{Kind: member.EvBackend}, hv.Name)
	}
	for _, g := range w.guests {
		if !w.inVM(g.vf) {
			w.deliver(w.hosts[0], owner.Target(g.vf), member.Event{Kind: member.EvBackend}, hv.Name)
		}
	}
}

func (s hvWorld) Bind(op scenario.Op) (scenario.Values, error) { return s.w.bind(vocab.HVVerbs, op) }

func (s hvWorld) OtherEditionVerb(verb string) bool {
	return !vocab.HVVerbs.Has(verb, s.w.ed) && vocab.HVVerbs.Has(verb, 0)
}

func (s hvWorld) CheckedLoad(h hv.Host, vf int, who string, load func() error) error {
	err := s.w.checkedLoad(hostOf(h), vf, who, load)
	s.w.observeErr(err)
	return err
}

// EndLoad implements hv.LoadEnder: the end of CheckedLoad.
func (s hvWorld) EndLoad(err error) error {
	err = s.w.endLoad(err)
	s.w.observeErr(err)
	return err
}

func (s hvWorld) FlowEnd(o FlowOutcome, flags []hv.HostFlags) { s.w.flowEnd(o, flags) }

// vcpusHalted reports whether the guest vCPUs are halted.
func (w *World) vcpusHalted() bool {
	for _, g := range w.guests {
		if g.halted {
			return true
		}
	}
	return false
}

// trapsFLR reports whether a guest's configuration write of data at off
// sets Initiate FLR and is trapped (virtio-1.4 with a hypervisor): QEMU
// over vfio-pci turns it into VFIO_DEVICE_RESET (hv.Hypervisor.ResetDone).
func (w *World) trapsFLR(off uint16, data []byte) bool {
	if w.ed != spec.Virtio14 || w.hv == nil {
		return false
	}
	b, ok := ownerview.ByteAt(uint64(off), data, pcie.PCIeCapOffset+pcie.PCIeDevCtl+1)
	return ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0
}

// trapFLR is the rest of the trapped write once the FLR started: vfio-pci's
// pcie_flr wait (guest.AwaitFLR), then reset_done on the vCPU's own actor.
//
// It reads w.hv at each call rather than once: a copy of the world made
// during the 100 ms rebuilds its hypervisor (rebuildHypervisor), and the
// vCPU goes on with the rebuilt one.
func (g *guestActor) trapFLR() {
	g.tape.Add(actorlog.Entry{Call: rerun.CallTrapBegin})
	g.trapping, g.w.hvShared = true, true
	g.w.hv.TrapBegin()
	defer func() {
		if h := g.w.hv; h != nil { // nil in a copy whose rebuild was refused, when it is closed
			h.TrapEnd()
		}
		g.trapping, g.w.hvShared = false, true
	}()
	guest.AwaitFLR(g) // vfio-pci's reset is pcie_flr: 100 ms, then polls until the function answers
	host, _ := g.hostVF()
	g.w.hv.ResetDone(host, g.vf, g.name, hvYield(g.yield))
	g.tape.Add(actorlog.Entry{Call: rerun.CallTrapEnd})
}

// setHalted halts or resumes every vCPU of the VM (the guests of VMs that
// are not migrated keep running).
func (w *World) setHalted(halted bool) {
	if halted {
		w.flowNotes.Halted()
	} else {
		w.flowNotes.Resumed(w.quiescedVMVFs())
	}
	for _, g := range w.guests {
		if w.inVM(g.vf) {
			g.halted = halted
		}
	}
}

// copyPCIState copies what the hypervisor saves itself (device parts leave
// configuration space and the MSI-X table out): each VF's Command register,
// MSI-X Message Control, PMCSR (power state) and MSI-X table, from the host
// the VM runs on to h.
func (w *World) copyPCIState(from, to *host) {
	for _, vf := range w.vmVFs {
		fs, ok1 := from.pfCfg.SRIOV()
		ts, ok2 := to.pfCfg.SRIOV()
		if !ok1 || !ok2 {
			continue
		}
		fr, tr := fs.VFRID(from.pf.RID(), vf), ts.VFRID(to.pf.RID(), vf)
		regs := []struct{ off, size int }{{pcie.RegCommand, 2}, {pcie.MSIXCapOffset + pcie.MSIXMsgCtl, 2},
			{pcie.PMCapOffset + pcie.PMCtrlStatus, 2}} // QEMU's vfio restores PMCSR with config space
		for _, reg := range regs {
			v := w.deliver(from, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: hostRID, Completer: fr, Addr: uint64(reg.off), Len: reg.size}}, "hv")
			w.deliver(to, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: hostRID, Completer: tr, Addr: uint64(reg.off), Data: v}}, "hv")
		}
		vectors := w.scen.Queues + 1
		for v := 0; v < vectors; v++ {
			off := uint64(pcie.BAR0MSIXTable + v*pcie.MSIXEntrySize)
			for dw := uint64(0); dw < pcie.MSIXEntrySize; dw += 4 {
				e := w.deliver(from, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: hostRID, Addr: fs.VFBAR0Addr(vf) + off + dw, Len: 4}}, "hv")
				w.deliver(to, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: hostRID, Addr: ts.VFBAR0Addr(vf) + off + dw, Data: e}}, "hv")
			}
		}
	}
}

// objLimit is the `obj-limit=N` setting: the VIRTIO_DEV_PARTS_CAP get and
// set limits of every host's owner (1..255; 0, the owner's default, when
// unset).
func (w *World) objLimit() (uint8, error) {
	v, ok := w.setting(vocab.SettingObjLimit)
	if !ok {
		return 0, nil
	}
	n := w.settingInt(vocab.SettingObjLimit, -1)
	if n < 1 || n > 255 {
		return 0, fmt.Errorf("world: set obj-limit=%s: want 1..255", v)
	}
	return uint8(n), nil
}
