package world

import "strings"

// left reports whether actor a is left behind by a hypervisor flow that
// stopped with an error (hvFailed): a vCPU the flow halted, which nobody
// will resume, or an actor blocked at an `await` whose name is still
// unsignalled. Done and othersDone count such an actor as finished once
// every other actor is: no program can signal the name any more (the
// scenario's check at load found a signaller for every awaited name, and
// the one left is the hypervisor's program, which stopped before it got
// there, or an actor itself left so), and the run ends with the flow's
// error, the program's doing, rather than a deadlock that reads as a
// device's (docs/scenarios.md, "Deadlocks").
func (a *actor) left(hvFailed bool) bool {
	return hvFailed && (a.halted || a.awaitsInVain())
}

// awaitsInVain reports whether a is blocked at an `await` whose name is
// unsignalled.
func (a *actor) awaitsInVain() bool {
	r := a.req
	return r != nil && strings.HasPrefix(r.label, a.name+":await ") && r.ready != nil && !r.ready()
}

// stranded reports whether the run ends with an actor blocked at an
// `await` that the hypervisor's failed flow left unsignalled: its log ends
// there (observe.FinishPass.Stranded).
func (w *World) stranded() bool {
	if w.hv == nil || w.hv.Err() == nil {
		return false
	}
	for _, a := range w.actors {
		if !a.done && a.awaitsInVain() {
			return true
		}
	}
	return false
}

// settling reports whether a waits at the end of its program for the
// other actors to finish (a guest's settle, the hypervisor's before its
// audit reads).
func (a *actor) settling() bool {
	return a.req != nil && (a.req.settle || a.req.label == a.name+":settle")
}
