package visited

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCoversFrom: an earlier visit of a state covers a later one when its
// budget pays for every path the later one may run. Only the first pick's
// cost can differ between two visits with different previous actors, by
// one preemption.
func TestCoversFrom(t *testing.T) {
	for _, c := range []struct {
		name       string
		seen       Visit
		prev, rem  int
		wantCovers bool
	}{
		{"same prev, same budget", Visit{Remaining: 1, Prev: 2}, 2, 1, true},
		{"same prev, less budget", Visit{Remaining: 0, Prev: 2}, 2, 1, false},
		{"no prev before: every first pick was free", Visit{Remaining: 1, Prev: -1}, 2, 1, true},
		{"other prev, same budget: a first pick of 2 was a preemption there", Visit{Remaining: 1, Prev: 3}, 2, 1, false},
		{"other prev, one more", Visit{Remaining: 2, Prev: 3}, 2, 1, true},
		{"no prev now, prev before: a first pick may cost one there", Visit{Remaining: 1, Prev: 3}, -1, 1, false},
		{"no prev now, prev before, one more", Visit{Remaining: 2, Prev: 3}, -1, 1, true},
		{"unbounded before", Visit{Remaining: -1, Prev: 3}, 2, 5, true},
		{"unbounded now, bounded before", Visit{Remaining: 7, Prev: 2}, 2, -1, false},
		{"unbounded now, other prev, bounded before", Visit{Remaining: 7, Prev: 3}, 2, -1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.wantCovers, c.seen.coversFrom(c.prev, c.rem))
		})
	}
}

// TestTable_Covering: a visit covers only visits of the same state whose
// sleep set holds its own, and the first covering visit added is found.
func TestTable_Covering(t *testing.T) {
	var tb Table
	a, b := Key{Hash: 1}, Key{Hash: 1, Judge: 2}
	tb.Add(a, Visit{Remaining: 1, Prev: -1, Sleep: SleepSet([]uint64{7, 3, 7})})
	tb.Add(a, Visit{Remaining: -1, Prev: -1})
	_, ok := tb.Covering(b, -1, 0, nil)
	assert.False(t, ok, "another judge hash is another state")
	v, ok := tb.Covering(a, -1, 1, []uint64{3, 5, 7})
	assert.True(t, ok)
	assert.Equal(t, 1, v.Remaining, "the first visit that covers")
	v, ok = tb.Covering(a, -1, 1, []uint64{3})
	assert.True(t, ok)
	assert.Equal(t, -1, v.Remaining, "the first one's sleep set is not a subset")
	assert.False(t, tb.Full())
}
