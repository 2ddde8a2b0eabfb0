package world

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/engine"
)

// GuestLog returns what the guests observed, guest by guest: the history the
// transparent oracle compares with a run without migration.
func (w *World) GuestLog() []string {
	var out []string
	for _, g := range w.guests {
		for _, l := range g.drv.Log() {
			out = append(out, g.name+": "+l)
		}
	}
	return out
}

// Finish runs the end-of-run oracles: a guest that gave up waiting, the
// hypervisor's outcome, and the comparison with the reference run.
func (w *World) Finish() *engine.Finding {
	if w.finding != nil {
		return w.takeFinding()
	}
	if w.hv != nil && w.hv.err != nil {
		return w.hv.finding()
	}
	if w.cfg.ReferenceLog == nil {
		return nil
	}
	got := w.GuestLog()
	ref := w.cfg.ReferenceLog
	for i := 0; i < len(got) || i < len(ref); i++ {
		var g, r string
		if i < len(got) {
			g = got[i]
		}
		if i < len(ref) {
			r = ref[i]
		}
		if g != r {
			var actors []string
			for _, ga := range w.guests {
				actors = append(actors, ga.name)
			}
			if w.hv != nil {
				actors = append(actors, w.hv.name)
			}
			msg := fmt.Sprintf("the guest can tell it moved: entry %d of its log is %q, without migration %q", i, orNone(g), orNone(r))
			if w.blame != "" {
				msg += "; blamed on the hypervisor: " + w.blame
			}
			return &engine.Finding{Oracle: "transparent", Reqs: w.transparentReqs(), Actors: actors, Message: msg}
		}
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "(nothing)"
	}
	return s
}

// transparentReqs are the requirements whose failure the transparent oracle
// shows, per edition.
func (w *World) transparentReqs() []string {
	return w.reqs("DRAFT-STOP-03", "DRAFT-CTX-01", "DP-DEV-09", "DP-DEV-10")
}

// Summary renders the world's notes for a report.
func (w *World) Summary() string { return strings.Join(w.Notes(), "\n") }
