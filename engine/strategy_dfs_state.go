package engine

import (
	"slices"

	"github.com/migsim/migsim/internal/runtrace"
)

// State pruning (DFSConfig.States): a decision whose state has been
// explored completely before is skipped when that earlier visit covered
// everything this one would explore.
//
// The key is the system's state hash with its judge hash (JudgeHasher):
// what the system's checks keep to judge later steps with, such as an image
// read earlier that a later read must match. Two paths may reach one state
// having shown the checks different things, and a check may then pass a
// later step on one and fail it on the other; so a visit covers only visits
// with the same state and the same judge hash. A system that has a judge
// hasher but cannot hash its checks at a decision (ok false) has no key
// there, and the decision is never pruned nor remembered; a system without
// one takes its state hash to hold its checks too. A visit also records its
// previous actor when that actor has a step enabled (it decides which picks
// are preemptions), -1 when it has none (no pick is then a preemption). An
// earlier visit covers this one when its sleep set was a subset of this
// one's and its remaining preemption budget was large enough for every path
// this one may run: at least this one's when both have the same previous
// actor or the earlier had none, at least one more otherwise (only the
// first pick's cost can differ, by one: after it both paths have the same
// previous actor). It explored every path this one would, and more. A visit
// whose subtree the bound never cut (no pick refused for the bound, no
// state below pruned by a visit that depended on its budget) is remembered
// with an unbounded budget: with any larger budget the search would have
// run exactly the same paths, so it covers every later visit whatever its
// budget (dfsNode.cut). Only visits whose subtree is complete are
// remembered (recorded when the search leaves them), so a state on the
// current path never prunes itself; in a sharded search only visits inside
// the shard's own subtrees are, and nodes above the split are never pruned
// (every shard walks them and numbers the subtrees below them the same
// way).

type dfsStateKey struct {
	hash, judge uint64
}

type dfsStateSeen struct {
	remaining int // -1: unbounded
	prev      int // the previous actor if it has a step enabled, else -1
	sleep     []uint64
}

// stateKey returns the state key of decision d when state pruning is on
// and the system can hash its state there, and its checks when it has a
// judge hasher (judged: it has one and could).
func (s *DFS) stateKey(d *Decision) (key dfsStateKey, judged, ok bool) {
	if !s.cfg.States {
		return dfsStateKey{}, false, false
	}
	h, ok := d.StateHash()
	if !ok {
		return dfsStateKey{}, false, false
	}
	if d.judger == nil {
		return dfsStateKey{hash: h}, false, true
	}
	j, ok := d.JudgeHash()
	if !ok {
		return dfsStateKey{}, false, false
	}
	return dfsStateKey{hash: h, judge: j}, true, true
}

// freePrev is the node's previous actor when it has a step enabled (a
// switch away from it is a preemption), else -1.
func freePrev(n *dfsNode) int {
	if n.prevOn {
		return n.prev
	}
	return -1
}

// coversFrom reports whether an earlier visit v covers a node whose
// previous actor (freePrev) is prev and whose remaining budget is rem.
func coversFrom(v dfsStateSeen, prev, rem int) bool {
	if v.prev == prev || v.prev < 0 || v.remaining < 0 {
		return covers(v.remaining, rem)
	}
	return rem >= 0 && v.remaining >= rem+1
}

func (s *DFS) remaining(n *dfsNode) int {
	if s.cfg.Bound < 0 {
		return -1
	}
	return s.cfg.Bound - n.preempts
}

// sleepKey returns the node's sleep set as sorted step hashes.
func sleepKey(n *dfsNode) []uint64 {
	if len(n.sleep) == 0 {
		return nil
	}
	k := make([]uint64, len(n.sleep))
	for i, z := range n.sleep {
		k[i] = runtrace.Mix(runtrace.String(z.Label), uint64(z.Actor))
	}
	slices.Sort(k)
	return slices.Compact(k)
}

// covers reports whether budget a covers budget b (-1 is unbounded).
func covers(a, b int) bool { return a < 0 || (b >= 0 && a >= b) }

// subset reports whether sorted a ⊆ sorted b.
func subset(a, b []uint64) bool {
	j := 0
	for _, x := range a {
		for j < len(b) && b[j] < x {
			j++
		}
		if j == len(b) || b[j] != x {
			return false
		}
	}
	return true
}

// seen reports whether a complete earlier visit covers n.
func (s *DFS) seen(n *dfsNode) bool {
	rem, sl, prev := s.remaining(n), sleepKey(n), freePrev(n)
	for _, v := range s.states[n.state] {
		if coversFrom(v, prev, rem) && subset(v.sleep, sl) {
			n.cut = v.remaining >= 0
			return true
		}
	}
	return false
}

// forget is called when the search leaves a node: a complete visit is
// remembered for state pruning.
func (s *DFS) forget(n *dfsNode) {
	if !n.hasState || s.stateCount >= DefaultStateCap {
		return
	}
	if s.cfg.Shards > 1 && n.branch < s.cfg.SplitDepth {
		return // above the split: other shards explored parts of it
	}
	if s.states == nil {
		s.states = map[dfsStateKey][]dfsStateSeen{}
	}
	rem := s.remaining(n)
	if !n.cut {
		rem = -1 // no pick was cut off below: it covers every budget
	}
	s.states[n.state] = append(s.states[n.state], dfsStateSeen{remaining: rem, prev: freePrev(n), sleep: sleepKey(n)})
	s.stateCount++
}
