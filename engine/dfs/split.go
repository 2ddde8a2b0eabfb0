package dfs

import "errors"

// The split of a dfs tree into subtrees, for shards (Config.SplitDepth).

// SubtreeRuns counts the complete runs of one subtree of the split.
type SubtreeRuns struct {
	ID   int `json:"id"`
	Runs int `json:"runs"`
}

// RunKind says how a dfs run counted.
type RunKind uint8

const (
	// RunComplete is a complete run of this shard (a schedule).
	RunComplete RunKind = iota + 1
	// RunPruned is a run of this shard abandoned by sleep sets, the bound
	// or state pruning.
	RunPruned
	// RunForeign is a run into (or of) another shard's subtree.
	RunForeign
)

// LastRun returns the subtree and kind of the run the last Next ended.
func (s *Search) LastRun() (subtree int, kind RunKind) { return s.lastSub, s.lastKind }

// ErrForeign is returned by a sharded dfs for a run that enters a subtree
// of another shard.
var ErrForeign = errors.New("engine: run belongs to another shard")

// enterOwned numbers the subtree of the frontier node's current pick and
// moves past the picks whose subtrees belong to other shards (they count
// as explored: their shards explore them). It reports false when no pick
// of the node is left.
func (s *Search) enterOwned(n *node) bool {
	for {
		s.cur = s.subtree
		s.subtree++
		if s.owns() {
			return true
		}
		s.foreign++
		n.tried = append(n.tried, n.chosen)
		i := s.nextPick(n)
		if i < 0 {
			return false
		}
		n.chosen = i
	}
}

// maySleep reports whether pick t, explored at p before the current pick
// c, may sleep in c's subtree. Unbounded, always: every path of c's
// subtree that runs t later is equivalent to one of t's subtree that runs
// it first. With a bound that equivalent path must not cost more
// preemptions. It does not when t's actor was the previous actor (t was
// the free pick), nor when t's actor has nothing enabled right after t
// and c is not the free pick: moving t to the front then adds no switch
// away from an enabled actor — provided no clock advance follows t where
// the path runs it, which asleep ensures by skipping a sleeping step only
// when another step independent of it is enabled. (At a split frontier
// other shards ran t, so only the first rule applies, the same way in
// every shard.) docs/engine.md has the case analysis.
func (s *Search) maySleep(p *node, t int, c Step) bool {
	z := p.enabled[t]
	switch {
	case s.cfg.Bound < 0, p.prevOn && z.Actor == p.prev:
		return true
	case p.frontier, p.prevOn && c.Actor == p.prev:
		return false
	}
	return p.after[t] == 0
}

func (s *Search) owns() bool {
	return s.cfg.Shards <= 1 || s.cur%s.cfg.Shards == s.cfg.Shard
}
