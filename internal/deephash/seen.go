package deephash

import (
	"reflect"
	"unsafe"
)

// seenTable holds, for one hash, the pointers met and the hash of what
// each points to (inProgress while it is being hashed), keyed by address
// and pointer type: an open-addressing table whose entries of an earlier
// hash are told apart by their generation, so that a new hash starts with
// no clearing.
type seenTable struct {
	slots []seenSlot
	gen   uint32
	n     int
}

type seenSlot struct {
	p, t uintptr
	gen  uint32
	hash uint64
}

// typeWord is the identity of type t: its runtime type descriptor's
// address (reflect.Type's dynamic value is a pointer to it).
func typeWord(t reflect.Type) uintptr {
	return (*[2]uintptr)(unsafe.Pointer(&t))[1]
}

// reset forgets every pointer.
func (s *seenTable) reset() {
	s.gen++
	s.n = 0
	if s.gen == 0 {
		clear(s.slots)
		s.gen = 1
	}
	if s.slots == nil {
		s.slots = make([]seenSlot, 16)
	}
}

// slot returns the slot of (p, t): its entry, or the free slot it takes.
func (s *seenTable) slot(p, t uintptr) *seenSlot {
	mask := uintptr(len(s.slots) - 1)
	i := uintptr((uint64(p)^uint64(t)<<7)*0x9e3779b97f4a7c15>>32) & mask
	for {
		e := &s.slots[i]
		if e.gen != s.gen || e.p == p && e.t == t {
			return e
		}
		i = (i + 1) & mask
	}
}

// enter looks up (p, t): seen is true when it was met before in this
// hash, and n is then the hash recorded (inProgress while its target is
// being hashed). Otherwise it records (p, t) as in progress.
func (s *seenTable) enter(p, t uintptr) (n uint64, seen bool) {
	e := s.slot(p, t)
	if e.gen == s.gen {
		return e.hash, true
	}
	if 2*(s.n+1) > len(s.slots) {
		s.grow()
		e = s.slot(p, t)
	}
	*e = seenSlot{p: p, t: t, gen: s.gen, hash: inProgress}
	s.n++
	return 0, false
}

// leave records n, the hash of what (p, t) points to.
func (s *seenTable) leave(p, t uintptr, n uint64) {
	s.slot(p, t).hash = n
}

func (s *seenTable) grow() {
	old := s.slots
	s.slots = make([]seenSlot, 2*len(old))
	for _, e := range old {
		if e.gen == s.gen {
			*s.slot(e.p, e.t) = e
		}
	}
}
