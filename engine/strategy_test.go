package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Random and pct find the lost update within a small budget.
func TestStrategy_FindLostUpdate(t *testing.T) {
	for _, strategy := range []string{StrategyRandom, StrategyPCT} {
		t.Run(strategy, func(t *testing.T) {
			sum, err := Explore(context.Background(), ExploreConfig{
				Factory: lostUpdate.factory(), Strategy: strategy, Schedules: 200, Seed: 1, Jobs: 1,
			})
			require.NoError(t, err)
			require.Len(t, sum.Findings, 1)
			rep := sum.Findings[0]
			assert.Equal(t, "lost-update", rep.Finding.Oracle)
			assert.Equal(t, []string{"TOY-01"}, rep.Finding.Reqs)
			assert.Positive(t, sum.Failing)
			assert.Greater(t, sum.Distinct, 1)
			assert.Equal(t, 200, sum.Schedules)

			// The reported schedule replays to the same finding and trace.
			again, err := Run(lostUpdate.factory(), rep.Result.Seed, NewReplay(rep.Result.Choices), RunConfig{})
			require.NoError(t, err)
			assert.Equal(t, rep.Result.TraceHash, again.TraceHash)
			require.NotNil(t, again.Finding)
			assert.Equal(t, rep.Finding.Step, again.Finding.Step)
		})
	}
}

// dfs with preemption bound 1 finds the lost update; with bound 0 it
// explores the whole bounded space, finds nothing and says the bound cut it.
// Every reduction reaches the same outcomes as the unreduced search.
//
// The racers' reads and writes of the counter are the only dependent steps
// (R0<W0, R1<W1; W0 conflicts with R1 and W1, W1 with R0), and the noise
// actor commutes with everything, so there are four Mazurkiewicz traces:
// the two serial orders and the two where both reads precede both writes
// (ordered W0,W1 or W1,W0), which are the lost updates. Each serial order
// needs no preemption, one interleaved order needs one and the other two.
// DPOR runs one schedule per trace reachable within the bound, plus the
// serial orders' and the conservative points' redundancy (2, 6, 10 runs);
// unbounded it runs exactly the 4 traces. Sleep sets alone cannot prune as
// much under a bound: only the previous actor's step may sleep (see
// dfs.Search.maySleep), so the noise actor's placements are all run.
func TestStrategy_DFSPreemptionBound(t *testing.T) {
	cases := []struct {
		red          Reduction
		bound        int
		wantRuns     int
		wantFailing  int
		wantBoundHit bool
	}{
		{ReductionNone, 0, 6, 0, true},
		{ReductionNone, 1, 54, 24, true},
		{ReductionNone, 2, 320, 216, true},
		{ReductionSleep, 0, 6, 0, true},
		{ReductionSleep, 1, 42, 20, true},
		{ReductionSleep, 2, 74, 52, true},
		{ReductionSleep, -1, 4, 2, false},
		{ReductionDPOR, 0, 2, 0, true},
		{ReductionDPOR, 1, 6, 4, true},
		{ReductionDPOR, 2, 10, 8, false},
		{ReductionDPOR, -1, 4, 2, false},
	}
	for _, tc := range cases {
		name := fmt.Sprintf("%s bound %d", tc.red, tc.bound)
		sum, err := Explore(context.Background(), ExploreConfig{
			Factory: lostUpdate.factory(), Strategy: StrategyDFS, Schedules: 100_000, Seed: 1, Bound: tc.bound, Reduction: tc.red,
		})
		require.NoError(t, err, name)
		assert.True(t, sum.Complete, name)
		assert.Equal(t, tc.wantRuns, sum.Schedules, name)
		assert.Equal(t, tc.wantRuns, sum.Distinct, name)
		assert.Equal(t, tc.wantFailing, sum.Failing, name)
		assert.Equal(t, tc.wantBoundHit, sum.BoundHit, name)
		if tc.wantFailing > 0 {
			require.Len(t, sum.Findings, 1, name)
			assert.Equal(t, "lost-update", sum.Findings[0].Finding.Oracle, name)
			if tc.bound >= 0 {
				assert.LessOrEqual(t, sum.Findings[0].Result.Preemptions, tc.bound, name)
			}
		} else {
			assert.Empty(t, sum.Findings, name)
		}
		ref := ReductionNone
		if tc.bound < 0 {
			ref = ReductionSleep
		}
		want, _, _ := searchOutcomes(t, lostUpdate.factory(), DFSConfig{Bound: tc.bound, Reduction: ref})
		got, _, _ := searchOutcomes(t, lostUpdate.factory(), DFSConfig{Bound: tc.bound, Reduction: tc.red})
		assert.Equal(t, outcomeList(want), outcomeList(got), name)
	}
}

// A run budget stops dfs before the space is exhausted, and it says so.
func TestStrategy_DFSBudget(t *testing.T) {
	sum, err := Explore(context.Background(), ExploreConfig{
		Factory: toyConfig{racers: 3, incs: 2, locked: true}.factory(), Strategy: StrategyDFS, Schedules: 5, Bound: -1,
	})
	require.NoError(t, err)
	assert.Equal(t, 5, sum.Schedules+sum.Pruned)
	assert.False(t, sum.Complete)
}

// Sleep sets: actors that share nothing commute, so unbounded dfs runs one
// schedule and prunes the rest; sharing a resource makes them dependent.
func TestStrategy_DFSPartialOrderReduction(t *testing.T) {
	indep := toyConfig{sleepers: 0, noise: 0, racers: 0}
	f := func(st Streams) (System, error) {
		s := newToy(indep, st)
		for a := 0; a < 3; a++ {
			act := &toyActor{name: "solo" + string(rune('a'+a))}
			for i := 0; i < 3; i++ {
				act.prog = append(act.prog, toyInstr{op: opNoise, label: act.name + ":poke", fp: Writes(Resource(8 + a))})
			}
			s.actors = append(s.actors, act)
		}
		return s, nil
	}
	sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyDFS, Schedules: 10_000, Bound: -1})
	require.NoError(t, err)
	assert.True(t, sum.Complete)
	assert.False(t, sum.BoundHit)
	assert.Equal(t, 1, sum.Schedules)
	assert.Positive(t, sum.Pruned)

	// Three actors of one locked increment each share the counter: all 3!
	// orders are distinct.
	sum, err = Explore(context.Background(), ExploreConfig{
		Factory: toyConfig{racers: 3, incs: 1, locked: true}.factory(), Strategy: StrategyDFS, Schedules: 10_000, Bound: -1,
	})
	require.NoError(t, err)
	assert.True(t, sum.Complete)
	assert.Equal(t, 6, sum.Schedules)
	assert.Equal(t, 6, sum.Distinct)
}

// pct runs the highest-priority actor and drops it at change points; with
// depth 1 there are none and one actor runs to completion first.
func TestStrategy_PCT(t *testing.T) {
	p := NewPCT(NewStream(1, StreamSchedule), 4, 50)
	cps := p.ChangePoints()
	require.Len(t, cps, 3)
	for i, c := range cps {
		assert.GreaterOrEqual(t, c, 0)
		assert.Less(t, c, 50)
		if i > 0 {
			assert.LessOrEqual(t, cps[i-1], c)
		}
	}
	cfg := toyConfig{racers: 3, incs: 4, locked: true}
	res, err := Run(cfg.factory(), 1, NewPCT(NewStream(1, StreamSchedule), 1, 10), RunConfig{})
	require.NoError(t, err)
	assert.Zero(t, res.Preemptions)
	for i := 1; i < 4; i++ {
		assert.Equal(t, res.Choices[0].Actor, res.Choices[i].Actor)
	}
}

// Strategy names parse; an unknown one lists the known ones.
func TestParseStrategy(t *testing.T) {
	for _, s := range Strategies {
		got, err := ParseStrategy(s)
		require.NoError(t, err)
		assert.Equal(t, s, got)
	}
	_, err := ParseStrategy("bfs")
	assert.EqualError(t, err, `engine: unknown strategy "bfs" (want random, pct, dfs, replay)`)
}
