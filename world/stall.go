package world

import (
	"cmp"
	"strings"

	"github.com/migsim/migsim/world/stalltext"
)

// Stalled implements engine.Staller: for a run where nothing can run and
// no timer is pending, each actor not done, where its program stands and
// what it waits for, in actor order: "peer p1 blocked at deadlock.scn:12
// (await b)". A vCPU the hypervisor halted says so; one at the end of its
// program waits for the others to finish.
func (w *World) Stalled() string {
	var out []string
	for _, a := range w.actors {
		if a.done {
			continue
		}
		out = append(out, a.stallText())
	}
	return strings.Join(out, "; ")
}

// stallText describes a blocked actor for Stalled.
func (a *actor) stallText() string {
	s := stalltext.Actor{Desc: cmp.Or(a.desc, a.name), Name: a.name, Halted: a.halted}
	if a.at != nil {
		s.File, s.Line = a.at()
	}
	if a.req != nil {
		s.Pending, s.Label, s.Settle = true, a.req.label, a.req.settle
	}
	return stalltext.Text(s)
}
