package visited

import (
	"math"
	"slices"

	"github.com/migsim/migsim/internal/runtrace"
)

// DefaultCap caps the visits a Table remembers and the transitions
// Transitions knows, when they are given no cap of their own.
const DefaultCap = 1 << 20

// capOr returns limit, or DefaultCap when it is not positive.
func capOr(limit int) int {
	if limit <= 0 {
		return DefaultCap
	}
	return limit
}

// Key identifies the state of a decision.
type Key struct {
	// Hash is the system's state hash; Judge its judge hash, zero for a
	// system without one.
	Hash, Judge uint64
}

// Visit is a complete visit of a state.
type Visit struct {
	// Remaining is the preemption budget the visit had left, -1 for
	// unbounded (no bound, or a subtree the bound never cut).
	Remaining int
	// Prev is the previous actor when it had a step enabled, else -1.
	Prev int
	// Sleep is the sleep set, as sorted step keys (SleepSet).
	Sleep []uint64
}

// Covers reports whether v, an earlier complete visit of a state, covers a
// visit of it whose previous actor is prev (-1: none with a step enabled),
// whose remaining budget is rem (-1: unbounded) and whose sleep set is
// sleep (sorted step keys).
func (v Visit) Covers(prev, rem int, sleep []uint64) bool {
	return v.coversFrom(prev, rem) && subset(v.Sleep, sleep)
}

// coversFrom reports whether v's budget covers a visit whose previous
// actor is prev and whose remaining budget is rem.
func (v Visit) coversFrom(prev, rem int) bool {
	if v.Prev == prev || v.Prev < 0 || v.Remaining < 0 {
		return covers(v.Remaining, rem)
	}
	return rem >= 0 && v.Remaining >= rem+1
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

// StepKey identifies a step of a state: its actor and label.
func StepKey(actor int, label string) uint64 {
	return runtrace.Mix(runtrace.String(label), uint64(actor))
}

// SleepSet sorts the step keys of a sleep set and drops the repeats, in
// place.
func SleepSet(keys []uint64) []uint64 {
	slices.Sort(keys)
	return slices.Compact(keys)
}

// Table holds the complete visits of every state, up to its cap of them
// (NewTable). The zero Table is empty, with DefaultCap.
//
// A visit is kept in 24 bytes and its sleep set in a shared arena, rather
// than as a Visit in a slice of its own per state: a full table of
// DefaultCap visits of as many states holds about 80 bytes of heap per
// visit without a sleep set instead of about 144 (BenchmarkFill).
type Table struct {
	// states maps a state to its first and last visit in visits.
	states map[Key]span
	visits []entry
	// sleep holds the sleep sets of every visit, one after another.
	sleep []uint64
	limit int
}

// span is the first and last visit of a state: indices into Table.visits.
type span struct{ first, last uint32 }

// entry is a remembered visit: its remaining budget and previous actor
// (Visit's), its sleep set (Table.sleep[at:at+n]) and the next visit of
// its state in the order they were added (its index plus one; 0: none).
type entry struct {
	remaining, prev int32
	n, next         uint32
	at              int
}

// NewTable returns an empty table that remembers up to limit visits
// (DefaultCap when limit is not positive).
func NewTable(limit int) Table { return Table{limit: limit} }

// Cap returns how many visits the table remembers at most.
func (t *Table) Cap() int { return capOr(t.limit) }

// Len returns how many visits the table remembers.
func (t *Table) Len() int { return len(t.visits) }

// Full reports whether the table holds Cap visits: it remembers no more.
func (t *Table) Full() bool { return len(t.visits) >= t.Cap() }

// Add remembers a complete visit of state k: nothing when Full, nor for
// a budget or previous actor beyond 32 bits or a table of 2^32 visits
// (what it does not remember prunes nothing, which is sound).
func (t *Table) Add(k Key, v Visit) {
	if t.Full() || v.Remaining != int(int32(v.Remaining)) || v.Prev != int(int32(v.Prev)) || uint64(len(t.visits)) >= math.MaxUint32 {
		return
	}
	if t.states == nil {
		t.states = map[Key]span{}
	}
	i := uint32(len(t.visits))
	t.visits = append(t.visits, entry{remaining: int32(v.Remaining), prev: int32(v.Prev), n: uint32(len(v.Sleep)), at: len(t.sleep)})
	t.sleep = append(t.sleep, v.Sleep...)
	sp, ok := t.states[k]
	if !ok {
		t.states[k] = span{first: i, last: i}
		return
	}
	t.visits[sp.last].next = i + 1
	sp.last = i
	t.states[k] = sp
}

// Covering returns the first visit of state k, in the order they were
// added, that covers a visit with previous actor prev, remaining budget
// rem and sleep set sleep (Visit.Covers). The Sleep of the visit returned
// is the table's: the caller reads it only.
func (t *Table) Covering(k Key, prev, rem int, sleep []uint64) (Visit, bool) {
	sp, ok := t.states[k]
	if !ok {
		return Visit{}, false
	}
	for i := sp.first + 1; i != 0; i = t.visits[i-1].next {
		e := &t.visits[i-1]
		v := Visit{Remaining: int(e.remaining), Prev: int(e.prev)}
		if e.n > 0 {
			v.Sleep = t.sleep[e.at : e.at+int(e.n) : e.at+int(e.n)]
		}
		if v.Covers(prev, rem, sleep) {
			return v, true
		}
	}
	return Visit{}, false
}
