package world

import (
	"reflect"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/world/por"
	"github.com/migsim/migsim/world/statehash"
)

// State hashing (engine.StateHasher): dfs with state pruning skips a state
// it has explored before. The world's state is its shared state — every
// host's owner and members with their pending events and timers, host and
// guest memory, the disk, the clock and the stall, signals, the VM's host,
// halted vCPUs, failed hosts, pending interrupts, the blame, what the
// hypervisor can read of each host's record of its members
// (ownerview.Record.StateHash) — and each actor's. What the oracles keep
// to judge with is not part of it: that is the judge hash (JudgeHash,
// judge_hash.go), and state pruning keys a visit on both, so two paths
// that reach one state having shown the oracles different things are
// both explored. An actor runs straight-line
// code on a coroutine whose stack cannot be hashed, but it is
// deterministic: its state after a step is a function of its state before
// and of the values the step read. So an actor's state is summarised by a
// chain: the hash, step after step, of exactly what it read (chainStep,
// hv_observe.go), or, for a step that may touch everything, of the whole
// shared state. Two states whose shared state and chains are equal behave
// the same.
//
// The hosts' part of the shared state is package world/statehash's (its
// hasher caches the devices' hashes); the world hands it the rest
// (hashWorld). A world holding an opaque member (member.Opaque) without a
// chain of its inputs reports no state hash.

// worldPkg is the package of the world's own types, which the device
// hashers leave out (package devhash).
var worldPkg = reflect.TypeOf(World{}).PkgPath()

func (w *World) hasher() *statehash.Hasher {
	if w.sh == nil {
		w.sh = newStateHasher(w, false, false)
	}
	return w.sh
}

// newStateHasher returns a state hasher of w with no hash cached;
// reflective walks the devices by reflection alone (the reference the
// compiled walk is checked against); fresh reads no memo of the parts
// the world hashes outside its devices (the network's), for checks of
// the memos.
func newStateHasher(w *World, reflective, fresh bool) *statehash.Hasher {
	return statehash.New(hashWorld{w, fresh}, worldPkg, w.net != nil, reflective, fresh)
}

// devicesChanged forgets the hashes an event on function t of host h may
// have changed (statehash.Hasher.Forget, owner.PF.Touched).
func (w *World) devicesChanged(h *host, t owner.Target) {
	if touched, all := h.pf.Touched(); w.sh != nil {
		w.sh.Forget(h.idx, t, touched, all)
	}
}

// StateHash implements engine.StateHasher. Actors' chains are kept only
// once a run asked for its first state hash before its first step; asked
// later, the world cannot tell.
func (w *World) StateHash() (uint64, bool) {
	if w.holdsOpaque() {
		return 0, false
	}
	if !w.chaining {
		if w.stepNo > 0 {
			return 0, false
		}
		w.chaining = true
	}
	return w.stateHash(), true
}

// deviceKeyBase is where ActorKey numbers the device pseudo-actors: above
// every id a run gives out (actors, devices and bus lanes number far below
// 2^20), device (host h, function t) at deviceKeyBase + h<<16 + t.
const deviceKeyBase = 1 << 20

// ActorKey implements engine.ActorKeyer. A device pseudo-actor's id is
// the order in which the devices first had work, which the path decides:
// two paths that reach one state may number its devices differently. Its
// key is its host and function instead, so the state hash leaves the ids
// out and state pruning compares the actors a visit remembers by what they
// are. Nothing else depends on a device's id: the world lists the devices'
// steps in id order (Enabled), which orders the choices but not what they
// do, and runs a booting host's pending device events in function order
// (hvWorld.StepInline). The guests, the hypervisor and the peers are
// created in scenario order and keep their ids; a bus lane's id is part
// of the state hash (posted.Bus.StateHash) and is its key.
func (w *World) ActorKey(id int) int {
	if id < len(w.actors) {
		return id
	}
	for _, d := range w.devs {
		if d.id == id {
			return deviceKeyBase + d.key.host<<16 + int(d.key.target)
		}
	}
	return id
}

// TrackState implements engine.StateTracker: the run keeps the actors'
// chains from its first step on, as a first StateHash before it would.
func (w *World) TrackState() {
	if w.stepNo == 0 && !w.holdsOpaque() {
		w.chaining = true
	}
}

// holdsOpaque reports whether a member built so far keeps its state
// outside the process with no chain of its inputs to stand for it
// (member.Opaque but not member.InputChained, recorded by memberBuilt);
// once one is, the world never hashes again. A run asks before its first step, and
// members are built by then only if a scenario's boot built them; a member
// built later makes every later hash refused, so no state with it is ever
// compared.
func (w *World) holdsOpaque() bool { return w.opaque }

// stateHash hashes the state. Not the ids of the device pseudo-actors,
// which follow the order they first had work: state pruning keys the
// devices by host and function (ActorKey).
func (w *World) stateHash() uint64 {
	sh := w.hasher()
	h := sh.Shared()
	for _, a := range w.actors {
		h = deephash.Mix(h, a.chain)
		h = deephash.Mix(h, por.BoolBits(a.done, a.halted))
		if a.req != nil {
			h = deephash.String(h, a.req.label)
		}
	}
	return h
}

// chainStep starts a step of actor i with footprint fp in its chain. A
// guest or a peer reads the shared state only through the result of its
// operation, guest memory (its driver's rings and buffers) and the clock;
// the hypervisor through hv.World, host memory and the results of its
// operations (hv_observe.go). The chain records exactly those values
// (observe, observeMemRead, observeValue), so that it does not change when
// state the actor never read does. A step that may touch everything
// records the whole shared state instead.
func (w *World) chainStep(i int, fp engine.Footprint) {
	a := w.actors[i]
	if por.HasResource(fp.Writes(), por.ResAll) {
		a.chain = deephash.Mix(a.chain, w.hasher().Shared())
		return
	}
	a.chain = deephash.Mix(deephash.Mix(a.chain, uint64(w.now)), por.BoolBits(a.released))
	w.observing = a
}

// shareChains follows a step of actor a that ran the hypervisor's code (a
// vCPU's trapped FLR): the step read and changed the hypervisor's state,
// and the hypervisor's next steps read what it changed. Each chain then
// holds the other's, so that each actor's state stays a function of its
// chain.
func (w *World) shareChains(a *actor) {
	w.hvShared = false
	if !w.chaining || w.hvActor == nil || a == w.hvActor {
		return
	}
	c := deephash.Mix(a.chain, w.hvActor.chain)
	a.chain, w.hvActor.chain = c, deephash.Mix(c, 0x5ba7ed)
}

// cleanChain restarts a guest's chain from its state where the driver says
// nothing else counts (guest.CleanWaiter) and when its program settles:
// the operation it runs and its driver's fields (guest.StateHasher), not
// how it got there. Not while the vCPU runs the hypervisor's code, nor
// while a rebuilt guest fast-forwards (the copy holds the chain).
func (g *guestActor) cleanChain() {
	if sh, ok := g.drv.(guest.StateHasher); ok && g.w.chaining && !g.trapping && !g.w.hvShared && !g.tape.Forwarding() {
		g.chain = deephash.Mix(deephash.Mix(0xc1ea4c4a17, uint64(g.opIdx)), sh.StateHash())
	}
}

// observe records the result of the actor's operation in its chain.
func (a *actor) observe(res []byte) {
	a.chain = deephash.Bytes(deephash.Mix(a.chain, por.BoolBits(res == nil)), res)
}

// observeMemRead records guest memory the observed actor read.
func (w *World) observeMemRead(addr uint64, buf []byte) {
	if a := w.observing; a != nil {
		a.chain = deephash.Bytes(deephash.Mix(a.chain, addr), buf)
	}
}

// hashWorld is the world as its state hasher reads it (statehash.World);
// fresh: recomputing what keeps its hash (network.Network.Hash, the
// memories' and the disk's kept sums).
type hashWorld struct {
	w     *World
	fresh bool
}

func (s hashWorld) Hosts() int { return len(s.w.hosts) }

func (s hashWorld) Host(i int) statehash.Host {
	w, x := s.w, s.w.hosts[i]
	out := statehash.Host{Name: x.name, Failed: x.failed, PF: x.pf, HostMem: x.hostMem, GuestMem: x.guestMem,
		OtherMem: x.otherMem, Truth: x.truth, Fresh: s.fresh}
	if w.hv != nil {
		out.HV, out.Published, out.Seen, out.Gone = true, w.hvPublished[i], w.hv.Seen(i), w.hvGone[i]
	}
	return out
}

func (s hashWorld) Head(h uint64) uint64 {
	w := s.w
	h = deephash.Mix(h, uint64(w.now))
	for _, a := range w.actors {
		h = deephash.Mix(h, por.BoolBits(a.released))
	}
	h = deephash.Mix(h, por.SignalsHash(w.signals))
	h = deephash.String(h, w.blame)
	h = w.flowNotes.Hash(h)
	if w.vm != nil {
		h = deephash.Mix(h, uint64(w.vm.idx)+1)
	}
	disk := w.disk.StateHash()
	if s.fresh {
		disk = w.disk.FreshStateHash()
	}
	h = deephash.Mix(deephash.Mix(h, disk), w.net.Hash(s.fresh))
	// The writes in flight on the bus (posted.Bus.StateHash).
	return w.bus.StateHash(h)
}

func (s hashWorld) Queued(v uint64, host int, t owner.Target) uint64 {
	w := s.w
	for _, dv := range w.devs {
		if dv.key.host == host && dv.key.target == t {
			for i := range dv.pending {
				v = deephash.Mix(v, dv.pending[i].Hash(s.fresh))
			}
		}
	}
	for _, tm := range w.timers {
		if tm.dev != nil && tm.dev.host == host && tm.dev.target == t {
			v = deephash.Mix(deephash.Mix(v, uint64(tm.at)), por.EventHash(tm.ev))
		}
	}
	return v
}

func (s hashWorld) Tail(h uint64) uint64 {
	w := s.w
	for _, g := range w.guests {
		h = deephash.Mix(h, por.IRQsHash(g.irqs))
		h = deephash.Mix(h, por.BoolBits(g.halted))
	}
	for _, t := range w.timers {
		if t.actor != nil {
			h = deephash.Mix(deephash.Mix(h, uint64(t.at)), uint64(t.actor.id))
		}
	}
	return h
}
