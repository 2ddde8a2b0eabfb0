package world

import (
	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/actorlog"
	"github.com/migsim/migsim/world/hv"
	"github.com/migsim/migsim/world/ownerview"
	"github.com/migsim/migsim/world/posted"
)

// PlantUnforgottenEvent hands ev to member vf of host 0 as deliver does,
// but without telling the state hasher (devicesChanged): a writer that
// skips the invalidation of the member's kept hash, which the memo check
// must catch.
func (w *World) PlantUnforgottenEvent(vf int, ev member.Event) {
	w.hosts[0].pf.Handle(owner.Event{Target: owner.Target(vf), Ev: ev})
}

// NetPortForTest is host h's port of VF vf (nil without a network).
func (w *World) NetPortForTest(h, vf int) *membernet.Port {
	if w.net == nil {
		return nil
	}
	return w.net.Port(h, w.hosts[h].name, vf)
}

// RecordForTest is host h's record of its members.
func (w *World) RecordForTest(h int) *ownerview.Record { return w.hosts[h].truth }

// CanonicalStateHash is StateHash, also in a run that did not ask for a
// state hash before its first step. It leaves out the ids of the device
// pseudo-actors, which depend on the order devices first had work: two
// runs that differ only in that order hash alike.
func (w *World) CanonicalStateHash() uint64 {
	if !w.chaining {
		w.StateHash()
	}
	return w.stateHash()
}

// StateHashWith is StateHash computed by a new hasher, with no device
// hash cached: by reflection alone when reflective is set. It still reads
// the hashes the world keeps inside its parts (a member core's queues and
// backend, the memories' sums); FreshStateHash reads none of them.
func (w *World) StateHashWith(reflective bool) uint64 {
	saved := w.sh
	w.sh = newStateHasher(w, reflective, false)
	defer func() { w.sh = saved }()
	return w.stateHash()
}

// FreshStateHash is StateHash computed from scratch: a fresh hasher
// (no device hash cached) that reads no memo (the network's links, ports
// and frames' chain recomputed); what a check of the memos compares
// StateHash with.
func (w *World) FreshStateHash() uint64 {
	saved := w.sh
	w.sh = newStateHasher(w, false, true)
	defer func() { w.sh = saved }()
	return w.stateHash()
}

// FreshJudgeHash is JudgeHash with every host's record of its members
// hashed from scratch (ownerview.Record.FreshJudgeHash).
func (w *World) FreshJudgeHash() (uint64, bool) { return w.judgeHash(true) }

// SetGuestIRQs sets the interrupts pending for guest i.
func (w *World) SetGuestIRQs(i int, irqs []uint16) { w.guests[i].irqs = irqs }

// SubmitForTest records on host 0's owner record that cmd was submitted.
func (w *World) SubmitForTest(cmd adminq.Command) { w.hosts[0].truth.Submitted(cmd) }

// SharedHash is the hash of the shared state, what a step that may touch
// everything records in its actor's chain.
func (w *World) SharedHash() uint64 { return w.hasher().Shared() }

// PostWriteForTest puts a guest write to VF 1 of the first host in flight
// on a bus lane.
func (w *World) PostWriteForTest(addr uint64, data []byte) {
	l := &posted.Lane{ID: len(w.bus.Lanes), Host: 0}
	l.Writes = append(l.Writes, posted.Write{Target: 1, TLP: pcie.TLP{Kind: pcie.MemWrite, Addr: addr, Data: data}, Who: "vcpu0"})
	w.bus.Lanes = append(w.bus.Lanes, l)
}

// GuestDriver is the driver of guest i.
func (w *World) GuestDriver(i int) any { return w.guests[i].drv }

// GuestLabel is the label of guest i's pending operation ("" when none).
func (w *World) GuestLabel(i int) string {
	if r := w.guests[i].req; r != nil {
		return r.label
	}
	return ""
}

// StepGuest runs guest i's pending operation.
func (w *World) StepGuest(i int) {
	g := w.guests[i]
	w.Execute(engine.Step{Actor: g.id, ID: g.id, Label: g.req.label, Footprint: w.actorFootprint(g.id)})
}

// QueryMembersForTest asks every member built, on every host, for its
// status and context digest (what the event oracles and the footprint
// guard ask), and returns how many it asked and whether all of them are
// member.Pure.
func (w *World) QueryMembersForTest() (n int, pure bool) {
	pure = true
	for _, h := range w.hosts {
		for _, m := range h.pf.Members() {
			m.Status()
			m.ContextDigest()
			n++
			_, ok := m.(member.Pure)
			pure = pure && ok
		}
	}
	return n, pure
}

// MemberBuiltDuringReplayForTest marks the world inside a replayed step
// whose checks are left out, tells it that step built m, and reports
// whether the checks are still left out.
func (w *World) MemberBuiltDuringReplayForTest(m member.Device) bool {
	w.replayed = true
	defer func() { w.replayed = false }()
	w.memberBuilt(m)
	return w.replayed
}

// HVRecord is the hypervisor actor's record so far.
func (w *World) HVRecord() []actorlog.Entry { return w.hvActor.log.Prefix(w.hvActor.log.Len()) }

// HVRecordLen is the number of entries in the hypervisor actor's record so
// far: len(HVRecord()) without copying the record, which the tests that
// look at every decision of a run would copy at each.
func (w *World) HVRecordLen() int { return w.hvActor.log.Len() }

// HVRecordAt is entry i of the hypervisor actor's record
// (HVRecord()[i], without copying the record).
func (w *World) HVRecordAt(i int) actorlog.Entry { return w.hvActor.log.At(i) }

// RebuildHypervisorFrom makes w's hypervisor a shell, as a copy of the
// world holds it (no coroutine, no pending request, no hv.Hypervisor), with
// the first n entries of from's hypervisor record as its record, and
// rebuilds it (rebuildHypervisor).
func (w *World) RebuildHypervisorFrom(from *World, n int) error {
	return w.RebuildHypervisorWith(from, n, hv.Rebuild{})
}

// RebuildHypervisorWith is RebuildHypervisorFrom with b's test fields
// (hv.Rebuild.Code: a planted bug).
func (w *World) RebuildHypervisorWith(from *World, n int, b hv.Rebuild) error {
	a := w.hvActor
	done := a.done
	if a.co != nil {
		a.co.Stop()
	}
	a.co, a.req, a.at, a.done, w.hv = nil, nil, nil, done, nil
	a.log = from.hvActor.log.Share(n)
	return w.rebuildHypervisor(b)
}

// RebuildHypervisorForTest rebuilds the hypervisor of w, a copy of a
// world's data (CopyKeptForTest), from its actor's record as a runnable
// copy's Fork does, and returns its refusal.
func (w *World) RebuildHypervisorForTest() error { return w.rebuildHypervisor(hv.Rebuild{}) }

// MembersHashedForTest is how many times the world's state hasher hashed
// a member rather than reusing its kept hash (statehash.Hasher.MembersHashed).
func (w *World) MembersHashedForTest() int {
	if w.sh == nil {
		return 0
	}
	return w.sh.MembersHashed()
}
