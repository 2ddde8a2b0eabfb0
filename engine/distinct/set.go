// Package distinct is the bounded set of interleaving hashes an
// exploration counts its distinct interleavings with (docs/engine.md,
// "Distinct interleavings"): an open-addressing table of hashes (linear
// probing; a multiplicative hash of the interleaving hash picks the first
// slot) that doubles while it is at most half full, up to the slots its
// limit needs, and then takes no new hash. It remembers the first limit
// distinct hashes in the order they are added, which the explorer does in
// schedule order, so what it holds does not depend on how many jobs ran
// the schedules.
package distinct

import (
	"math/bits"
	"slices"
)

// DefaultCap is how many hashes a Set keeps when it is given no limit:
// 2,097,152 hashes in a table of at most 4,194,304 slots, 32 MiB.
const DefaultCap = 1 << 21

// Set is the set of interleaving hashes an exploration has seen, bounded
// by its limit (New).
type Set struct {
	slots []uint64 // 0: an empty slot (the hash 0 is held by zero)
	zero  bool
	n     int
	limit int
	// capped is set once a hash the set lacks arrived while it held
	// limit hashes: n is then a lower bound of the distinct hashes seen.
	capped bool
}

// New returns an empty set of at most limit hashes (limit <= 0:
// DefaultCap).
func New(limit int) *Set {
	if limit <= 0 {
		limit = DefaultCap
	}
	return &Set{limit: limit}
}

// Len returns how many distinct hashes the set holds.
func (s *Set) Len() int { return s.n }

// Capped reports whether a hash the set lacks arrived while it was full:
// Len is then a lower bound of the distinct hashes added.
func (s *Set) Capped() bool { return s.capped }

// slot returns where h's probe starts in a table of 1<<k slots.
func slot(h uint64, k int) int { return int((h * 0x9E3779B97F4A7C15) >> (64 - k)) }

// Add puts h in the set, unless the set is full (then it only notes that
// a hash was left out when h is not in it).
func (s *Set) Add(h uint64) {
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
func (s *Set) find(h uint64) int {
	k := bits.TrailingZeros(uint(len(s.slots)))
	mask := len(s.slots) - 1
	i := slot(h, k)
	for s.slots[i] != 0 && s.slots[i] != h {
		i = (i + 1) & mask
	}
	return i
}

// grow doubles the table and puts every hash back.
func (s *Set) grow() {
	old := s.slots
	s.slots = make([]uint64, 2*len(old))
	for _, h := range old {
		if h != 0 {
			s.slots[s.find(h)] = h
		}
	}
}

// Sorted returns the hashes of the set in increasing order.
func (s *Set) Sorted() []uint64 {
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
