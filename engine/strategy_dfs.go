package engine

import (
	"fmt"
	"slices"
)

// DFS is a bounded exhaustive search over the choices of a deterministic
// system (stateless model checking, as in CHESS). Each run replays the
// current path, then extends it with the first untried pick; after the run
// the deepest decision with an untried pick moves to it.
//
// Picks are tried non-preemptive first (the previous actor's steps), then
// the others in enabled order. A pick that switches away from a previous
// actor that is still enabled is a preemption; a path may hold at most
// Bound of them (Bound < 0: unbounded). Partial-order reduction uses sleep
// sets over Step.Independent: once a pick has been explored at a decision,
// later siblings do not explore it again until a dependent step runs. A run
// whose every enabled step is asleep (or beyond the bound) is pruned.
//
// DFS is one Chooser reused across runs; it is not safe for concurrent use
// and every run must use the same seed.
type DFS struct {
	bound    int
	stack    []dfsNode
	done     bool
	boundHit bool
	runs     int
	pruned   int
}

type dfsNode struct {
	enabled  []Step
	prev     int  // actor of the previous step, -1 at the start
	prevOn   bool // prev has an enabled step here
	preempts int  // preemptions on the path before this decision
	chosen   int
	tried    []int
	sleep    []Step
}

// NewDFS returns a search with the given preemption bound.
func NewDFS(bound int) *DFS { return &DFS{bound: bound} }

// Done reports whether the search space (within the bound) is exhausted.
func (s *DFS) Done() bool { return s.done }

// BoundHit reports whether the preemption bound cut off at least one pick:
// when true, a complete search is complete only up to the bound.
func (s *DFS) BoundHit() bool { return s.boundHit }

// Runs returns the number of completed runs (explored schedules).
func (s *DFS) Runs() int { return s.runs }

// Pruned returns the number of runs abandoned by sleep sets or the bound.
func (s *DFS) Pruned() int { return s.pruned }

func (n *dfsNode) isPreemption(i int) bool {
	return n.prevOn && n.enabled[i].Actor != n.prev
}

func (n *dfsNode) asleep(i int) bool {
	e := &n.enabled[i]
	for _, s := range n.sleep {
		if s.Actor == e.Actor && s.Label == e.Label {
			return true
		}
	}
	return false
}

// nextPick returns the first untried, awake pick within the bound in
// preference order (previous actor first), or -1.
func (s *DFS) nextPick(n *dfsNode) int {
	try := func(i int) bool {
		if slices.Contains(n.tried, i) || n.asleep(i) {
			return false
		}
		if n.isPreemption(i) && s.bound >= 0 && n.preempts+1 > s.bound {
			s.boundHit = true
			return false
		}
		return true
	}
	for i := range n.enabled {
		if n.enabled[i].Actor == n.prev && try(i) {
			return i
		}
	}
	for i := range n.enabled {
		if n.enabled[i].Actor != n.prev && try(i) {
			return i
		}
	}
	return -1
}

// Choose replays the current path, then extends it.
func (s *DFS) Choose(d *Decision) (int, error) {
	if d.Index < len(s.stack) {
		n := &s.stack[d.Index]
		if len(n.enabled) != len(d.Enabled) {
			return 0, fmt.Errorf("engine: dfs: system is not deterministic: step %d has %d enabled steps, earlier run had %d",
				d.Index, len(d.Enabled), len(n.enabled))
		}
		for i := range n.enabled {
			if n.enabled[i].Label != d.Enabled[i].Label {
				return 0, fmt.Errorf("engine: dfs: system is not deterministic: step %d enabled[%d] is %q, earlier run had %q",
					d.Index, i, d.Enabled[i].Label, n.enabled[i].Label)
			}
		}
		return n.chosen, nil
	}
	n := dfsNode{enabled: slices.Clone(d.Enabled), prev: d.Prev, prevOn: d.PrevEnabled()}
	if k := len(s.stack); k > 0 {
		p := &s.stack[k-1]
		c := p.enabled[p.chosen]
		n.preempts = p.preempts
		if p.isPreemption(p.chosen) {
			n.preempts++
		}
		for _, z := range p.sleep {
			if z.Independent(c) {
				n.sleep = append(n.sleep, z)
			}
		}
		for _, t := range p.tried {
			if z := p.enabled[t]; z.Independent(c) {
				n.sleep = append(n.sleep, z)
			}
		}
	}
	n.chosen = s.nextPick(&n)
	if n.chosen < 0 {
		return 0, ErrPruned
	}
	s.stack = append(s.stack, n)
	return n.chosen, nil
}

// Next ends a run: pruned tells whether the run was abandoned (ErrPruned).
// It moves the search to the next path and reports whether there is one.
func (s *DFS) Next(pruned bool) bool {
	if pruned {
		s.pruned++
	} else {
		s.runs++
	}
	for len(s.stack) > 0 {
		top := &s.stack[len(s.stack)-1]
		top.tried = append(top.tried, top.chosen)
		if i := s.nextPick(top); i >= 0 {
			top.chosen = i
			return true
		}
		s.stack = s.stack[:len(s.stack)-1]
	}
	s.done = true
	return false
}

// Path returns the current path's picks (for diagnostics).
func (s *DFS) Path() []int {
	p := make([]int, len(s.stack))
	for i := range s.stack {
		p[i] = s.stack[i].chosen
	}
	return p
}
