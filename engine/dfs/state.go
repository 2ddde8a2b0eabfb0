package dfs

import "github.com/migsim/migsim/engine/visited"

// State pruning (Config.States): a decision whose state has been
// explored completely before is skipped when that earlier visit covered
// everything this one would explore. Package visited keeps the visits: a
// state is the system's state hash with its judge hash (engine.JudgeHasher), and
// it says when an earlier visit covers a later one (its sleep set, its
// previous actor, its remaining budget). A system that has a judge hasher
// but cannot hash its checks at a decision (ok false) has no key there,
// and the decision is never pruned nor remembered; a system without one
// takes its state hash to hold its checks too. A visit whose subtree the
// bound never cut (no pick refused for the bound, no state below pruned by
// a visit that depended on its budget) is remembered with an unbounded
// budget (node.cut). Only visits whose subtree is complete are
// remembered (recorded when the search leaves them), so a state on the
// current path never prunes itself; in a sharded search only visits inside
// the shard's own subtrees are, and nodes above the split are never pruned
// (every shard walks them and numbers the subtrees below them the same
// way).

// stateKey returns the state key of decision d when state pruning is on
// and the system can hash its state there (Decision.State), with its
// checks when it has a judge hasher (judged: it has one and could).
func (s *Search) stateKey(d *Decision) (key visited.Key, judged, ok bool) {
	if !s.cfg.States {
		return visited.Key{}, false, false
	}
	return d.State.StateKey()
}

// freePrev is the key of the node's previous actor (Step.Key) when it has
// a step enabled (a switch away from it is a preemption), else -1.
func freePrev(n *node) int {
	if n.prevOn {
		return n.prevKey
	}
	return -1
}

func (s *Search) remaining(n *node) int {
	if s.cfg.Bound < 0 {
		return -1
	}
	return s.cfg.Bound - n.preempts
}

// sleepKey returns the node's sleep set as sorted step keys (each its
// actor's key across runs and its label).
func sleepKey(n *node) []uint64 {
	if len(n.sleep) == 0 {
		return nil
	}
	k := make([]uint64, len(n.sleep))
	for i, z := range n.sleep {
		k[i] = visited.StepKey(z.Key, z.Label)
	}
	return visited.SleepSet(k)
}

// seen reports whether a complete earlier visit covers n.
func (s *Search) seen(n *node) bool {
	v, ok := s.states.Covering(n.state, freePrev(n), s.remaining(n), sleepKey(n))
	if ok {
		n.cut = v.Remaining >= 0
	}
	return ok
}

// forget is called when the search leaves a node: a complete visit is
// remembered for state pruning.
func (s *Search) forget(n *node) {
	if !n.hasState || s.states.Full() {
		return
	}
	if s.cfg.Shards > 1 && n.branch < s.cfg.SplitDepth {
		return // above the split: other shards explored parts of it
	}
	rem := s.remaining(n)
	if !n.cut {
		rem = -1 // no pick was cut off below: it covers every budget
	}
	s.states.Add(n.state, visited.Visit{Remaining: rem, Prev: freePrev(n), Sleep: sleepKey(n)})
	if s.states.Full() {
		// forget runs in Next, which has counted the run that ended.
		s.statesFullAt = s.ended()
	}
}

// ended counts the runs the search has ended (Next): complete, pruned and
// foreign, as a run budget counts them.
func (s *Search) ended() int { return s.runs + s.pruned + s.foreign }

// StateCap returns the cap of the visits remembered and of the known
// transitions (Config.StateCap, or visited.DefaultCap).
func (s *Search) StateCap() int { return s.states.Cap() }

// Remembered returns how many complete visits the search remembers, and
// how many transitions it knows.
func (s *Search) Remembered() (visits, transitions int) { return s.states.Len(), s.trans.Len() }

// StatesFullAt returns the run (counting from 1, complete, pruned and
// foreign alike) at whose end the complete visits remembered reached
// StateCap, after which the search remembered no more and pruned nothing
// from the states it explored later; 0 when they have not.
func (s *Search) StatesFullAt() int { return s.statesFullAt }

// TransitionsFullAt returns the run (counted as StatesFullAt counts) in
// which the known transitions reached StateCap, after which the search
// learnt no more; 0 when they have not.
func (s *Search) TransitionsFullAt() int { return s.transFullAt }
