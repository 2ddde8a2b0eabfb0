package engine

import (
	"math/bits"
	"slices"
)

// DefaultDistinctCap is how many distinct interleavings an exploration
// keeps (ExploreConfig.DistinctCap): 2,097,152 hashes in a table of at
// most 4,194,304 slots, 32 MiB. Past it Summary.Distinct stops growing and
// Summary.DistinctCapped says the count is a lower bound (docs/engine.md,
// "Distinct interleavings").
const DefaultDistinctCap = 1 << 21

// distinctSet is the set of interleaving hashes an exploration has seen,
// bounded: an open-addressing table of hashes (linear probing; a
// multiplicative hash of the interleaving hash picks the first slot) that
// doubles while it is at most half full, up to the slots its limit needs,
// and then takes no new hash. It remembers the first limit distinct hashes
// in the order they are added, which the explorer does in schedule order,
// so what it holds does not depend on Jobs.
type distinctSet struct {
	slots []uint64 // 0: an empty slot (the hash 0 is held by zero)
	zero  bool
	n     int
	limit int
	// capped is set once a hash the set lacks arrived while it held
	// limit hashes: n is then a lower bound of the distinct hashes seen.
	capped bool
}

// newDistinctSet returns an empty set of at most limit hashes (limit ≤ 0:
// DefaultDistinctCap).
func newDistinctSet(limit int) *distinctSet {
	if limit <= 0 {
		limit = DefaultDistinctCap
	}
	return &distinctSet{limit: limit}
}

// slot returns where h's probe starts in a table of 1<<k slots.
func slot(h uint64, k int) int { return int((h * 0x9E3779B97F4A7C15) >> (64 - k)) }

// add puts h in the set, unless the set is full (then it only notes that
// a hash was left out when h is not in it).
func (s *distinctSet) add(h uint64) {
	if h == 0 {
		switch {
		case s.zero:
		case s.n >= s.limit:
			s.capped = true
		default:
			s.zero = true
			s.n++
		}
		return
	}
	if len(s.slots) == 0 {
		s.slots = make([]uint64, 64)
	}
	i := s.find(h)
	if s.slots[i] == h {
		return
	}
	if s.n >= s.limit {
		s.capped = true
		return
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
		i = s.find(h)
	}
	s.slots[i] = h
	s.n++
}

// find returns the slot holding h, or the empty slot where h goes.
func (s *distinctSet) find(h uint64) int {
	k := bits.TrailingZeros(uint(len(s.slots)))
	mask := len(s.slots) - 1
	i := slot(h, k)
	for s.slots[i] != 0 && s.slots[i] != h {
		i = (i + 1) & mask
	}
	return i
}

// grow doubles the table and puts every hash back.
func (s *distinctSet) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	for _, h := range old {
		if h != 0 {
			s.slots[s.find(h)] = h
		}
	}
}

// sorted returns the hashes of the set in increasing order.
func (s *distinctSet) sorted() []uint64 {
	out := make([]uint64, 0, s.n)
	if s.zero {
		out = append(out, 0)
	}
	for _, h := range s.slots {
		if h != 0 {
			out = append(out, h)
		}
	}
	slices.Sort(out)
	return out
}
