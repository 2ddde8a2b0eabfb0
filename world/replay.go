package world

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/world/statehash"
)

// Replayed steps: a dfs search re-runs the path to the decision it
// branches at, and every step of it before that decision was run by an
// earlier run of the search after the same steps, and judged there
// without a finding (engine.ReplayAware). The world is deterministic, so
// such a step changes the state exactly as it did then, and every check
// that looks at the step alone says what it said then. On such a step the
// world leaves those checks out: the event oracles, when each of them
// judges an event on its own (observe.PerEventOracle), and the footprint
// guard. Everything that changes state still runs, and so do the checks
// that carry something to later steps (the received, load, flow-end and
// finish oracles, the notes, the guest log, the actors' chains). Both kinds
// of check query the members (Status, ContextDigest), so they are left
// out only while every member built answers queries without side effects
// (member.Pure) and none is outside the process (member.Opaque).
// WorldConfig.CheckReplays runs everything on every step.

// Replayed implements engine.ReplayAware.
func (w *World) Replayed(judged bool) {
	w.replayed = judged && w.perEvent && !w.cfg.CheckReplays && w.pureMembers()
}

// pureMembers reports whether every member built so far answers queries
// without side effects inside the process (memberBuilt keeps count).
func (w *World) pureMembers() bool { return !w.impure }

// memberBuilt records that a member was built: whether it is not
// statehash.Pure (impure) or keeps its state outside the process where no
// chain of its inputs stands for it (opaque: member.Opaque but not
// member.InputChained), which stay set for the rest of the run even when
// the member is gone, and a member.Releaser for Close. It keeps the checks
// on for the rest of a replayed step that builds such a member: Replayed
// looked at the members built before the step.
func (w *World) memberBuilt(m member.Device) {
	w.released.Add(m)
	if _, ok := m.(member.Opaque); ok && !statehash.InputChained(m) {
		w.opaque = true
	}
	if !statehash.Pure(m) {
		w.impure = true
		w.replayed = false
	}
}
