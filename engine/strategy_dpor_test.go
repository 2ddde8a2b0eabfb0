package engine

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var propSystems = flag.Int("engine.systems", 150, "number of random toy systems the reduction property tests check")

// searchOutcomes runs a search to the end and returns the set of outcomes
// (findings as oracle: message) and the numbers of complete and pruned
// runs.
func searchOutcomes(t testing.TB, f Factory, cfg DFSConfig) (map[string]bool, int, int) {
	t.Helper()
	s := NewSearch(cfg)
	r := NewRunner(RunConfig{MaxSteps: 200})
	out := map[string]bool{}
	for n := 0; ; n++ {
		require.Less(t, n, 1_000_000, "search does not end")
		res, err := r.RunSeed(f, 1, s)
		if err == nil {
			if res.Finding != nil {
				out[res.Finding.Oracle+": "+res.Finding.Message] = true
			}
		} else if !errors.Is(err, ErrForeign) {
			require.ErrorIs(t, err, ErrPruned)
		}
		if !s.Next(&res, err) {
			break
		}
	}
	return out, s.Runs(), s.Pruned()
}

// searchShards runs every shard of cfg (one when unsharded) and returns
// the outcomes they reach together and their complete runs.
func searchShards(t testing.TB, f Factory, cfg DFSConfig) (map[string]bool, int) {
	t.Helper()
	got, n := map[string]bool{}, 0
	for shard := range max(cfg.Shards, 1) {
		cfg.Shard = shard
		o, sn, _ := searchOutcomes(t, f, cfg)
		maps.Copy(got, o)
		n += sn
	}
	return got, n
}

func outcomeList(m map[string]bool) string {
	var l []string
	for k := range m {
		l = append(l, k)
	}
	slices.Sort(l)
	return strings.Join(l, "\n")
}

// Every reduction reaches exactly the outcomes of the unreduced search,
// bounded and unbounded, on random toy systems with dependent and
// independent steps, blocking waits, timers and per-actor alternatives.
func TestDFS_ReductionsSound(t *testing.T) {
	gen := propGen{actors: 3, instrs: 4, vars: 3}
	type variant struct {
		name string
		cfg  DFSConfig
	}
	variants := []variant{
		{"sleep", DFSConfig{Reduction: ReductionSleep}},
		{"dpor", DFSConfig{Reduction: ReductionDPOR}},
		{"dpor-split", DFSConfig{Reduction: ReductionDPOR, SplitDepth: 3}},
		{"sleep-states", DFSConfig{Reduction: ReductionSleep, States: true}},
		// Sharded with state pruning: a shard remembers the states of its
		// own subtrees only; the shards together reach every outcome.
		{"sleep-states-3-shards", DFSConfig{Reduction: ReductionSleep, States: true, Shards: 3, SplitDepth: 2}},
		// The split depth --shard uses by default.
		{"sleep-states-3-shards-depth-4", DFSConfig{Reduction: ReductionSleep, States: true, Shards: 3, SplitDepth: 4}},
	}
	runs := map[string]int{}
	for sys := 0; sys < *propSystems; sys++ {
		rng := NewStream(uint64(sys), StreamWorkload)
		progs := genProp(rng, gen)
		f := propFactory(progs, gen.vars)
		for _, bound := range []int{0, 1, 2, -1} {
			ref, refRuns, _ := searchOutcomes(t, f, DFSConfig{Bound: bound, Reduction: ReductionNone})
			runs[fmt.Sprintf("none bound %d", bound)] += refRuns
			for _, v := range variants {
				cfg := v.cfg
				cfg.Bound = bound
				got, n := searchShards(t, f, cfg)
				runs[fmt.Sprintf("%s bound %d", v.name, bound)] += n
				if !assert.Equal(t, outcomeList(ref), outcomeList(got), "system %d, %s, bound %d:\n%s", sys, v.name, bound, propString(progs)) {
					return
				}
			}
		}
	}
	var keys []string
	for k := range runs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		t.Logf("%-22s %d runs", k, runs[k])
	}
}

// State pruning: three actors incrementing one counter reach the same
// states along different orders (increments commute in value but not in
// footprint, so sleep sets cannot tell); with StateHasher the search skips
// the repeated states and still reaches every outcome.
func TestDFS_StatePruning(t *testing.T) {
	inc := func(a, i int) propInstr {
		return propInstr{op: pInc, v: 0, labels: [2]string{fmt.Sprintf("a%d:%d inc", a, i)},
			fps: [2]Footprint{NewFootprint([]Resource{0}, []Resource{0})}}
	}
	progs := [][]propInstr{{inc(0, 0), inc(0, 1)}, {inc(1, 0), inc(1, 1)}, {inc(2, 0), inc(2, 1)}}
	f := propFactory(progs, 1)
	for _, bound := range []int{1, -1} {
		want, plain, _ := searchOutcomes(t, f, DFSConfig{Bound: bound})
		got, pruned, _ := searchOutcomes(t, f, DFSConfig{Bound: bound, States: true})
		assert.Equal(t, outcomeList(want), outcomeList(got), "bound %d", bound)
		assert.Less(t, pruned, plain, "bound %d", bound)
	}
	sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyDFS, Schedules: 10_000, Bound: -1, States: true})
	require.NoError(t, err)
	assert.Positive(t, sum.StateHits)
	assert.True(t, sum.Complete)
}
