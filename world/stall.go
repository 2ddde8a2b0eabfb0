package world

import (
	"fmt"
	"strings"
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
	desc := a.desc
	if desc == "" {
		desc = a.name
	}
	where := ""
	if a.at != nil {
		if file, line := a.at(); line > 0 {
			where = fmt.Sprintf(" at %s:%d", file, line)
		} else if file != "" {
			where = " at the end of its program in " + file
		}
	}
	what := ""
	if a.req != nil {
		what = strings.TrimPrefix(a.req.label, a.name+":")
		if a.req.settle {
			what = "waiting for the other actors to finish"
		}
	}
	state := "blocked"
	if a.halted {
		state = "halted by the hypervisor"
	}
	if what == "" {
		return desc + " " + state + where
	}
	return fmt.Sprintf("%s %s%s (%s)", desc, state, where, what)
}
