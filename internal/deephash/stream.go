package deephash

import "unsafe"

// stream is the hash of a stream of bytes being built: what a value's walk
// writes (its numbers and booleans as their bytes in memory, lengths and
// the hashes of what pointers point to as 8-byte words, little-endian),
// folded 8 bytes at a time by Mix into two lanes in turn (a and b: the
// word goes into a, then the lanes swap), so that one word's Mix need not
// wait for the last one's; sum folds the lanes together. pend holds the
// fill bytes written since the last fold. Which bytes make a word does not
// depend on how they were written (one field at a time, or a run of fields
// as one span of memory), so the compiled walk and the reflective one
// agree.
type stream struct {
	a, b, pend uint64
	fill       uint
}

// start is an empty stream.
func start() stream { return stream{a: seed, b: lane1} }

// fold folds the word w.
func (s *stream) fold(w uint64) { s.a, s.b = s.b, Mix(s.a, w) }

// put writes the n low bytes of v (1 <= n <= 8; v holds nothing above
// them).
func (s stream) put(v uint64, n uint) stream {
	s.pend |= v << (8 * s.fill)
	s.fill += n
	if s.fill >= 8 {
		s.fold(s.pend)
		s.fill -= 8
		// The bytes of v that did not fit (none when the shift is 64).
		s.pend = v >> (8 * (n - s.fill))
	}
	return s
}

// word writes an 8-byte word.
func (s stream) word(v uint64) stream {
	if s.fill == 0 {
		s.fold(v)
		return s
	}
	s.fold(s.pend | v<<(8*s.fill))
	s.pend = v >> (64 - 8*s.fill)
	return s
}

// span writes the n bytes at p. (It forms no address past them: with
// -race, checkptr refuses one that points into another allocation.)
func (s stream) span(p unsafe.Pointer, n uintptr) stream {
	i := uintptr(0)
	for ; i+8 <= n; i += 8 {
		s = s.word(*(*uint64)(unsafe.Add(p, i)))
	}
	if i < n {
		s = s.put(tail(unsafe.Add(p, i), n-i), uint(n-i))
	}
	return s
}

// tail reads the n < 8 bytes at p, without reading past them.
func tail(p unsafe.Pointer, n uintptr) uint64 {
	var v uint64
	var at uintptr
	if n >= 4 {
		v, at = uint64(*(*uint32)(p)), 4
	}
	if n-at >= 2 {
		v |= uint64(*(*uint16)(unsafe.Add(p, at))) << (8 * at)
		at += 2
	}
	if n-at == 1 {
		v |= uint64(*(*uint8)(unsafe.Add(p, at))) << (8 * at)
	}
	return v
}

// bytes writes b's length, then b.
func (s stream) bytes(b []byte) stream {
	s = s.word(uint64(len(b)))
	if len(b) == 0 {
		return s
	}
	return s.long(unsafe.Pointer(unsafe.SliceData(b)), uintptr(len(b)))
}

// str writes s's length, then s.
func (s stream) str(x string) stream {
	s = s.word(uint64(len(x)))
	if len(x) == 0 {
		return s
	}
	return s.long(unsafe.Pointer(unsafe.StringData(x)), uintptr(len(x)))
}

// long writes the n bytes at p, a string's or a byte slice's (whose length
// was written): 32 bytes or more as one word, the hash of their blocks of
// 32 bytes by four lanes of Mix that do not wait on each other, and the
// bytes after the last block as they are.
func (s stream) long(p unsafe.Pointer, n uintptr) stream {
	if n < 32 {
		return s.span(p, n)
	}
	l0, l1, l2, l3 := lane0, lane1, lane2, lane3
	i := uintptr(0)
	for ; i+32 <= n; i += 32 {
		l0 = Mix(l0, *(*uint64)(unsafe.Add(p, i)))
		l1 = Mix(l1, *(*uint64)(unsafe.Add(p, i+8)))
		l2 = Mix(l2, *(*uint64)(unsafe.Add(p, i+16)))
		l3 = Mix(l3, *(*uint64)(unsafe.Add(p, i+24)))
	}
	// The lanes folded in order (an exclusive or would let two lanes'
	// words be swapped: TestLong_LanesDoNotCancel).
	s = s.word(Mix(Mix(Mix(l0, l1), l2), l3))
	if i < n {
		s = s.span(unsafe.Add(p, i), n-i)
	}
	return s
}

// The lanes' seeds: four unrelated words (the fractional parts of the
// square roots of 2, 3, 5 and 7), so that no lane hashes like another.
const (
	lane0 uint64 = 0x6a09e667f3bcc908
	lane1 uint64 = 0xbb67ae8584caa73b
	lane2 uint64 = 0x3c6ef372fe94f82b
	lane3 uint64 = 0xa54ff53a5f1d36f1
)

// sum is the hash of everything written.
func (s stream) sum() uint64 {
	if s.fill > 0 {
		s.fold(s.pend)
	}
	return Mix(s.a, s.b)
}
