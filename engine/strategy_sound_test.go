package engine

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// propLargerSystems is how many random systems
// TestDFS_ReductionsSound_BlockedActors checks.
var propLargerSystems = flag.Int("engine.largersystems", 300, "random systems TestDFS_ReductionsSound_BlockedActors checks (5000 for a deeper check)")

// TestDFS_ReductionsSound_BlockedActors checks the reductions under a
// preemption bound on random systems of up to 12 steps over 2 variables
// (TestDFS_ReductionsSound's have 8 over 3). They are long enough for an
// actor to block on a wait, be switched away from for free, and be
// unblocked by a step that a reduction let sleep: the equivalent path that
// runs that step first pays a preemption at the switch. Without the rule
// that wakes every sleeping step past a blocked previous actor (dfs.Search.Choose),
// sleep sets miss an outcome at bound 1 in system 1222 (and dpor with
// them), and state pruning inherits the miss. The systems also check
// state pruning's budget rule: a visit whose subtree the bound never cut
// covers every budget, and a cut anywhere below — or a state below pruned
// by a visit with a cut — makes it depend on its budget again (removing
// either propagation fails systems 1222 and 288).
func TestDFS_ReductionsSound_BlockedActors(t *testing.T) {
	gen := propGen{actors: 3, instrs: 6, vars: 2, total: 12}
	variants := []DFSConfig{
		{Reduction: ReductionSleep},
		{Reduction: ReductionDPOR},
		{Reduction: ReductionSleep, States: true},
		{Reduction: ReductionSleep, States: true, Shards: 3, SplitDepth: 2},
	}
	n := *propLargerSystems
	if testing.Short() {
		n = min(n, 60) // -short
	}
	systems := []int{1222}
	for sys := range n {
		if sys != 1222 {
			systems = append(systems, sys)
		}
	}
	runs := map[string]int{}
	for _, sys := range systems {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		f := propFactory(progs, gen.vars)
		for _, bound := range []int{1, 2} {
			ref, refRuns, _ := searchOutcomes(t, f, DFSConfig{Bound: bound, Reduction: ReductionNone})
			runs[fmt.Sprintf("none bound %d", bound)] += refRuns
			for _, cfg := range variants {
				cfg.Bound = bound
				got, n := searchShards(t, f, cfg)
				name := fmt.Sprintf("%s states=%v shards=%d bound %d", cfg.Reduction, cfg.States, max(cfg.Shards, 1), bound)
				runs[name] += n
				if !assert.Equal(t, outcomeList(ref), outcomeList(got), "system %d, %s:\n%s", sys, name, propString(progs)) {
					return
				}
			}
		}
	}
	keys := slices.Sorted(maps.Keys(runs))
	for _, k := range keys {
		t.Logf("%-37s %d runs", k, runs[k])
	}
}
