package engine

import (
	"context"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Jobs change only the elapsed time: summaries and findings are identical.
func TestExplore_JobsDeterministic(t *testing.T) {
	for _, strategy := range []string{StrategyRandom, StrategyPCT} {
		t.Run(strategy, func(t *testing.T) {
			run := func(jobs int) Summary {
				sum, err := Explore(context.Background(), ExploreConfig{
					Factory: noisyRace.factory(), Strategy: strategy, Schedules: 700, Seed: 5, Jobs: jobs,
				})
				require.NoError(t, err)
				sum.Elapsed = 0
				return sum
			}
			one, two, eight := run(1), run(2), run(8)
			require.NotEmpty(t, one.Findings)
			assert.Equal(t, one, two)
			assert.Equal(t, one, eight)
			assert.Equal(t, 700, one.Schedules)
		})
	}
}

// recordingFactory remembers every seed it built a system for.
type recordingFactory struct {
	mu    sync.Mutex
	seeds map[uint64]int
	cfg   toyConfig
}

func (r *recordingFactory) factory(st Streams) (System, error) {
	r.mu.Lock()
	r.seeds[st.Seed]++
	r.mu.Unlock()
	return newToy(r.cfg, st), nil
}

// Shards 0/2 and 1/2 together run every schedule exactly once.
func TestExplore_ShardsCoverOnce(t *testing.T) {
	rec := &recordingFactory{seeds: map[uint64]int{}, cfg: lostUpdate}
	const n = 301
	var total Summary
	for shard := 0; shard < 2; shard++ {
		sum, err := Explore(context.Background(), ExploreConfig{
			Factory: rec.factory, Strategy: StrategyRandom, Schedules: n, Seed: 9, Jobs: 3, Shard: shard, Shards: 2,
		})
		require.NoError(t, err)
		for _, f := range sum.Findings {
			assert.Equal(t, shard, f.Index%2, "shard %d reported schedule %d", shard, f.Index)
		}
		total.Schedules += sum.Schedules
		total.Decisions += sum.Decisions
	}
	assert.Equal(t, n, total.Schedules)
	require.Len(t, rec.seeds, n)
	for i := 0; i < n; i++ {
		assert.Equal(t, 1, rec.seeds[ScheduleSeed(9, i)], "schedule %d", i)
	}
	whole, err := Explore(context.Background(), ExploreConfig{Factory: lostUpdate.factory(), Strategy: StrategyRandom, Schedules: n, Seed: 9})
	require.NoError(t, err)
	assert.Equal(t, whole.Decisions, total.Decisions)
}

// A panicking system is a finding of the exploration, not a crash, and the
// first panicking schedule is the same for any number of jobs.
func TestExplore_PanicIsFinding(t *testing.T) {
	cfg := toyConfig{racers: 3, incs: 1, locked: true}
	f := func(st Streams) (System, error) {
		s := newToy(cfg, st)
		s.panicLabel = "racer2:inc counter"
		return s, nil
	}
	var sums []Summary
	for _, jobs := range []int{1, 4} {
		sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyRandom, Schedules: 50, Seed: 1, Jobs: jobs})
		require.NoError(t, err)
		require.Len(t, sum.Findings, 1)
		rep := sum.Findings[0]
		assert.Equal(t, OraclePanic, rep.Finding.Oracle)
		assert.Equal(t, "toy: racer2:inc counter ran first", rep.Finding.Message)
		assert.Equal(t, 0, rep.Finding.Step)
		assert.NotEmpty(t, rep.Finding.Stack)
		sum.Elapsed = 0
		sums = append(sums, sum)
	}
	assert.Equal(t, sums[0], sums[1])
}

// StopOnFinding ends after the round with the first finding, the same way
// for any number of jobs.
func TestExplore_StopOnFinding(t *testing.T) {
	var sums []Summary
	for _, jobs := range []int{1, 3} {
		sum, err := Explore(context.Background(), ExploreConfig{
			Factory: lostUpdate.factory(), Strategy: StrategyRandom, Schedules: 10 * exploreRound, Seed: 2, Jobs: jobs, StopOnFinding: true,
		})
		require.NoError(t, err)
		require.NotEmpty(t, sum.Findings)
		sum.Elapsed = 0
		sums = append(sums, sum)
	}
	assert.Equal(t, exploreRound, sums[0].Schedules)
	assert.Equal(t, sums[0], sums[1])
}

// Progress is reported per round and once at the end, with a fake clock.
func TestExplore_Progress(t *testing.T) {
	var got []Progress
	now := time.Unix(0, 0)
	clock := func() time.Time { now = now.Add(time.Second); return now }
	sum, err := Explore(context.Background(), ExploreConfig{
		Factory: toyConfig{racers: 2, incs: 1, locked: true}.factory(), Strategy: StrategyRandom,
		Schedules: 2*exploreRound + 1, Seed: 1, Jobs: 2, Clock: clock,
		Progress: func(p Progress) { got = append(got, p) },
	})
	require.NoError(t, err)
	require.Len(t, got, 4)
	assert.Equal(t, []int{exploreRound, 2 * exploreRound, 2*exploreRound + 1, 2*exploreRound + 1},
		[]int{got[0].Done, got[1].Done, got[2].Done, got[3].Done})
	assert.True(t, got[3].Final)
	assert.Equal(t, 2, got[3].Distinct)
	assert.Equal(t, 4*time.Second, sum.Elapsed) // one tick at the start, three rounds, the end
	assert.InDelta(t, float64(2*exploreRound+1)/4, sum.SchedulesPerSecond(), 1e-9)
}

// Bad configurations are errors naming what was wrong.
func TestExplore_ConfigErrors(t *testing.T) {
	f := lostUpdate.factory()
	cases := []struct {
		cfg  ExploreConfig
		want string
	}{
		{ExploreConfig{Strategy: StrategyRandom}, "engine: explore: no factory"},
		{ExploreConfig{Factory: f, Strategy: "replay"}, `engine: explore: strategy "replay": want random, pct or dfs`},
		{ExploreConfig{Factory: f, Strategy: "bfs"}, `engine: explore: strategy "bfs": want random, pct or dfs`},
		{ExploreConfig{Factory: f, Strategy: StrategyRandom, Shard: 2, Shards: 2}, "engine: explore: shard 2/2 out of range"},
	}
	for _, tc := range cases {
		_, err := Explore(context.Background(), tc.cfg)
		assert.EqualError(t, err, tc.want)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Explore(ctx, ExploreConfig{Factory: f, Strategy: StrategyRandom, Schedules: 10})
	assert.ErrorIs(t, err, context.Canceled)
}

// pct learns k once, from the mean run length of its first round, the
// same way in every shard.
func TestExplore_PCTLearnsK(t *testing.T) {
	first, err := Explore(context.Background(), ExploreConfig{
		Factory: noisyRace.factory(), Strategy: StrategyPCT, Schedules: exploreRound, Seed: 1, PCTSteps: 1000,
	})
	require.NoError(t, err)
	mean := int((first.Decisions + int64(first.Schedules) - 1) / int64(first.Schedules))
	assert.Less(t, mean, 1000)
	for _, shards := range []int{1, 3} {
		sum, err := Explore(context.Background(), ExploreConfig{
			Factory: noisyRace.factory(), Strategy: StrategyPCT, Schedules: 3 * exploreRound, Seed: 1, PCTSteps: 1000,
			Shard: shards - 1, Shards: shards,
		})
		require.NoError(t, err)
		assert.Equal(t, mean, sum.PCTSteps, "%d shards", shards)
	}
}

// Findings are ordered by schedule index, one per oracle.
func TestExplore_FindingsOrdered(t *testing.T) {
	cfg := toyConfig{racers: 3, incs: 1, computes: 1}
	f := func(st Streams) (System, error) {
		s := newToy(cfg, st)
		s.panicLabel = "racer2:read counter"
		return s, nil
	}
	sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyRandom, Schedules: 300, Seed: 4})
	require.NoError(t, err)
	require.Len(t, sum.Findings, 2)
	idx := []int{sum.Findings[0].Index, sum.Findings[1].Index}
	assert.True(t, sort.IntsAreSorted(idx))
	oracles := []string{sum.Findings[0].Finding.Oracle, sum.Findings[1].Finding.Oracle}
	sort.Strings(oracles)
	assert.Equal(t, "lost-update,panic", strings.Join(oracles, ","))
}

// A dfs shard's runs into other shards' subtrees (above the split, to
// find its own) count against its run budget: a split deeper than the
// tree's branching leaves a shard no subtree of its own, and it stops
// at its budget instead of walking the whole tree.
func TestExplore_DFSForeignRunsCountAgainstBudget(t *testing.T) {
	const budget = 20
	sum, err := Explore(context.Background(), ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyDFS,
		Schedules: budget, Bound: -1, SplitDepth: 64, Shard: 999_999, Shards: 1_000_000})
	require.NoError(t, err)
	assert.LessOrEqual(t, sum.Executed, budget)
	assert.False(t, sum.Complete, "the budget ends the walk before the tree is exhausted")
	full, err := Explore(context.Background(), ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyDFS,
		Schedules: 1 << 20, Bound: -1, SplitDepth: 64, Shard: 999_999, Shards: 1_000_000})
	require.NoError(t, err)
	assert.Greater(t, full.Executed, budget, "the tree needs more runs than the budget")
	assert.True(t, full.Complete)
}

// A context that ends only after every schedule ran cut nothing: the
// exploration is not interrupted and returns no error; one that ends
// between rounds is, with the schedules run so far. pct's k, learned from a
// first round that ran in full, is the same either way.
func TestExplore_InterruptedOnlyWhenCut(t *testing.T) {
	for _, tc := range []struct {
		name      string
		strategy  string
		schedules int
		cancelAt  int // cancel at the progress update that counts this many done
		cut       bool
	}{
		{"random: after the last schedule", StrategyRandom, 10, 10, false},
		{"pct: after the last schedule", StrategyPCT, exploreRound, exploreRound, false},
		{"random: between rounds", StrategyRandom, 2 * exploreRound, exploreRound, true},
		{"pct: between rounds", StrategyPCT, 2 * exploreRound, exploreRound, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			cfg := ExploreConfig{Factory: noisyRace.factory(), Strategy: tc.strategy, Schedules: tc.schedules, Seed: 1, Jobs: 1, PCTSteps: 1000,
				Progress: func(p Progress) {
					if !p.Final && p.Done == tc.cancelAt {
						cancel()
					}
				}}
			sum, err := Explore(ctx, cfg)
			require.Error(t, ctx.Err(), "the context ended")
			assert.Equal(t, tc.cut, sum.Interrupted)
			if tc.cut {
				assert.ErrorIs(t, err, context.Canceled)
				assert.Equal(t, tc.cancelAt, sum.Schedules)
			} else {
				assert.NoError(t, err)
				assert.Equal(t, tc.schedules, sum.Schedules)
			}
			if tc.strategy == StrategyPCT {
				assert.NotEqual(t, 1000, sum.PCTSteps, "k learned from the first round, which ran in full")
			}
		})
	}
}
