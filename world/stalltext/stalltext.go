// Package stalltext words what a blocked actor waits for in the world's
// deadlock message (docs/scenarios.md, "Deadlocks"): "peer p1 blocked at
// deadlock.scn:12 (await b)".
package stalltext

import (
	"fmt"
	"strings"
)

// Actor is what the message says of one actor that is not done.
type Actor struct {
	// Desc names the actor in messages ("guest vcpu0", "hypervisor"); Name
	// is its actor name, the prefix of its step labels.
	Desc, Name string
	// File and Line say where its program stands: Line 0 with a File is
	// the end of its program; neither, nothing said.
	File string
	Line int
	// Pending: it has a pending request, whose step label is Label;
	// Settle: the request waits for the other actors to finish.
	Pending bool
	Label   string
	Settle  bool
	// Halted: the hypervisor halted the actor's vCPU.
	Halted bool
}

// Text describes a blocked actor: its name, whether it is blocked or
// halted, where its program stands and what it waits for.
func Text(a Actor) string {
	where := ""
	if a.Line > 0 {
		where = fmt.Sprintf(" at %s:%d", a.File, a.Line)
	} else if a.File != "" {
		where = " at the end of its program in " + a.File
	}
	what := ""
	if a.Pending {
		what = strings.TrimPrefix(a.Label, a.Name+":")
		if a.Settle {
			what = "waiting for the other actors to finish"
		}
	}
	state := "blocked"
	if a.Halted {
		state = "halted by the hypervisor"
	}
	if what == "" {
		return a.Desc + " " + state + where
	}
	return fmt.Sprintf("%s %s%s (%s)", a.Desc, state, where, what)
}
