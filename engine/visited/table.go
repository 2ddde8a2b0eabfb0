package visited

import (
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
type Table struct {
	visits map[Key][]Visit
	n      int
	limit  int
}

// NewTable returns an empty table that remembers up to limit visits
// (DefaultCap when limit is not positive).
func NewTable(limit int) Table { return Table{limit: limit} }

// Cap returns how many visits the table remembers at most.
func (t *Table) Cap() int { return capOr(t.limit) }

// Len returns how many visits the table remembers.
func (t *Table) Len() int { return t.n }

// Full reports whether the table holds Cap visits: it remembers no more.
func (t *Table) Full() bool { return t.n >= t.Cap() }

// Add remembers a complete visit of state k (nothing when Full).
func (t *Table) Add(k Key, v Visit) {
	if t.Full() {
		return
	}
	if t.visits == nil {
		t.visits = map[Key][]Visit{}
	}
	t.visits[k] = append(t.visits[k], v)
	t.n++
}

// Covering returns the first visit of state k, in the order they were
// added, that covers a visit with previous actor prev, remaining budget
// rem and sleep set sleep (Visit.Covers).
func (t *Table) Covering(k Key, prev, rem int, sleep []uint64) (Visit, bool) {
	for _, v := range t.visits[k] {
		if v.Covers(prev, rem, sleep) {
			return v, true
		}
	}
	return Visit{}, false
}
