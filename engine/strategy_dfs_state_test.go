package engine

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
		seen       dfsStateSeen
		prev, rem  int
		wantCovers bool
	}{
		{"same prev, same budget", dfsStateSeen{remaining: 1, prev: 2}, 2, 1, true},
		{"same prev, less budget", dfsStateSeen{remaining: 0, prev: 2}, 2, 1, false},
		{"no prev before: every first pick was free", dfsStateSeen{remaining: 1, prev: -1}, 2, 1, true},
		{"other prev, same budget: a first pick of 2 was a preemption there", dfsStateSeen{remaining: 1, prev: 3}, 2, 1, false},
		{"other prev, one more", dfsStateSeen{remaining: 2, prev: 3}, 2, 1, true},
		{"no prev now, prev before: a first pick may cost one there", dfsStateSeen{remaining: 1, prev: 3}, -1, 1, false},
		{"no prev now, prev before, one more", dfsStateSeen{remaining: 2, prev: 3}, -1, 1, true},
		{"unbounded before", dfsStateSeen{remaining: -1, prev: 3}, 2, 5, true},
		{"unbounded now, bounded before", dfsStateSeen{remaining: 7, prev: 2}, 2, -1, false},
		{"unbounded now, other prev, bounded before", dfsStateSeen{remaining: 7, prev: 3}, 2, -1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.wantCovers, coversFrom(c.seen, c.prev, c.rem))
		})
	}
}

// TestDFS_StatePruningKeepsTheChecksHistory: state pruning keys a visit on
// the state and the judge hash, so it reaches the outcomes of the search
// without it on systems whose checks keep a history the state hash leaves
// out (a check fails when the sum of every value written so far is odd).
// Planted: with a judge hash that leaves the history out (constant, which
// is what a key on the state hash alone amounts to), some searches lose
// outcomes: two paths reach one state having summed different values, and
// the second is pruned although a later check would judge it differently.
func TestDFS_StatePruningKeepsTheChecksHistory(t *testing.T) {
	gen := propGen{actors: 4, instrs: 4, vars: 2, total: 12}
	systems := 200
	if testing.Short() {
		systems = 20 // the race detector's run
	}
	lost := 0
	for sys := range systems {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		factory := func(kind transKind) Factory {
			return func(Streams) (System, error) { return newTransSys(progs, gen.vars, kind, new([]string)), nil }
		}
		for _, bound := range []int{1, 2} {
			ref, _, _ := searchOutcomes(t, factory(transHistoryHashed), DFSConfig{Bound: bound, Reduction: ReductionNone})
			got, _, _ := searchOutcomes(t, factory(transHistoryHashed), DFSConfig{Bound: bound, Reduction: ReductionNone, States: true})
			if !assert.Equal(t, outcomeList(ref), outcomeList(got), "system %d bound %d:\n%s", sys, bound, propString(progs)) {
				return
			}
			planted, _, _ := searchOutcomes(t, factory(transHistoryLeftOut), DFSConfig{Bound: bound, Reduction: ReductionNone, States: true})
			if outcomeList(planted) != outcomeList(ref) {
				lost++
			}
		}
	}
	assert.Positive(t, lost, "a key that leaves the checks' history out loses outcomes")
	t.Logf("a key without the history loses outcomes in %d of %d searches", lost, 2*systems)
}
