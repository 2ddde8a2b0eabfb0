// Package slotcache is a direct-mapped cache that goroutines share without
// a lock: each key lives in the one slot its caller's hash picks, and a
// slot keeps the value last stored there with its key. A slot is read with
// one atomic load and one comparison and replaced whole, so a hit returns
// exactly the value stored for an equal key; a miss (an empty slot, or
// another key's) asks the caller to build the value again. It holds what a
// process computes again and again from few distinct keys — the labels of
// the accesses every run of a target makes, the footprints and
// classifications of its steps — where a locked map of whole keys costs
// several times more per lookup.
package slotcache

import "sync/atomic"

// Table is a direct-mapped cache of values V by keys K: see the package
// comment. The zero Table has no slots; make one with New. Its methods are
// safe for concurrent use.
type Table[K comparable, V any] struct {
	slots []atomic.Pointer[entry[K, V]]
}

// entry is one slot's key and value, never changed once stored.
type entry[K comparable, V any] struct {
	k K
	v V
}

// New returns a table of n slots (n > 0).
func New[K comparable, V any](n int) *Table[K, V] {
	if n <= 0 {
		panic("slotcache: a table needs at least one slot")
	}
	return &Table[K, V]{slots: make([]atomic.Pointer[entry[K, V]], n)}
}

// Len is the number of slots.
func (t *Table[K, V]) Len() int { return len(t.slots) }

// Get returns the value slot i holds for k, and whether it holds one: a
// slot holds the value last stored in it, for one key. i must be below
// Len (the caller's hash of k, reduced).
func (t *Table[K, V]) Get(i uint64, k K) (V, bool) {
	if e := t.slots[i].Load(); e != nil && e.k == k {
		return e.v, true
	}
	var zero V
	return zero, false
}

// Put stores v for k in slot i, replacing what the slot held.
func (t *Table[K, V]) Put(i uint64, k K, v V) {
	t.slots[i].Store(&entry[K, V]{k: k, v: v})
}
