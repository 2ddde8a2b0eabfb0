package schedfile

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/engine"
)

// FormatV4 is the previous format, still read: format 5 without the
// exploration that found the schedule.
const FormatV4 = 4

// Limits of a recorded exploration: those of the command line's flags
// that set it (package scenario's MaxSchedules, MaxSteps, MaxDepth and
// MaxBound, which this package, below the scenario language, does not
// import; report.MaxShards; cmdbase.MaxShrinkReplays). A test of
// catalog/foundby checks that they agree.
const (
	MaxSchedules     = 1_000_000_000
	MaxSteps         = 10_000_000
	MaxDepth         = 64
	MaxBound         = 64
	MaxShards        = 1_000_000
	MaxShrinkReplays = 1_000_000
)

// Exploration is what the exploration that found a schedule was, beyond
// its strategy and base seed (the schedule's Strategy and BaseSeed):
// everything that changes which schedule it finds and writes, so that the
// exploration can be run again once the scenario's explore line or a
// default changes (docs/engine.md, "Schedule files"). What does not
// change the schedule found is not recorded: the parallel runs (--jobs),
// the memo of random and pct runs and of shrinking (--memo) and forked
// runs (--fork). Format 5 on; absent from older files, and from a file no
// exploration found (a replay's rewrite of a schedule under another
// target).
type Exploration struct {
	// Schedules is the budget: random and pct schedules, dfs runs
	// (1..MaxSchedules).
	Schedules int
	// Depth is pct's depth d (1..MaxDepth); pct only.
	Depth int
	// Bound is dfs's preemption bound (-1: none; -1..MaxBound);
	// dfs only.
	Bound int
	// Reduction is dfs's partial-order reduction (engine.Reductions) and
	// States whether it pruned states explored before (not with dpor);
	// StateCap the states it remembered (0: engine.DefaultStateCap, else
	// engine.MinStateCap..engine.MaxStateCap; with States only). dfs only.
	Reduction string
	States    bool
	StateCap  int
	// SplitDepth is the branching decisions a dfs search explored in full
	// before its tree split into subtrees (0: none; ..MaxBound).
	SplitDepth int
	// Shard and Shards are the part of the exploration that found the
	// schedule (migsim explore --shard Shard/Shards); 0 and 0 for the
	// whole of it.
	Shard, Shards int
	// MaxSteps is the step bound of every run (1..MaxSteps).
	MaxSteps int
	// ShrinkReplays bounds the replays that shrank the first finding (0:
	// engine.DefaultShrinkReplays); NoShrink is set when the finding was
	// written as found. Neither for WriteRun.
	ShrinkReplays int
	NoShrink      bool
	// WriteRun is set for a schedule written by migsim explore --write-run
	// (random and pct): its index, which is the schedule's Index.
	WriteRun bool
}

// storedExploration is an exploration as the file holds it: the fields
// of another strategy absent, dfs's bound and state pruning present when
// the strategy is dfs (a bound of 0, no state pruning, are values).
type storedExploration struct {
	Schedules     int    `json:"schedules"`
	Depth         int    `json:"depth,omitempty"`
	Bound         *int   `json:"bound,omitempty"`
	Reduction     string `json:"reduction,omitempty"`
	States        *bool  `json:"states,omitempty"`
	StateCap      int    `json:"state_cap,omitempty"`
	SplitDepth    int    `json:"split_depth,omitempty"`
	Shard         *int   `json:"shard,omitempty"`
	Shards        int    `json:"shards,omitempty"`
	MaxSteps      int    `json:"max_steps"`
	ShrinkReplays int    `json:"shrink_replays,omitempty"`
	NoShrink      bool   `json:"no_shrink,omitempty"`
	WriteRun      bool   `json:"write_run,omitempty"`
}

// storedExploration renders e as a file of a schedule found by strategy
// stores it.
func (e *Exploration) stored(strategy string) *storedExploration {
	if e == nil {
		return nil
	}
	st := &storedExploration{Schedules: e.Schedules, Depth: e.Depth, Reduction: e.Reduction, StateCap: e.StateCap,
		SplitDepth: e.SplitDepth, Shards: e.Shards, MaxSteps: e.MaxSteps, ShrinkReplays: e.ShrinkReplays,
		NoShrink: e.NoShrink, WriteRun: e.WriteRun}
	if strategy == engine.StrategyDFS {
		bound, states := e.Bound, e.States
		st.Bound, st.States = &bound, &states
	}
	if e.Shards > 0 {
		shard := e.Shard
		st.Shard = &shard
	}
	return st
}

// exploration reads a stored exploration back; what is missing or belongs
// to another strategy validateExploration names.
func (st *storedExploration) exploration() *Exploration {
	if st == nil {
		return nil
	}
	e := &Exploration{Schedules: st.Schedules, Depth: st.Depth, Reduction: st.Reduction, StateCap: st.StateCap,
		SplitDepth: st.SplitDepth, Shards: st.Shards, MaxSteps: st.MaxSteps, ShrinkReplays: st.ShrinkReplays,
		NoShrink: st.NoShrink, WriteRun: st.WriteRun}
	if st.Bound != nil {
		e.Bound = *st.Bound
	}
	if st.States != nil {
		e.States = *st.States
	}
	if st.Shard != nil {
		e.Shard = *st.Shard
	}
	return e
}

// validateExploration checks the recorded exploration of s against its
// strategy and index, naming the first bad field; raw is how the file
// stores it (nil for no field), which says which fields it gave.
func validateExploration(s *Schedule, raw *storedExploration) error {
	e := s.Exploration
	if e == nil {
		return nil
	}
	if s.Format < Format {
		return fieldErrorf("exploration", "format %d has no such field (format %d on)", s.Format, Format)
	}
	if raw == nil {
		raw = e.stored(s.Strategy)
	}
	dfs, pct := s.Strategy == engine.StrategyDFS, s.Strategy == engine.StrategyPCT
	bad := func(field, format string, args ...any) error {
		return fieldErrorf("exploration."+field, format, args...)
	}
	notFor := func(field, only string) error {
		return bad(field, "%s only: the schedule's strategy is %s", only, s.Strategy)
	}
	switch {
	case e.Schedules < 1 || e.Schedules > MaxSchedules:
		return bad("schedules", "%d, want 1..%d", e.Schedules, MaxSchedules)
	case e.MaxSteps < 1 || e.MaxSteps > MaxSteps:
		return bad("max_steps", "%d, want 1..%d", e.MaxSteps, MaxSteps)
	case e.MaxSteps < s.Steps:
		// Every run of the exploration stopped at its step bound: no
		// schedule it wrote is longer, and the bound is what found by
		// passes to explore to find this one again.
		return bad("max_steps", "%d, below the schedule's %d steps: no run of the exploration made more", e.MaxSteps, s.Steps)
	case pct && (e.Depth < 1 || e.Depth > MaxDepth):
		return bad("depth", "%d, want 1..%d (pct's depth)", e.Depth, MaxDepth)
	case !pct && raw.Depth != 0:
		return notFor("depth", "pct")
	case !dfs && raw.Bound != nil:
		return notFor("bound", "dfs")
	case !dfs && raw.Reduction != "":
		return notFor("reduction", "dfs")
	case !dfs && raw.States != nil:
		return notFor("states", "dfs")
	case !dfs && raw.StateCap != 0:
		return notFor("state_cap", "dfs")
	case !dfs && raw.SplitDepth != 0:
		return notFor("split_depth", "dfs")
	case dfs && raw.Bound == nil:
		return bad("bound", "missing (dfs: the preemption bound, -1 for none)")
	case dfs && (e.Bound < -1 || e.Bound > MaxBound):
		return bad("bound", "%d, want -1..%d", e.Bound, MaxBound)
	case dfs && !slices.Contains(engine.Reductions, e.Reduction):
		return bad("reduction", "%q, want one of %q", e.Reduction, engine.Reductions)
	case dfs && raw.States == nil:
		return bad("states", "missing (dfs: whether it pruned states explored before)")
	case e.States && e.Reduction == engine.ReductionDPOR.String():
		return bad("states", "true with reduction dpor, which prunes no states")
	case e.StateCap != 0 && !e.States:
		return bad("state_cap", "%d without state pruning (states false)", e.StateCap)
	case e.StateCap != 0 && (e.StateCap < engine.MinStateCap || e.StateCap > engine.MaxStateCap):
		return bad("state_cap", "%d, want %d..%d", e.StateCap, engine.MinStateCap, engine.MaxStateCap)
	case e.SplitDepth < 0 || e.SplitDepth > MaxBound:
		return bad("split_depth", "%d, want 0..%d", e.SplitDepth, MaxBound)
	case (raw.Shard != nil) != (e.Shards != 0):
		return bad("shards", "%d with shard %v: give both (a part of the exploration) or neither", e.Shards, shardText(raw.Shard))
	case e.Shards != 0 && (e.Shards < 1 || e.Shards > MaxShards):
		return bad("shards", "%d, want 1..%d", e.Shards, MaxShards)
	case e.Shards != 0 && (e.Shard < 0 || e.Shard >= e.Shards):
		return bad("shard", "%d, want 0..%d (a part of %d)", e.Shard, e.Shards-1, e.Shards)
	case e.ShrinkReplays < 0 || e.ShrinkReplays > MaxShrinkReplays:
		return bad("shrink_replays", "%d, want 1..%d (absent: the default)", e.ShrinkReplays, MaxShrinkReplays)
	case e.NoShrink && e.ShrinkReplays != 0:
		return bad("no_shrink", "true with shrink_replays %d: a finding written as found was not shrunk", e.ShrinkReplays)
	case e.WriteRun && (dfs || e.Shards != 0 || e.NoShrink || e.ShrinkReplays != 0):
		return bad("write_run", "a run written as it ran (random and pct, unsharded), with no shrink")
	case e.WriteRun && s.Index >= e.Schedules:
		return bad("write_run", "schedule #%d of an exploration of %d", s.Index, e.Schedules)
	}
	return nil
}

// shardText renders a stored shard for an error ("absent" for none).
func shardText(p *int) string {
	if p == nil {
		return "absent"
	}
	return fmt.Sprint(*p)
}
