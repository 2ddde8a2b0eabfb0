// Package slab hands out slices of a few large chunks, for values that all
// live as long as the slab (the engine's decision-tree memo keeps its
// nodes in slabs: docs/engine.md, "The memo").
package slab

// Chunk lengths of a slab: the first chunk is small, so that a small slab
// stays small; each next one doubles, up to the most.
const (
	First = 16
	Most  = 1024
)

// Slab hands out slices of a few large chunks, for values that all live as
// long as the slab: the memo frees no node before it is dropped, so its
// nodes and their steps and children cost an allocation per chunk, not
// one each. At most the last chunk is partly unused. The zero Slab is
// ready.
type Slab[T any] struct {
	free []T
	// next is the length of the last chunk, or of the chunk it would have
	// been when a longer slice was asked for; the next doubles it.
	next int
}

// Take returns a zeroed slice of n values whose capacity is n, so that no
// append to it reaches the next one.
func (s *Slab[T]) Take(n int) []T {
	if n > len(s.free) {
		s.next = min(max(2*s.next, First), Most)
		s.free = make([]T, max(s.next, n))
	}
	p := s.free[:n:n]
	s.free = s.free[n:]
	return p
}
