package engine

import "slices"

// State pruning (DFSConfig.States): a decision whose state has been
// explored completely before is skipped when that earlier visit covered
// everything this one would explore.
//
// The key is the system's state hash and the previous actor (it decides
// which picks are preemptions). An earlier visit covers this one when its
// remaining preemption budget was at least as large and its sleep set a
// subset of this one's: it explored every path this one would, and more.
// Only visits whose subtree is complete are remembered (recorded when the
// search leaves them), so a state on the current path never prunes itself;
// in a sharded search only visits inside the shard's own subtrees are.

type dfsStateKey struct {
	hash uint64
	prev int
}

type dfsStateSeen struct {
	remaining int // -1: unbounded
	sleep     []uint64
}

func (s *DFS) stateKey(h uint64, n *dfsNode) dfsStateKey { return dfsStateKey{hash: h, prev: n.prev} }

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
		k[i] = mix(hashString(z.Label), uint64(z.Actor))
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
	rem, sl := s.remaining(n), sleepKey(n)
	for _, v := range s.states[n.state] {
		if covers(v.remaining, rem) && subset(v.sleep, sl) {
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
	s.states[n.state] = append(s.states[n.state], dfsStateSeen{remaining: s.remaining(n), sleep: sleepKey(n)})
	s.stateCount++
}
