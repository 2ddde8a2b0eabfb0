package world

import (
	"fmt"

	"github.com/migsim/migsim/scenario"
)

// buildActors creates the actors of the scenario's programs that apply to
// the world's edition: guests first, then peers, then the hypervisor (the
// edition's own flow when the scenario gives none).
func (w *World) buildActors() error {
	var hv *scenario.Program
	for _, p := range w.scen.Actors {
		if p.Edition != 0 && p.Edition != w.ed {
			continue
		}
		switch p.Kind {
		case scenario.ActorGuest:
			if err := w.addGuest(p); err != nil {
				return err
			}
		case scenario.ActorPeer:
			if err := w.addPeer(p); err != nil {
				return err
			}
		case scenario.ActorHypervisor:
			if hv != nil {
				return fmt.Errorf("%s:%d: a second hypervisor program for %s (the first is at line %d)", w.scen.File, p.Line, w.ed, hv.Line)
			}
			hv = p
		}
	}
	defaultFlow := hv == nil
	if hv == nil {
		hv = DefaultFlow(w.ed)
		// hv-await=NAME: the default flow starts once a guest signals NAME,
		// which places the migration inside the guest's program.
		if name, ok := w.setting("hv-await"); ok {
			hv.Ops = append([]scenario.Op{{Verb: "await", Args: []scenario.Arg{{Value: name}}}}, hv.Ops...)
		}
	}
	if defaultFlow {
		// Named before the hypervisor is added: its program runs there up
		// to its first step, and a flow that fails before it names the
		// file in its outcome.
		w.hvFlowFile = "default " + w.ed.String() + " flow"
	}
	return w.addHypervisor(hv)
}
