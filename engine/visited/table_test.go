package visited

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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

// TestCaps: a Table remembers up to its cap of visits and Transitions
// learn up to theirs; past it Add and Learn change nothing, and both say
// so (Full). A zero value, or a cap that is not positive, is DefaultCap.
func TestCaps(t *testing.T) {
	for _, c := range []struct {
		name    string
		limit   int
		adds    int
		wantCap int
		wantLen int
	}{
		{"below the cap", 4, 3, 4, 3},
		{"at the cap", 4, 4, 4, 4},
		{"past the cap", 4, 9, 4, 4},
		{"a cap of one", 1, 5, 1, 1},
		{"zero is the default", 0, 5, DefaultCap, 5},
		{"negative is the default", -3, 5, DefaultCap, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			tb, tr := NewTable(c.limit), NewTransitions(c.limit)
			for i := range c.adds {
				k := Key{Hash: uint64(i)}
				tb.Add(k, Visit{Remaining: -1, Prev: -1})
				tr.Learn(k, 1, Transition{Child: Key{Hash: uint64(i + 1)}})
			}
			assert.Equal(t, c.wantCap, tb.Cap())
			assert.Equal(t, c.wantCap, tr.Cap())
			assert.Equal(t, c.wantLen, tb.Len())
			assert.Equal(t, c.wantLen == c.wantCap, tb.Full())
			assert.Equal(t, c.wantLen == c.wantCap, tr.Full())
			for i := range c.adds {
				k := Key{Hash: uint64(i)}
				_, seen := tb.Covering(k, -1, 0, nil)
				_, known := tr.Lookup(k, 1)
				assert.Equal(t, i < c.wantLen, seen, "visit %d remembered only below the cap", i)
				assert.Equal(t, i < c.wantLen, known, "transition %d learnt only below the cap", i)
			}
		})
	}
	var zero Table
	assert.Equal(t, DefaultCap, zero.Cap())
	var none Transitions
	assert.Equal(t, DefaultCap, none.Cap())
}

// sliceTable is the table as it was before its visits were packed: a
// slice of Visits per state. TestTable_SameAsSlices checks Table against
// it.
type sliceTable struct {
	visits map[Key][]Visit
	n      int
	limit  int
}

func (t *sliceTable) add(k Key, v Visit) {
	if t.n >= t.limit {
		return
	}
	if t.visits == nil {
		t.visits = map[Key][]Visit{}
	}
	t.visits[k] = append(t.visits[k], v)
	t.n++
}

func (t *sliceTable) covering(k Key, prev, rem int, sleep []uint64) (Visit, bool) {
	for _, v := range t.visits[k] {
		if v.Covers(prev, rem, sleep) {
			return v, true
		}
	}
	return Visit{}, false
}

// TestTable_SameAsSlices: the packed Table answers every lookup as a
// slice of Visits per state does (the same visit, budget, previous actor
// and sleep set, or none), over seeded random sequences of visits added
// and looked up, on few states with several visits each, with and
// without a cap that the sequence reaches.
func TestTable_SameAsSlices(t *testing.T) {
	for _, c := range []struct {
		name          string
		seed          uint64
		limit, states int
	}{
		{"few states, no cap reached", 1, 1 << 20, 5},
		{"many states, no cap reached", 2, 1 << 20, 200},
		{"a cap reached", 3, 300, 40},
		{"a cap of one", 4, 1, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(c.seed, 7))
			got, want := NewTable(c.limit), sliceTable{limit: c.limit}
			budget := func() int { return rng.IntN(5) - 1 } // -1 unbounded, else 0..3
			sleepSet := func() []uint64 {
				keys := make([]uint64, rng.IntN(4))
				for i := range keys {
					keys[i] = uint64(rng.IntN(6))
				}
				return SleepSet(keys)
			}
			hits := 0
			for range 5000 {
				k := Key{Hash: uint64(rng.IntN(c.states)), Judge: uint64(rng.IntN(2))}
				if rng.IntN(3) == 0 {
					v := Visit{Remaining: budget(), Prev: rng.IntN(4) - 1, Sleep: sleepSet()}
					got.Add(k, v)
					want.add(k, v)
					continue
				}
				prev, rem, sleep := rng.IntN(4)-1, budget(), sleepSet()
				g, gok := got.Covering(k, prev, rem, sleep)
				w, wok := want.covering(k, prev, rem, sleep)
				require.Equal(t, wok, gok, "%+v prev %d rem %d sleep %v", k, prev, rem, sleep)
				assert.Equal(t, w.Remaining, g.Remaining)
				assert.Equal(t, w.Prev, g.Prev)
				assert.Equal(t, fmt.Sprint(w.Sleep), fmt.Sprint(g.Sleep))
				if gok {
					hits++
				}
			}
			assert.Equal(t, want.n, got.Len())
			assert.Positive(t, hits, "some lookups are covered")
		})
	}
}

// TestTable_AddOutOfRange: a visit whose budget or previous actor does
// not fit the packed visit is not remembered (it would prune nothing
// wrongly), and the table stays as it was.
func TestTable_AddOutOfRange(t *testing.T) {
	for _, v := range []Visit{{Remaining: math.MaxInt32 + 1, Prev: 1}, {Remaining: 1, Prev: math.MinInt32 - 1}} {
		tb := NewTable(0)
		tb.Add(Key{Hash: 1}, v)
		assert.Zero(t, tb.Len())
		_, ok := tb.Covering(Key{Hash: 1}, 1, 0, nil)
		assert.False(t, ok)
	}
}
