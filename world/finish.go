package world

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
)

// GuestLog returns what the guests observed, guest by guest, then what the
// peers' reads returned, peer by peer: the history the transparent oracle
// compares with a run without migration.
func (w *World) GuestLog() []string {
	var out []string
	for _, g := range w.guests {
		for _, l := range g.drv.Log() {
			out = append(out, g.name+": "+l)
		}
	}
	for _, p := range w.peers {
		for _, l := range p.Log() {
			out = append(out, p.Name()+": "+l)
		}
	}
	return out
}

// GuestTrouble returns the lines of the guests' logs that tell of trouble
// (guest.Driver.Trouble), guest by guest in log order, each line prefixed
// with its guest's name and ": " as GuestLog has it.
func (w *World) GuestTrouble() []guest.Trouble {
	var out []guest.Trouble
	for _, g := range w.guests {
		for _, t := range g.drv.Trouble() {
			t.Line = g.name + ": " + t.Line
			out = append(out, t)
		}
	}
	return out
}

// Finish ends the run: the first finding of the last step if any, else
// the finish oracles (a guest that gave up waiting, the comparison with the
// run without migration, an admin command that never completed), else the
// `error:NAME` verdict of a hypervisor flow that stopped with an error
// (its CauseStep the hypervisor's step that got it).
func (w *World) Finish() *engine.Finding {
	if w.finding != nil {
		return w.takeFinding()
	}
	w.checkFinish()
	if w.finding != nil {
		return w.takeFinding()
	}
	if w.hv != nil && w.hv.Err() != nil {
		return w.hv.Verdict(w.hvErrStep - 1) // 0: before the first step
	}
	return nil
}

// FlowOutcome is how the hypervisor's program ended so far; false when the
// world has no hypervisor.
func (w *World) FlowOutcome() (FlowOutcome, bool) {
	if w.hv == nil {
		return FlowOutcome{}, false
	}
	return w.hv.Outcome(), true
}
