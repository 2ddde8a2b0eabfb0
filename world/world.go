package world

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/flowblame"
	"github.com/migsim/migsim/world/guard"
	"github.com/migsim/migsim/world/hv"
	"github.com/migsim/migsim/world/network"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/ownerview"
	"github.com/migsim/migsim/world/passes"
	"github.com/migsim/migsim/world/peer"
	"github.com/migsim/migsim/world/por"
	"github.com/migsim/migsim/world/posted"
	"github.com/migsim/migsim/world/statehash"
	"github.com/migsim/migsim/world/stepfp"
	"github.com/migsim/migsim/world/steplabel"
	"github.com/migsim/migsim/world/tracerec"
	"github.com/migsim/migsim/world/vocab"
	"github.com/migsim/migsim/world/worldcfg"
)

// WorldConfig builds one World: one run of one scenario under one edition
// and knob set (package world/worldcfg holds its fields and their docs).
type WorldConfig = worldcfg.Config

// World is the simulated machine: hosts with an owner and its members,
// guest memory, a disk shared by all hosts, and the actors (guest vCPUs,
// hypervisor, peer device). It implements engine.System.
type World struct {
	cfg      WorldConfig
	scen     *scenario.Scenario
	ed       spec.Edition
	rules    spec.Rules
	settings []scenario.Arg
	streams  engine.Streams
	factory  member.Factory

	now  engine.VTime
	disk *blk.Disk
	// net is the network of a world of virtio-net VFs (package
	// world/network; net_world.go builds it).
	net   *network.Network
	hosts []*host
	// vm is the host the VM runs on now; vmVFs its VFs, sorted (vm.go).
	vm    *host
	vmVFs []int

	actors []*actor
	// devs lists device pseudo-actors (a function with pending events), in
	// creation order; devIndex finds them.
	devs     []*devActor
	devIndex map[devKey]*devActor
	timers   []timer
	timerSeq uint64

	signals map[string]bool
	// signalled lists the names signals holds, sorted: the footprint
	// guard compares it around every step (guardState, which shares it),
	// and a map costs a walk and a sort each time. signal keeps the two.
	signalled []string
	finding   *engine.Finding
	stepNo    int
	// Trace lines for the guest log, findings, notes.
	notes []worldNote

	guests []*guestActor
	// peers are the peer actors, in scenario order (their reads are part
	// of GuestLog). Each is owned by its actor's code: a copy of the world
	// leaves it nil and rebuildPeer makes it anew.
	peers []*peer.Peer
	// guestMem hands each guest driver its own guest memory.
	guestMem *guest.Allocator
	// hv is nil in a copy of the world's data (copyData): the rebuild
	// (rebuildHypervisor) makes it again.
	hv      *hv.Hypervisor
	hvActor *actor
	// hvProg and hvFlowFile are the hypervisor's program and where its
	// lines are (empty: the scenario), to build it again on a copy;
	// hvPublished and hvGone the admin completions each host's PF
	// published and whether its SR-IOV group was removed, which the
	// hypervisor reads (hv.World.Published, VFsGone); hvErrStep the number
	// (from 1) of the hypervisor's step that got its flow error, else 0.
	hvProg      *scenario.Program
	hvFlowFile  string
	hvPublished [4]int
	hvGone      [4]bool
	hvErrStep   int
	// asking is the actor whose request is being judged or run: the
	// world's stall, which the request's wait may give up on, is that
	// actor's (actor.released, stallSeen).
	asking *actor
	// feed holds the world's oracles by hook and fills their passes
	// (package world/passes), with the hypervisor's checked load in
	// progress (checkedLoad).
	feed passes.Feeder
	// dma collects the guest-memory accesses of the current device event.
	dma []observe.DMAAccess
	// rec records the trace (WorldConfig.Record; package world/tracerec).
	rec tracerec.Recorder
	// blame records the first access by a running vCPU to a device the
	// hypervisor had frozen (draft-2023) or stopped (virtio-1.4): the
	// hypervisor should have halted the vCPUs first (question 14).
	blame string
	// flowNotes are the hypervisor's flow mistakes noted so far
	// (flow_blame.go).
	flowNotes flowblame.Notes

	// Footprints (footprint.go, package world/stepfp): the world's shape
	// and its hash, each actor's kind, the hosts the hypervisor loads
	// into; and the guard (footprint_guard.go) with its scratch.
	fp         stepfp.Steps
	guard      guard.Step
	guardAfter guard.State
	// sh hashes the state (state_hash.go, package world/statehash); chaining is set once the run
	// keeps the actors' chains; opaque once a member built keeps its state
	// out of reach with no chain of its inputs (member.Opaque, not
	// member.InputChained), impure once one is not statehash.Pure (memberBuilt).
	sh                       *statehash.Hasher
	chaining, opaque, impure bool
	// released are the members built that hold something outside the
	// process (member.Releaser), released by Close; a copy holds none.
	released member.Releasers
	// observing is the actor whose step runs, when its chain records what
	// it reads (state_hash.go).
	observing *actor
	// hvShared is set by a step that ran the hypervisor's code on another
	// actor (shareChains).
	hvShared bool
	// posted is the bus model of guest MMIO writes (bus_posted.go); bus
	// holds the writes in flight; laneBusy is set while a lane delivers.
	posted   string
	bus      posted.Bus
	laneBusy bool
	// replayed is set while a step an earlier run judged runs and its
	// per-event checks are left out (replay.go); perEvent when every event
	// oracle judges an event on its own.
	replayed, perEvent bool
}

// host is one physical host: an owner (PF) with its members, the host
// memory holding the PF's admin queue, and the guest memory copy of the VM
// (on the source from the start, on a destination after copy-memory).
type host struct {
	// w is the world, for observing what the hypervisor reads of the
	// host (Failed).
	w        *World
	name     string
	idx      int
	pf       *owner.PF
	pfCfg    *pcie.ConfigSpace
	hostMem  *virtq.GuestMemory
	guestMem *virtq.GuestMemory
	// otherMem is the memory of the VMs that are not migrated (guests on
	// VFs outside the VM); only the source has it.
	otherMem *virtq.GuestMemory
	failed   bool
	// truth is what the host knows of each member (owner_truth.go).
	truth *ownerview.Record
	// feed is the host as the oracles' passes read it (package
	// world/passes), made once the PF is: its name, PF and record.
	feed passes.Host
}

type devKey struct {
	host   int
	target owner.Target
}

// devActor is a function (PF or VF) of one host with pending internal
// events: its steps and expired timers, in FIFO order.
type devActor struct {
	id      int
	key     devKey
	name    string
	pending []por.Queued
	// labels are the labels of the steps scheduled so far. Not state: the
	// state hash reads pending.
	labels steplabel.Device
}

// popPending removes and returns the device's first pending event. The
// rest move down, so the queue keeps its array: appending to a slice
// advanced past its head would allocate a new one every few events.
func (d *devActor) popPending() por.Queued {
	ev := d.pending[0]
	n := copy(d.pending, d.pending[1:])
	d.pending[n] = por.Queued{}
	d.pending = d.pending[:n]
	return ev
}

type timer struct {
	at  engine.VTime
	seq uint64
	// dev timers: deliver ev to key; actor timers: wake the actor.
	dev   *devKey
	ev    member.Event
	actor *actor
}

// NewWorld builds a world from its configuration and the run's streams.
func NewWorld(cfg WorldConfig, st engine.Streams) (*World, error) {
	if cfg.Scenario == nil {
		return nil, fmt.Errorf("world: no scenario")
	}
	w := &World{cfg: cfg, scen: cfg.Scenario, ed: cfg.Edition, rules: cfg.Rules, streams: st,
		factory: cfg.Factory, devIndex: map[devKey]*devActor{}, signals: map[string]bool{}, guestMem: guest.NewAllocator()}
	if w.factory == nil {
		w.factory = blk.New
	}
	set, err := observe.NewSet(observeWorld{w}, cfg.Oracles)
	if err != nil {
		return nil, fmt.Errorf("world: %w", err)
	}
	w.feed, w.perEvent = passes.New(set), set.EventsPerEvent()
	w.rec = tracerec.New(traceWorld{w})
	if err := vocab.CheckWorldSettings(cfg.Scenario, cfg.Settings); err != nil {
		return nil, fmt.Errorf("world: %s: %w", cfg.Scenario.File, err)
	}
	w.settings = append(append([]scenario.Arg{}, cfg.Scenario.Settings...), cfg.Settings...)
	w.posted = w.postedMode()
	w.bus.Unordered = w.posted == vocab.PostedUnordered
	w.disk = blk.NewDisk(uint64(w.settingInt(vocab.SettingCapacity, vocab.DefaultCapacity)), "migsim-disk")
	w.disk.SetObserver(w.diskAccess)
	if err := w.buildNet(); err != nil {
		return nil, err
	}
	src, err := w.addHost("src")
	if err != nil {
		return nil, err
	}
	src.guestMem = virtq.NewGuestMemory()
	src.otherMem = virtq.NewGuestMemory()
	w.vm = src
	if err := w.buildVM(); err != nil {
		return nil, err
	}
	if err := w.buildActors(); err != nil {
		return nil, err
	}
	w.initFootprints()
	return w, nil
}

// setting returns the value of a world setting (expectation settings win).
func (w *World) setting(key string) (string, bool) {
	v, ok := "", false
	for _, a := range w.settings {
		if a.Key == key {
			v, ok = a.Value, true
		}
	}
	return v, ok
}

// hostByName returns the named host, creating a destination on first use.
// Only the vocab.Vocabulary's hosts exist: a misspelt name is an error, not a
// new host.
func (w *World) hostByName(name string) (*host, error) {
	for _, h := range w.hosts {
		if h.name == name {
			return h, nil
		}
	}
	if !slices.Contains(vocab.Hosts, name) {
		return nil, fmt.Errorf("unknown host %q (hosts: %s)", name, strings.Join(vocab.Hosts, ", "))
	}
	return w.addHost(name)
}

func (w *World) addHost(name string) (*host, error) {
	idx := len(w.hosts)
	if idx >= passes.MaxHosts {
		return nil, fmt.Errorf("world: too many hosts (at %q)", name)
	}
	h := &host{w: w, name: name, idx: idx, hostMem: virtq.NewGuestMemory(), truth: ownerview.NewRecord(observeWorld{w})}
	rid := pcie.RID(uint16(idx+1) << 8) // bus idx+1, device 0, function 0
	cs, err := pcie.NewPFConfig(pcie.PFOptions{RID: rid, DeviceID: spec.PCIDeviceVirtioBlk, VFDeviceID: w.vfDeviceID(),
		TotalVFs: uint16(w.scen.VFs), FirstVFOffset: 1, VFStride: 1, MSIXVectors: 2})
	if err != nil {
		return nil, fmt.Errorf("world: host %s: %w", name, err)
	}
	if err := addrmap.Firmware(cs, idx); err != nil {
		return nil, fmt.Errorf("world: host %s: firmware: %w", name, err)
	}
	h.pfCfg = cs
	limit, err := w.objLimit()
	if err != nil {
		return nil, err
	}
	pf, err := owner.New(owner.Config{Edition: w.ed, Config: cs, Mem: guardedHostMem{w, h}, ListBeforeVFEnable: w.rules.ListBeforeVFEnable,
		GetLimit: limit, SetLimit: limit, Quiet: !w.keepNotes(), ReuseEffects: true, NewMember: w.memberFactory(h)})
	if err != nil {
		return nil, fmt.Errorf("world: host %s: %w", name, err)
	}
	h.pf = pf
	h.feed = passes.Host{Idx: idx, Name: name, PF: pf, Cfg: cs, Truth: h.truth}
	w.hosts = append(w.hosts, h)
	w.feed.AddHost()
	return h, nil
}

// memberFactory builds host h's members for its PF (owner.Config.NewMember).
func (w *World) memberFactory(h *host) owner.MemberFactory {
	queues := uint16(w.scen.Queues)
	return func(vf int, vrid pcie.RID, bar0 uint64) member.Device {
		m := w.newMember(h, vf, member.Config{Edition: w.ed, Rules: w.rules, VF: vf, RID: vrid, BAR0: bar0,
			NumQueues: queues, Mem: w.dmaPort(h, vf), Backing: w.disk, Quiet: !w.keepNotes()})
		w.memberBuilt(m)
		w.feed.Built(h.idx, vf)
		return m
	}
}

// dev returns the pseudo-actor of a function, creating it.
func (w *World) dev(h *host, t owner.Target) *devActor {
	k := devKey{h.idx, t}
	if d, ok := w.devIndex[k]; ok {
		return d
	}
	d := &devActor{id: w.nextActorID(), key: k, name: h.name + "." + t.String()}
	w.devs = append(w.devs, d)
	w.devIndex[k] = d
	return d
}

// Enabled lists the enabled steps: actors in id order, then devices in
// creation order, each with its footprint (footprint.go), then the lanes
// of the bus with writes in flight (package posted).
func (w *World) Enabled(buf []engine.Step) []engine.Step { return w.enabled(buf, true) }

// EnabledBare implements engine.LazyFootprinter: Enabled without the
// footprints, for a decision whose chooser does not need them. Once a
// member built is not member.Pure it lists them all, as Enabled does: a
// footprint asks the members for their status, which such a member only
// promises to answer without a change.
func (w *World) EnabledBare(buf []engine.Step) []engine.Step { return w.enabled(buf, w.impure) }

// StepFootprint implements engine.LazyFootprinter: the footprint Enabled
// gives step s now.
func (w *World) StepFootprint(s engine.Step) engine.Footprint {
	switch {
	case s.ID < 0 || !w.lanesIdle():
		return por.FPAll
	case s.ID < len(w.actors):
		return w.actorFootprint(s.ID)
	}
	return w.deviceFootprint(w.devs[s.ID-len(w.actors)])
}

func (w *World) enabled(buf []engine.Step, fp bool) []engine.Step {
	start := len(buf)
	for i, a := range w.actors {
		if a.done || a.halted {
			continue
		}
		if a.req.ready != nil && !w.readyFor(a) {
			continue
		}
		st := engine.Step{Actor: a.id, ID: i, Label: a.req.label}
		if fp {
			st.Footprint = w.actorFootprint(i)
		}
		buf = append(buf, st)
	}
	for i, d := range w.devs {
		if len(d.pending) == 0 {
			continue
		}
		h := w.hosts[d.key.host]
		if h.failed {
			continue
		}
		st := engine.Step{Actor: d.id, ID: len(w.actors) + i, Label: d.pending[0].Label}
		if fp {
			st.Footprint = w.deviceFootprint(d)
		}
		buf = append(buf, st)
	}
	if fp && !w.lanesIdle() {
		// A write in flight lands when its lane delivers it or when a
		// later access pushes it ahead (PCIe ordering, package posted): any
		// step may then reach any function, so every step declares
		// everything (sound for the reduction, and the guard agrees).
		for i := start; i < len(buf); i++ {
			buf[i].Footprint = por.FPAll
		}
	}
	return w.bus.Steps(buf, w.hostFailed)
}

// Epoch implements engine.Epocher: when nothing can run and no timer is
// pending, blocked waits give up (the world has stalled), so the guest
// records what never completed and the hypervisor reports the hang. Like
// a clock advance it happens only when nothing is enabled, so every step
// before it happens before every step after it. The stall releases the
// actors blocked at it (actor.released), each until it runs its next
// step or the clock advances: a wait an actor starts after the stall (the
// hypervisor's admin command, once a guest that gave up signalled it)
// waits for its event like any other, and gives up only at a later stall.
// The hypervisor's waits (its `await`, an admin completion) are released
// only at a stall that releases no other actor (docs/scenarios.md,
// "Deadlocks": its `await` gives up once nothing else can run), so that a
// verdict does not depend on whether a guest's wait or the hypervisor's
// gives up first; its wait for the others at the end of its program is
// released with theirs. Epoch reports false when it releases no actor:
// nothing more can change.
func (w *World) Epoch() bool {
	if w.Done() {
		return false
	}
	changed := false
	for _, a := range w.actors {
		if (a != w.hvActor || a.settling()) && !a.done && !a.released {
			a.released, changed = true, true
		}
	}
	if a := w.hvActor; !changed && a != nil && !a.done && !a.released {
		a.released, changed = true, true
	}
	return changed
}

// readyFor reports whether actor a's pending request can run, with the
// stall it may give up on its own (stallSeen).
func (w *World) readyFor(a *actor) bool {
	prev := w.asking
	w.asking = a
	ok := a.req.ready()
	w.asking = prev
	return ok
}

// stallSeen reports whether the actor whose request is being judged or
// run was blocked when the world last stalled and has not run since: its
// wait may give up (Epoch).
func (w *World) stallSeen() bool { return w.asking != nil && w.asking.released }

// Execute runs one step.
func (w *World) Execute(s engine.Step) *engine.Finding {
	w.stepNo++
	w.beginStep(s)
	defer w.endStep()
	if s.ID < 0 {
		w.deliverHead(w.bus.Lanes[-1-s.ID])
	} else if s.ID < len(w.actors) {
		if w.chaining && !w.holdsOpaque() {
			w.chainStep(s.ID, s.Footprint)
		}
		a := w.actors[s.ID]
		w.asking = a
		a.run(w)
		if a == w.hvActor && w.hvErrStep == 0 && w.hv.Err() != nil {
			w.hvErrStep = w.stepNo
		}
		w.asking, a.released = nil, false
		w.observing = nil
		if (w.hvShared || a.trapping) && a != w.hvActor {
			w.touchHV()
		}
		if w.hvShared || a.trapping {
			w.shareChains(a)
		}
	} else {
		d := w.devs[s.ID-len(w.actors)]
		ev := d.popPending()
		w.deliver(w.hosts[d.key.host], d.key.target, ev.Ev, d.name)
	}
	w.replayed = false // what happens between steps (timers, an epoch) is checked
	return w.takeFinding()
}

func (w *World) takeFinding() *engine.Finding {
	f := w.finding
	w.finding = nil
	return f
}

// report records the first finding of a step.
func (w *World) report(oracle string, reqs []string, actors []string, format string, args ...any) {
	if w.finding != nil {
		return
	}
	var uniq []string
	for _, a := range actors {
		if !slices.Contains(uniq, a) {
			uniq = append(uniq, a)
		}
	}
	w.finding = &engine.Finding{Oracle: oracle, Reqs: reqs, Actors: uniq, Message: fmt.Sprintf(format, args...)}
}

// NextTimer returns the earliest timer.
func (w *World) NextTimer() (engine.VTime, bool) {
	if len(w.timers) == 0 {
		return 0, false
	}
	return w.timers[0].at, true
}

// Advance moves the clock; due device timers become pending device events
// and sleeping actors wake.
func (w *World) Advance(now engine.VTime) {
	if w.guard.On() {
		// A host booting inside a step (hvPort.runInline) must not need the
		// clock: time moves only between steps.
		panic(fmt.Sprintf("world: step %q moved the clock to %s", w.guard.Label(), now))
	}
	w.now = now
	for _, h := range w.hosts {
		h.truth.Settle() // FLRs end with time, not when something reads the record
	}
	for len(w.timers) > 0 && w.timers[0].at <= now {
		t := w.timers[0]
		w.timers = w.timers[1:]
		if t.dev != nil {
			h := w.hosts[t.dev.host]
			d := w.dev(h, t.dev.target)
			d.pending = append(d.pending, por.NewQueued(t.ev, d.name+":timer "+t.ev.Timer.String()))
		}
	}
	for _, a := range w.actors {
		a.released = false
	}
}

func (w *World) addTimer(t timer) {
	t.seq = w.timerSeq
	w.timerSeq++
	w.timers = append(w.timers, t)
	slices.SortStableFunc(w.timers, func(a, b timer) int { return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.seq, b.seq)) })
}

// Done reports whether every actor finished and no device work is left. A
// vCPU the hypervisor halted, and an actor blocked at an await nobody
// signalled, count as finished once the hypervisor's flow has stopped with
// an error (actor.left): nobody will resume or signal them, and Finish
// reports the named error rather than a hang.
func (w *World) Done() bool {
	hvFailed := w.hv != nil && w.hvActor.done && w.hv.Err() != nil
	for _, a := range w.actors {
		if !a.done && !a.left(hvFailed) {
			return false
		}
	}
	for _, d := range w.devs {
		if len(d.pending) > 0 && !w.hosts[d.key.host].failed {
			return false
		}
	}
	return w.lanesIdle()
}

// Finished implements engine.Finisher: a guest vCPU, the hypervisor or a
// peer whose program has returned. A halted vCPU is not finished (the
// hypervisor may resume it), nor is a device or a bus lane, which a later
// step can always give work.
func (w *World) Finished(id int) bool {
	return id >= 0 && id < len(w.actors) && w.actors[id].done
}

// ActorName names an actor or a device.
func (w *World) ActorName(id int) string {
	if id < len(w.actors) {
		return w.actors[id].name
	}
	for _, d := range w.devs {
		if d.id == id {
			return d.name
		}
	}
	if name, ok := w.bus.Name(id); ok {
		return name
	}
	return fmt.Sprintf("actor%d", id)
}

// Notes returns the world's trace notes: none unless the run is recorded
// or WorldConfig.Notes is set (keepNotes).
func (w *World) Notes() []string {
	out := make([]string, len(w.notes))
	for i, n := range w.notes {
		prefix := ""
		if n.host != "" {
			prefix = n.host + "." + n.target.String() + ": "
		}
		out[i] = "[" + strconv.Itoa(n.step) + "] " + prefix + n.text
	}
	return out
}

// worldNote is one trace note, its step and function kept apart until
// Notes renders them. A function's note names its host and target.
type worldNote struct {
	step       int
	host, text string
	target     owner.Target
}

// keepNotes reports whether the run keeps notes: a recorded one, or one
// configured to (WorldConfig.Notes).
func (w *World) keepNotes() bool { return w.cfg.Record || w.cfg.Notes }

func (w *World) notef(format string, args ...any) {
	if w.keepNotes() {
		w.notes = append(w.notes, worldNote{step: w.stepNo, text: fmt.Sprintf(format, args...)})
	}
}

// noteFrom keeps a function's note as it is, prefixed with its host.
func (w *World) noteFrom(h *host, n owner.Note) {
	if w.keepNotes() {
		w.notes = append(w.notes, worldNote{step: w.stepNo, host: h.name, target: n.Target, text: n.Text})
	}
}
