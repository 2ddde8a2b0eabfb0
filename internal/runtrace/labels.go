package runtrace

import "unsafe"

// Labels remembers the hashes (String) of the labels it hashed last, so
// that a run's step labels, most of them strings kept for the process or
// the world and met at every run, are hashed once and then found by a
// comparison. A label's slot is chosen by where its bytes are, which moves
// no result: a slot answers only for a label equal to the one it holds, and
// any other is hashed. The zero value is ready for use; a Labels is not
// safe for concurrent use.
type Labels struct {
	slots [labelSlots]labelSlot
}

// labelSlots is the number of labels a Labels remembers, 1<<labelBits.
const (
	labelBits  = 8
	labelSlots = 1 << labelBits
)

type labelSlot struct {
	s string
	h uint64
}

// String returns String(s), from its slot when the slot holds s.
func (c *Labels) String(s string) uint64 {
	e := &c.slots[slotOf(s)]
	if e.h != 0 && e.s == s { // an unused slot's h is 0
		return e.h
	}
	return e.set(s)
}

// set makes e hold s and its hash (one that hashes to 0 is hashed again
// each time, which only costs).
func (e *labelSlot) set(s string) uint64 {
	e.s, e.h = s, String(s)
	return e.h
}

// slotOf returns the slot of s: the address of its bytes and its length,
// mixed.
func slotOf(s string) uint64 {
	p := uint64(uintptr(unsafe.Pointer(unsafe.StringData(s))))
	return ((p>>3 ^ p>>11 ^ uint64(len(s))) * mulA) >> (64 - labelBits)
}
