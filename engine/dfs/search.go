package dfs

import (
	"errors"
	"slices"

	"github.com/migsim/migsim/engine/footprint"
	"github.com/migsim/migsim/engine/visited"
)

// Search is a bounded exhaustive search over the choices of a deterministic
// system (stateless model checking, as in CHESS). Each run replays the
// current path, then extends it with the first pick to explore; after the
// run the deepest decision with a pick left moves to it.
//
// Picks are tried non-preemptive first (the previous actor's steps), then
// the others in enabled order. A pick that switches away from a previous
// actor that is still enabled is a preemption; a path holds at most Bound
// of them.
//
// Sleep sets (ReductionSleep, ReductionDPOR): once a pick has been
// explored at a decision, later siblings do not explore it again until a
// dependent step runs. With a bound, only the previous actor's step is put
// to sleep for its siblings: moving a previously-running actor's step to
// the front of an equivalent path never costs a preemption, moving any
// other step can, and the equivalent path must stay within the bound (see
// docs/engine.md). A run whose every enabled step is asleep is pruned.
//
// DPOR (ReductionDPOR) explores at each decision only a source set: after
// every run it finds the races of the run (pairs of dependent steps of
// different actors with nothing ordering them in between, the clock
// advances ordering everything) and, for each, adds one initial step of
// the reversed order to the decision before the race (dpor.go).
//
// A Search is reused across runs (package engine's DFS drives it as one
// Chooser); it is not safe for concurrent use and every run must use the
// same seed.
type Search struct {
	cfg      Config
	stack    []node
	done     bool
	boundHit bool
	runs     int
	pruned   int
	// first is the depth of the first decision of the current run that
	// was not replayed from the previous run.
	first int
	// subtree numbers the split frontier's picks in depth-first order;
	// cur is the current run's subtree (-1 while above the split).
	subtree, cur int
	foreign      int
	// last describes the run Next ended: its subtree and kind.
	lastSub  int
	lastKind RunKind
	subRuns  []SubtreeRuns
	// states are the complete visits remembered for state pruning
	// (state.go); stateHits counts the decisions they pruned.
	states    visited.Table
	stateHits int
	// trans are the known transitions; virtualRuns counts the runs they
	// pruned (transitions.go).
	trans       visited.Transitions
	virtualRuns int
	// statesFullAt and transFullAt are the run at which states and trans
	// reached their cap (0: not yet; state.go).
	statesFullAt, transFullAt int
	// scratch of the DPOR analysis.
	an dporScratch
}

type node struct {
	enabled  []Step
	prev     int  // actor of the previous step, -1 at the start
	prevKey  int  // prev's key across runs (Step.Key), -1 at the start
	prevOn   bool // prev has an enabled step here
	preempts int  // preemptions on the path before this decision
	adv      int  // clock advances before this decision
	chosen   int
	tried    []int
	sleep    []Step
	// after[i] tells whether pick i's actor is enabled right after it
	// (-1: not known yet), for the bounded sleep-set rule.
	after []int8
	// full: every awake pick within the bound is explored (above the
	// split, or no DPOR); otherwise only the steps of actors in backtrack.
	full      bool
	backtrack []int
	// branch counts the branching decisions above this one; frontier is
	// set on the last branching decision above the split.
	branch   int
	frontier bool
	// bounded: the search has a preemption bound (see asleep).
	bounded bool
	// eff is the footprint of the chosen actor's step(s), for effActor-1
	// (see fpOf).
	eff      footprint.Footprint
	effActor int
	// state is the node's state key (its state and judge hashes), when
	// state pruning recorded it; hasJudge is set when the system hashed
	// what its checks keep there (JudgeHasher), which known transitions
	// need (transitions.go).
	state    visited.Key
	hasState bool
	hasJudge bool
	// cut is set when the preemption bound cut off a pick in the node's
	// subtree, or a visit that covered a state in it had such a cut: only
	// then does the subtree's coverage depend on its remaining budget.
	cut bool
}

// New returns a search with the given configuration.
func New(cfg Config) *Search {
	if cfg.Shards < 1 {
		cfg.Shards = 1
	}
	cfg.SplitDepth = EffectiveSplitDepth(cfg.SplitDepth, cfg.Shards)
	if cfg.Reduction == ReductionDPOR {
		cfg.States = false
	}
	return &Search{cfg: cfg, cur: -1, states: visited.NewTable(cfg.StateCap), trans: visited.NewTransitions(cfg.StateCap)}
}

// Done reports whether the search space (within the bound) is exhausted.
func (s *Search) Done() bool { return s.done }

// BoundHit reports whether the preemption bound cut off at least one pick:
// when true, a complete search is complete only up to the bound.
func (s *Search) BoundHit() bool { return s.boundHit }

// Runs returns the number of completed runs (explored schedules).
func (s *Search) Runs() int { return s.runs }

// Pruned counts the runs abandoned by sleep sets, the bound or state pruning.
func (s *Search) Pruned() int { return s.pruned }

// Foreign counts the runs abandoned at the split for another shard's subtree.
func (s *Search) Foreign() int { return s.foreign }

// StateHits returns the number of decisions pruned by state.
func (s *Search) StateHits() int { return s.stateHits }

// Subtree returns the current run's subtree number (-1 above the split).
func (s *Search) Subtree() int { return s.cur }

// SubtreeRuns returns the complete runs per subtree, in subtree order.
func (s *Search) SubtreeRuns() []SubtreeRuns { return slices.Clone(s.subRuns) }

// States reports whether the search prunes states (Config.States, off with
// DPOR): it asks decisions for their state keys.
func (s *Search) States() bool { return s.cfg.States }

func (n *node) isPreemption(i int) bool {
	return n.prevOn && n.enabled[i].Actor != n.prev
}

func (n *node) asleep(i int) bool {
	e := &n.enabled[i]
	for _, z := range n.sleep {
		if z.Actor == e.Actor && z.Label == e.Label {
			return !n.bounded || n.staysEnabledAfter(i)
		}
	}
	return false
}

// staysEnabledAfter reports whether a step of another actor, independent
// of step i, is enabled: after step i something is still enabled, so no
// clock advance can follow it. With a bound a sleeping step may only be
// skipped then (see Search.maySleep).
func (n *node) staysEnabledAfter(i int) bool {
	for j := range n.enabled {
		if j != i && n.enabled[j].Independent(n.enabled[i]) {
			return true
		}
	}
	return false
}

// candidate reports whether pick i may still be explored at n.
func (s *Search) candidate(n *node, i int) bool {
	if slices.Contains(n.tried, i) || n.asleep(i) {
		return false
	}
	if !n.full && !slices.Contains(n.backtrack, n.enabled[i].Actor) {
		return false
	}
	if n.isPreemption(i) && s.cfg.Bound >= 0 && n.preempts+1 > s.cfg.Bound {
		s.boundHit = true
		n.cut = true
		return false
	}
	return true
}

// nextPick returns the first pick to explore in preference order (the
// previous actor first), or -1.
func (s *Search) nextPick(n *node) int {
	for i := range n.enabled {
		if n.enabled[i].Actor == n.prev && s.candidate(n, i) {
			return i
		}
	}
	for i := range n.enabled {
		if n.enabled[i].Actor != n.prev && s.candidate(n, i) {
			return i
		}
	}
	return -1
}

// candidates counts the picks a full node explores.
func (s *Search) candidates(n *node) int {
	c := 0
	for i := range n.enabled {
		if s.candidate(n, i) {
			c++
		}
	}
	return c
}

// Replays reports whether the decision at index replays the current path:
// its pick and its steps' footprints are known (not with DPOR, whose race
// analysis reads every run's footprints).
func (s *Search) Replays(index int) bool {
	return index < len(s.stack) && s.cfg.Reduction != ReductionDPOR
}

// Judged reports whether the decision at index replays a step an earlier
// run executed after the same steps and went on past: the decisions above
// the one the run branches at keep the pick the previous run made there,
// and that run took at least one more step.
func (s *Search) Judged(index int) bool { return index < s.first }

// Footprint returns the footprint pick i had when the decision at index
// was made: the node keeps the steps its run offered, footprints included.
func (s *Search) Footprint(index, i int) (footprint.Footprint, bool) {
	if !s.Replays(index) || i < 0 || i >= len(s.stack[index].enabled) {
		return footprint.Footprint{}, false
	}
	return s.stack[index].enabled[i].Footprint, true
}

// Replayed returns, for a decision on the current path (index below its
// depth), the steps the earlier run had enabled there and the pick the
// run replays; ok is false for a decision the search has not seen.
func (s *Search) Replayed(index int) (enabled []Step, chosen int, ok bool) {
	if index >= len(s.stack) {
		return nil, 0, false
	}
	n := &s.stack[index]
	return n.enabled, n.chosen, true
}

// Choose extends the current path with a decision the search has not
// seen (Replayed reports the others) and returns its pick.
func (s *Search) Choose(d *Decision) (int, error) {
	n := node{prev: d.Prev, prevKey: d.PrevKey, prevOn: d.PrevOn, adv: d.Advances}
	s.reuse(&n)
	n.enabled = append(n.enabled, d.Enabled...)
	if !d.Keyed {
		n.prevKey = d.Prev
		for i := range n.enabled {
			n.enabled[i].Key = n.enabled[i].Actor
		}
	}
	for range n.enabled {
		n.after = append(n.after, -1)
	}
	n.full = s.cfg.Reduction != ReductionDPOR
	if k := len(s.stack); k > 0 {
		p := &s.stack[k-1]
		s.inherit(&n, p, p.chosen)
		n.branch = p.branch
		if p.full && s.isBranching(p) {
			n.branch++
		}
	}
	if d.Prev >= 0 {
		s.wakeAll(&n, d.PrevFinished)
	}
	if s.cfg.SplitDepth > 0 && n.branch < s.cfg.SplitDepth {
		n.full = true
	}
	n.bounded = s.cfg.Bound >= 0
	if key, judged, ok := s.stateKey(d); ok {
		n.state, n.hasState, n.hasJudge = key, true, judged
		if k := len(s.stack); k > 0 {
			s.learn(&s.stack[k-1], key, n.prevOn, d.PrevFinished)
		}
		// Above the split every shard walks the same nodes and numbers
		// the subtrees below them; pruning one there (by a visit from
		// this shard's own subtrees) would shift the numbering.
		if !(s.cfg.Shards > 1 && n.branch < s.cfg.SplitDepth) && s.seen(&n) {
			s.stateHits++
			if k := len(s.stack); k > 0 && n.cut {
				s.stack[k-1].cut = true
			}
			return 0, ErrPruned
		}
	}
	if !n.full {
		// DPOR: start with one pick; races add the others.
		n.full = true
		if i := s.nextPick(&n); i >= 0 {
			n.backtrack = append(n.backtrack, n.enabled[i].Actor)
		}
		n.full = false
	}
	n.chosen = s.nextPick(&n)
	if n.chosen < 0 {
		s.stack = append(s.stack, n) // kept for the race analysis, dropped by Next
		return 0, ErrPruned
	}
	if n.full && s.cfg.SplitDepth > 0 && n.branch == s.cfg.SplitDepth-1 && s.isBranching(&n) {
		n.frontier = true
	}
	s.stack = append(s.stack, n)
	top := &s.stack[len(s.stack)-1]
	if top.frontier && !s.enterOwned(top) {
		return 0, ErrForeign
	}
	return top.chosen, nil
}

// reuse gives n, the node of a new decision, the emptied buffers of the
// node the stack last held at its depth: nothing else refers to a node's
// buffers, and nothing reads a node once it is off the stack.
func (s *Search) reuse(n *node) {
	if k := len(s.stack); k < cap(s.stack) {
		old := &s.stack[:k+1][k]
		n.enabled, n.after, n.tried = old.enabled[:0], old.after[:0], old.tried[:0]
		n.sleep, n.backtrack = old.sleep[:0], old.backtrack[:0]
	}
}

// isBranching reports whether a full node offers more than one pick in
// total (explored and to explore).
func (s *Search) isBranching(n *node) bool {
	hit := s.boundHit
	c := len(n.tried) + s.candidates(n)
	s.boundHit = hit
	return c > 1
}

// Next ends a run of the given number of steps (its choices) with its
// error (nil, ErrPruned, ErrForeign or another chooser error), moves the
// search to the next path and reports whether there is one.
func (s *Search) Next(choices int, err error) bool {
	pruned, foreign := errors.Is(err, ErrPruned), errors.Is(err, ErrForeign)
	switch {
	case foreign:
	case pruned:
		s.pruned++
	default:
		s.runs++
	}
	if s.cur < 0 && !foreign {
		// The run ended above the split: it is a subtree of its own.
		s.cur = s.subtree
		s.subtree++
		if !s.owns() {
			// Another shard counts it.
			if pruned {
				s.pruned--
			} else {
				s.runs--
			}
			s.foreign++
			foreign = true
		}
	}
	if k := min(choices, len(s.stack)); k > 0 && !foreign {
		if last := &s.stack[k-1]; k == len(s.stack) && last.after[last.chosen] < 0 {
			last.after[last.chosen] = 0 // the run ended right after it
		}
	}
	s.lastSub = s.cur
	switch {
	case foreign:
		s.lastKind = RunForeign
	case pruned:
		s.lastKind = RunPruned
	default:
		s.lastKind = RunComplete
	}
	if !foreign && !pruned && s.owns() {
		if k := len(s.subRuns); k == 0 || s.subRuns[k-1].ID != s.cur {
			s.subRuns = append(s.subRuns, SubtreeRuns{ID: s.cur})
		}
		s.subRuns[len(s.subRuns)-1].Runs++
	}
	if s.cfg.Reduction == ReductionDPOR && !foreign {
		s.analyse(choices, pruned)
	}
	// A decision pruned at its creation (kept for the analysis) is dropped.
	if k := len(s.stack); k > 0 && s.stack[k-1].chosen < 0 {
		if k > 1 && s.stack[k-1].cut {
			s.stack[k-2].cut = true
		}
		s.stack = s.stack[:k-1]
	}
	for len(s.stack) > 0 {
		k := len(s.stack) - 1
		top := &s.stack[k]
		if !slices.Contains(top.tried, top.chosen) {
			top.tried = append(top.tried, top.chosen)
		}
		if i := s.nextPick(top); i >= 0 {
			top.chosen = i
			s.first = k
			switch {
			case top.frontier:
				if !s.enterOwned(top) {
					continue
				}
			case top.branch < s.cfg.SplitDepth:
				s.cur = -1
			}
			return true
		}
		s.forget(top)
		if k > 0 && top.cut {
			s.stack[k-1].cut = true
		}
		s.stack = s.stack[:k]
		if top.branch < s.cfg.SplitDepth {
			s.cur = -1
		}
	}
	s.done = true
	return false
}

// MayBranch reports whether a later run may pick another step at the
// decision Choose has just made (the last of the current path): it has a
// pick left to explore. A decision with one enabled step, or whose other
// steps are asleep or beyond the preemption bound, is never a run's branch
// point. With DPOR a race a later run finds may add picks: it may always.
func (s *Search) MayBranch() bool {
	k := len(s.stack)
	if k == 0 {
		return false
	}
	n := &s.stack[k-1]
	if !n.full || s.cfg.Reduction == ReductionDPOR {
		return true
	}
	// candidate notes a pick the bound cuts off; Next notes it when it
	// moves on from n, and asking here must not change what it notes.
	hit, cut := s.boundHit, n.cut
	defer func() { s.boundHit, n.cut = hit, cut }()
	for i := range n.enabled {
		if i != n.chosen && s.candidate(n, i) {
			return true
		}
	}
	return false
}

// LastPick reports whether the decision at index, on the current path,
// has no pick left to explore after the one the path takes there: no
// later run branches at it. With DPOR a race may add picks: never.
func (s *Search) LastPick(index int) bool {
	if index >= len(s.stack) || s.cfg.Reduction == ReductionDPOR {
		return false
	}
	n := &s.stack[index]
	if !n.full {
		return false
	}
	hit, cut := s.boundHit, n.cut
	defer func() { s.boundHit, n.cut = hit, cut }()
	for i := range n.enabled {
		if i != n.chosen && s.candidate(n, i) {
			return false
		}
	}
	return true
}

// Path returns the current path's picks (for diagnostics).
func (s *Search) Path() []int {
	p := make([]int, len(s.stack))
	for i := range s.stack {
		p[i] = s.stack[i].chosen
	}
	return p
}

// First returns the depth of the first decision of the current run that
// does not replay the previous run's pick: the run's branch point.
func (s *Search) First() int { return s.first }

// Depth returns the number of decisions on the current path.
func (s *Search) Depth() int { return len(s.stack) }

// PathStep returns the decision at index on the current path: the step it
// picks, the pick's index and whether the pick preempts the previous
// actor.
func (s *Search) PathStep(index int) (st Step, chosen int, preempt bool) {
	n := &s.stack[index]
	return n.enabled[n.chosen], n.chosen, n.isPreemption(n.chosen)
}
