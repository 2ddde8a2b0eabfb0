package engine

// Chunk lengths of a slab: the first chunk is small, so that a small memo
// stays small; each next one doubles, up to the most.
const (
	slabFirst = 16
	slabMost  = 1024
)

// slab hands out slices of a few large chunks, for values that all live as
// long as the slab: the memo frees no node before it is dropped, so its
// nodes and their steps and children cost an allocation per chunk, not
// one each. At most the last chunk is partly unused.
type slab[T any] struct {
	free []T
	// next is the length of the last chunk, or of the chunk it would have
	// been when a longer slice was asked for; the next doubles it.
	next int
}

// take returns a zeroed slice of n values whose capacity is n, so that no
// append to it reaches the next one.
func (s *slab[T]) take(n int) []T {
	if n > len(s.free) {
		s.next = min(max(2*s.next, slabFirst), slabMost)
		s.free = make([]T, max(s.next, n))
	}
	p := s.free[:n:n]
	s.free = s.free[n:]
	return p
}
