package engine

import (
	"fmt"

	"github.com/migsim/migsim/engine/dfs"
	"github.com/migsim/migsim/engine/visited"
)

// DFS is the dfs strategy: a bounded exhaustive search over the choices of
// a deterministic system (stateless model checking, as in CHESS), with
// sleep sets, source-set DPOR, state pruning and the split of its tree for
// shards (package dfs, dfs.Search). Each run replays the current path,
// then extends it with the first pick to explore; after the run the
// deepest decision with a pick left moves to it.
//
// DFS is one Chooser reused across runs; it is not safe for concurrent use
// and every run must use the same seed.
type DFS struct {
	s *dfs.Search
	// en is the scratch a new decision's steps are handed over in.
	en []dfs.Step
}

// NewDFS returns a search with sleep sets and the given preemption bound.
func NewDFS(bound int) *DFS { return NewSearch(DFSConfig{Bound: bound}) }

// NewSearch returns a search with the given configuration.
func NewSearch(cfg DFSConfig) *DFS { return &DFS{s: dfs.New(cfg)} }

// Choose replays the current path, checking that the system offers the
// steps it offered before, then extends it.
func (s *DFS) Choose(d *Decision) (int, error) {
	if en, chosen, ok := s.s.Replayed(d.Index); ok {
		if err := sameEnabled(d, en); err != nil {
			return 0, err
		}
		return chosen, nil
	}
	s.en = s.en[:0]
	for _, st := range d.Enabled {
		s.en = append(s.en, dfs.Step{Actor: st.Actor, Key: d.ActorKey(st.Actor), Label: st.Label, Footprint: st.Footprint})
	}
	return s.s.Choose(&dfs.Decision{Index: d.Index, Enabled: s.en, Prev: d.Prev, PrevKey: d.ActorKey(d.Prev), Keyed: true,
		PrevOn: d.PrevEnabled(), PrevFinished: d.PrevFinished, Advances: d.Advances, State: decisionState{d}})
}

func sameEnabled(d *Decision, en []dfs.Step) error {
	if len(en) != len(d.Enabled) {
		return fmt.Errorf("engine: dfs: step %d has %d enabled steps, earlier run had %d: %w",
			ShownStep(d.Index), len(d.Enabled), len(en), ErrNotDeterministic)
	}
	for i := range en {
		if en[i].Label != d.Enabled[i].Label {
			return fmt.Errorf("engine: dfs: step %d enabled[%d] is %q, earlier run had %q: %w",
				ShownStep(d.Index), i, d.Enabled[i].Label, en[i].Label, ErrNotDeterministic)
		}
	}
	return nil
}

// decisionState gives the search a decision's state key (dfs.StateKeyer).
type decisionState struct{ d *Decision }

// StateKey returns the state key of the decision when the system can hash
// its state there, and its checks when it has a judge hasher (judged: it
// has one and could).
func (s decisionState) StateKey() (key visited.Key, judged, ok bool) {
	d := s.d
	h, ok := d.StateHash()
	if !ok {
		return visited.Key{}, false, false
	}
	if d.judger == nil {
		return visited.Key{Hash: h}, false, true
	}
	j, ok := d.JudgeHash()
	if !ok {
		return visited.Key{}, false, false
	}
	return visited.Key{Hash: h, Judge: j}, true, true
}

// Next ends a run with its result and error (nil, ErrPruned, ErrForeign
// or another chooser error), moves the search to the next path and reports
// whether there is one.
func (s *DFS) Next(res *Result, err error) bool { return s.s.Next(len(res.Choices), err) }

// Virtual reports whether the run the search wants next (Next returned
// true) is pruned at its first new decision by a known transition
// (dfs.Search.Virtual): then the caller does not run it and passes
// ErrPruned to Next. maxSteps is the runs' step bound.
func (s *DFS) Virtual(maxSteps int) bool { return s.s.Virtual(maxSteps) }

// Done reports whether the search space (within the bound) is exhausted.
func (s *DFS) Done() bool { return s.s.Done() }

// BoundHit reports whether the preemption bound cut off at least one pick:
// when true, a complete search is complete only up to the bound.
func (s *DFS) BoundHit() bool { return s.s.BoundHit() }

// Runs returns the number of completed runs (explored schedules).
func (s *DFS) Runs() int { return s.s.Runs() }

// Pruned counts the runs abandoned by sleep sets, the bound or state pruning.
func (s *DFS) Pruned() int { return s.s.Pruned() }

// Foreign counts the runs abandoned at the split for another shard's subtree.
func (s *DFS) Foreign() int { return s.s.Foreign() }

// StateHits returns the number of decisions pruned by state.
func (s *DFS) StateHits() int { return s.s.StateHits() }

// VirtualRuns counts the runs Virtual pruned without running them.
func (s *DFS) VirtualRuns() int { return s.s.VirtualRuns() }

// StateCap returns the cap of the states remembered and of the known
// transitions (dfs.Search.StateCap).
func (s *DFS) StateCap() int { return s.s.StateCap() }

// StatesFullAt returns the run at whose end the states remembered reached
// StateCap, 0 when they have not (dfs.Search.StatesFullAt).
func (s *DFS) StatesFullAt() int { return s.s.StatesFullAt() }

// TransitionsFullAt returns the run in which the known transitions
// reached StateCap, 0 when they have not (dfs.Search.TransitionsFullAt).
func (s *DFS) TransitionsFullAt() int { return s.s.TransitionsFullAt() }

// Subtree returns the current run's subtree number (-1 above the split).
func (s *DFS) Subtree() int { return s.s.Subtree() }

// SubtreeRuns returns the complete runs per subtree, in subtree order.
func (s *DFS) SubtreeRuns() []SubtreeRuns { return s.s.SubtreeRuns() }

// LastRun returns the subtree and kind of the run the last Next ended.
func (s *DFS) LastRun() (subtree int, kind RunKind) { return s.s.LastRun() }

// Path returns the current path's picks (for diagnostics).
func (s *DFS) Path() []int { return s.s.Path() }

func (s *DFS) wantsState() bool                         { return s.s.States() }
func (s *DFS) replays(index int) bool                   { return s.s.Replays(index) }
func (s *DFS) judged(index int) bool                    { return s.s.Judged(index) }
func (s *DFS) footprint(index, i int) (Footprint, bool) { return s.s.Footprint(index, i) }
