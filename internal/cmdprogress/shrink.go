package cmdprogress

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/progress"
)

// shrinkEvery is how many replays apart the shrink's status line is
// written when the best schedule has not changed: a line per replay would
// fill a log (--progress always) with thousands.
const shrinkEvery = 100

// Shrink returns the progress callback of a shrink (engine.ShrinkConfig's
// Progress) that writes status lines on w (nil: none, and so is the
// callback): the replays so far of the budget and the best failing
// schedule, when it changes and every shrinkEvery replays. A run with a
// thousand VFs can shrink for a minute; the line says it is not stuck.
func Shrink(w *progress.Lines) func(replays, max int, best engine.Size) {
	if w == nil {
		return nil
	}
	var last engine.Size
	return func(replays, max int, best engine.Size) {
		if best == last && replays%shrinkEvery != 0 {
			return
		}
		last = best
		w.Status("shrink: %d/%d replays, the smallest failing schedule so far %s", replays, max, best)
	}
}
