package engine

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDFS_StateCap: a dfs exploration whose state table and known
// transitions have a small cap (ExploreConfig.StateCap) says at which run
// each filled: the run after which the same search with the default cap
// first remembered as many visits (learnt as many transitions), since the
// two are one search until a table fills. It finds the same outcomes as
// the search with the default cap, and still exhausts its space: a full
// table prunes less, never wrongly. A search that never fills its tables
// says nothing, in JSON neither.
func TestDFS_StateCap(t *testing.T) {
	filled := map[string]int{}
	for sys := range transSystems() {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), transGen)
		f := func(Streams) (System, error) {
			return newTransSys(progs, transGen.vars, transHistoryHashed, new([]string)), nil
		}
		for _, cfg := range transConfigs {
			// The searches with the default cap: every run run, as
			// Explore runs it (the visits and transitions after each
			// run), and Explore's (searchTrans: those of
			// TestDFS_KnownTransitionsSameSearch, run once).
			ref := searchTrans(t, sys, transHistoryHashed, cfg)
			want, visits, trans, whole := ref.outcomes, ref.visits, ref.trans, ref.sum
			assert.Zero(t, whole.StatesFullAt, "system %d %+v: the default cap is never reached", sys, cfg)
			assert.Zero(t, whole.TransitionsFullAt)
			assert.Zero(t, whole.StateCap)
			raw, err := json.Marshal(whole)
			require.NoError(t, err)
			assert.NotContains(t, string(raw), "FullAt", "left out of JSON when no table filled")
			assert.NotContains(t, string(raw), "StateCap")
			for _, limit := range []int{4, 64, 1 << 20} {
				capped := cfg
				capped.StateCap = limit
				sum := exploreWithCap(t, f, capped)
				statesAt, transAt := firstReaching(visits, limit), firstReaching(trans, limit)
				assert.Equal(t, statesAt, sum.StatesFullAt, "system %d %+v: the run at whose end the visits filled", sys, capped)
				if statesAt == 0 || (transAt > 0 && transAt <= statesAt) {
					// Until the visits fill, both searches learn the same
					// transitions.
					assert.Equal(t, transAt, sum.TransitionsFullAt, "system %d %+v: the run in which the transitions filled", sys, capped)
				} else {
					assert.True(t, sum.TransitionsFullAt == 0 || sum.TransitionsFullAt > statesAt, "system %d %+v: transitions full at run %d", sys, capped, sum.TransitionsFullAt)
				}
				if sum.StatesFullAt > 0 || sum.TransitionsFullAt > 0 {
					assert.Equal(t, limit, sum.StateCap)
				} else {
					assert.Zero(t, sum.StateCap)
				}
				if sum.StatesFullAt > 0 {
					filled["states"]++
					assert.GreaterOrEqual(t, sum.Schedules, whole.Schedules, "system %d %+v: a full table prunes less", sys, capped)
				} else {
					filled["states not"]++
				}
				if sum.TransitionsFullAt > 0 {
					filled["transitions"]++
				}
				assert.True(t, sum.Complete, "system %d %+v: a full table does not stop the search", sys, capped)
				got, _, _ := searchOutcomes(t, f, capped)
				assert.Equal(t, outcomeList(want), outcomeList(got), "system %d %+v: the same outcomes", sys, capped)
				assert.Equal(t, findingOracles(whole), findingOracles(sum), "system %d %+v: the same findings", sys, capped)
			}
		}
	}
	assert.Positive(t, filled["states"], "small caps fill the state table")
	assert.Positive(t, filled["transitions"], "small caps fill the known transitions")
	assert.Positive(t, filled["states not"], "some searches stay below the cap")
	t.Logf("%v", filled)
}

// firstReaching returns the first run (from 1) after which counts reached
// limit, 0 when none did.
func firstReaching(counts []int, limit int) int {
	for i, c := range counts {
		if c >= limit {
			return i + 1
		}
	}
	return 0
}

// exploreWithCap explores f with dfs and cfg to the end, any cap allowed.
func exploreWithCap(t *testing.T, f Factory, cfg DFSConfig) Summary {
	t.Helper()
	sum, err := exploreAnyCap(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyDFS, Bound: cfg.Bound,
		Reduction: cfg.Reduction, States: cfg.States, StateCap: cfg.StateCap, Schedules: 1 << 30, Jobs: 1, MaxSteps: 200, Clock: fixedClock})
	require.NoError(t, err)
	return sum
}

// findingOracles lists the oracles of an exploration's findings, sorted.
func findingOracles(sum Summary) []string {
	var out []string
	for _, r := range sum.Findings {
		out = append(out, r.Finding.Oracle)
	}
	slices.Sort(out)
	return out
}

// TestExplore_StateCapBounds: Explore refuses a state cap outside
// MinStateCap..MaxStateCap, saying which it got and what it takes, and
// takes zero (the default) and both ends.
func TestExplore_StateCapBounds(t *testing.T) {
	progs := genProp(NewStream(1, StreamWorkload), propGen{actors: 2, instrs: 2, vars: 2})
	f := propFactory(progs, 2)
	for _, c := range []struct {
		limit int
		ok    bool
	}{
		{0, true}, {MinStateCap, true}, {MaxStateCap, true},
		{-1, false}, {1, false}, {MinStateCap - 1, false}, {MaxStateCap + 1, false},
	} {
		_, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyDFS, Bound: 2, States: true,
			StateCap: c.limit, Schedules: 1, Jobs: 1, MaxSteps: 200, Clock: fixedClock})
		if c.ok {
			assert.NoError(t, err, "cap %d", c.limit)
			continue
		}
		require.Error(t, err, "cap %d", c.limit)
		assert.Contains(t, err.Error(), "state cap")
		assert.Contains(t, err.Error(), "1024..67108864")
	}
}
