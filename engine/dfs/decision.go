package dfs

import (
	"errors"

	"github.com/migsim/migsim/engine/footprint"
	"github.com/migsim/migsim/engine/visited"
)

// Step is an enabled step as the search sees it.
type Step struct {
	// Actor runs it; Label names it stably across runs.
	Actor int
	// Key names the actor across runs (engine.ActorKeyer): what state
	// pruning remembers of the step (a sleeping step, a known
	// transition's pick) is keyed by it. Used only when the decision is
	// Keyed; otherwise the search takes Actor.
	Key   int
	Label string
	// Footprint is the shared state it touches (zero where the run did
	// not compute it: a decision the search replays).
	Footprint footprint.Footprint
}

// Independent reports whether s and t commute: different actors and
// non-conflicting footprints.
func (s Step) Independent(t Step) bool {
	return s.Actor != t.Actor && !s.Footprint.Conflicts(t.Footprint)
}

// Decision is a decision the search has not seen before: the first of a
// run past the path it replays.
type Decision struct {
	// Index is the number of steps executed so far in the run.
	Index int
	// Enabled lists the enabled steps; the search copies them.
	Enabled []Step
	// Prev is the actor of the previous step, -1 at the start; PrevOn is
	// set when it has an enabled step (picking another is a preemption),
	// PrevFinished when it has finished (no step now nor ever again).
	Prev                 int
	PrevOn, PrevFinished bool
	// Keyed says that PrevKey and the steps' Key are set: the actors'
	// keys across runs, which a visit remembers instead of their ids.
	PrevKey int
	Keyed   bool
	// Advances counts the clock advances so far in the run.
	Advances int
	// State gives the decision's state key, asked for only with state
	// pruning (Config.States).
	State StateKeyer
}

// StateKeyer gives the state key of a decision: the system's state hash
// and, when it has one, its judge hash (judged set); ok is false when the
// system cannot hash its state, or its checks, there.
type StateKeyer interface {
	StateKey() (key visited.Key, judged, ok bool)
}

// ErrPruned is returned by Choose when the run cannot lead anywhere new
// (every pick asleep, cut by the bound, or a state explored before).
var ErrPruned = errors.New("engine: run pruned")
