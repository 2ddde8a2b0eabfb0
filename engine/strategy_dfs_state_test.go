package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

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
		systems = 20 // -short
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
