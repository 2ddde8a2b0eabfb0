package engine

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withoutCost clears the fields that may differ with the memo on: the
// wall clock and the memo's own accounting.
func withoutCost(s Summary) Summary {
	s.Elapsed, s.Executed, s.ExecutedDecisions, s.Memo = 0, 0, 0, MemoStats{}
	return s
}

// The memo changes what is executed, never what is reported: random and
// pct summaries (findings, distinct interleavings, decisions, pct's k) are
// the same with it on or off, for any number of jobs, on systems that draw
// from their workload stream and systems that do not, also when the tree
// is capped.
func TestMemo_SameResults(t *testing.T) {
	systems := []struct {
		name    string
		f       Factory
		repeats bool // pct and random repeat interleavings
	}{
		{"noisy race", noisyRace.factory(), false},
		{"lost update", lostUpdate.factory(), true},
		{"workload draws", toyConfig{racers: 2, incs: 2, computes: 3, workload: true}.factory(), false},
		{"sleepers", toyConfig{racers: 2, incs: 1, computes: 1, sleepers: 2, sleeps: 2}.factory(), true},
	}
	memos := []struct {
		name string
		cfg  MemoConfig
	}{
		{"default", MemoConfig{}},
		{"capped", MemoConfig{MaxNodes: 40, VerifyEvery: 3}},
		{"bytes capped", MemoConfig{MaxBytes: 6000, VerifyEvery: 3}},
		{"never dropped", MemoConfig{DropAfter: -1}},
	}
	for _, sys := range systems {
		for _, strategy := range []string{StrategyRandom, StrategyPCT} {
			cfg := ExploreConfig{Factory: sys.f, Strategy: strategy, Schedules: 900, Seed: 7, Jobs: 1}
			off, err := Explore(context.Background(), cfg)
			require.NoError(t, err)
			assert.Equal(t, off.Schedules, off.Executed)
			for _, m := range memos {
				for _, jobs := range []int{1, 3} {
					name := sys.name + "/" + strategy + "/" + m.name
					c := cfg
					c.Jobs, c.Memo = jobs, &m.cfg
					on, err := Explore(context.Background(), c)
					require.NoError(t, err, name)
					assert.Equal(t, withoutCost(off), withoutCost(on), name)
					assert.Equal(t, on.Schedules, on.Executed+on.Memo.Hits-on.Memo.Verified, name)
					switch {
					case m.cfg.MaxNodes == 0 && m.cfg.MaxBytes == 0:
						if sys.repeats {
							assert.Positive(t, on.Memo.Hits, name)
						}
						assert.False(t, on.Memo.Full, name)
						// 900 schedules: by default dropped at the end of
						// the second round of 256 without a hit (the first
						// cannot hit: its walks come before its runs), and
						// then none.
						assert.Equal(t, m.cfg.DropAfter == 0 && on.Memo.Hits == 0, on.Memo.Dropped, name)
					default:
						assert.True(t, on.Memo.Full, name)
						if m.cfg.MaxNodes > 0 {
							assert.LessOrEqual(t, on.Memo.Nodes, m.cfg.MaxNodes, name)
						}
					}
				}
			}
		}
	}
}

// The memo's executed count and the tree do not depend on jobs either:
// one job inserts each miss as it runs, several after the round, both in
// schedule order. That holds when the tree fills up within a round (by
// its nodes or its bytes), when it is dropped for want of hits, and
// when a run contradicts the tree (the exploration stops at the same
// schedule with the same tree).
func TestMemo_ExecutedIndependentOfJobs(t *testing.T) {
	// seedFlaky's systems change their enabled steps on one seed in mod.
	seedFlaky := func(mod uint64) Factory {
		return func(st Streams) (System, error) {
			return &flakySys{toySys: newToy(noisyRace, st), odd: st.Seed%mod == 0}, nil
		}
	}
	cases := []struct {
		name    string
		f       Factory
		memo    MemoConfig
		wantErr bool
	}{
		{"uncapped", noisyRace.factory(), MemoConfig{}, false},
		{"full within a round", noisyRace.factory(), MemoConfig{MaxNodes: 300}, false},
		{"full by its bytes", noisyRace.factory(), MemoConfig{MaxBytes: 50_000}, false},
		{"dropped without hits", toyConfig{racers: 2, incs: 2, computes: 3, workload: true}.factory(), MemoConfig{DropAfter: 512}, false},
		{"not deterministic in the first round", seedFlaky(97), MemoConfig{VerifyEvery: -1}, true},
		{"not deterministic among hits and checks", seedFlaky(251), MemoConfig{VerifyEvery: 2}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []Summary
			var errs []string
			for _, jobs := range []int{1, 4} {
				sum, err := Explore(context.Background(), ExploreConfig{Factory: c.f, Strategy: StrategyPCT,
					Schedules: 1500, Seed: 2, Jobs: jobs, Memo: &c.memo})
				if c.wantErr {
					require.ErrorIs(t, err, ErrNotDeterministic)
					errs = append(errs, err.Error())
				} else {
					require.NoError(t, err)
				}
				sum.Elapsed = 0
				got = append(got, sum)
			}
			assert.Equal(t, got[0], got[1])
			switch {
			case c.wantErr:
				assert.Equal(t, errs[0], errs[1])
			case c.memo.DropAfter > 0:
				assert.True(t, got[0].Memo.Dropped)
				assert.Equal(t, got[0].Schedules, got[0].Executed)
			default:
				assert.Less(t, got[0].Executed, got[0].Schedules)
			}
			if c.memo.MaxNodes > 0 || c.memo.MaxBytes > 0 {
				assert.True(t, got[0].Memo.Full)
			}
		})
	}
}

// flakySys changes its enabled steps on every other build: a system that
// is not deterministic.
type flakySys struct {
	*toySys
	odd bool
}

func (s *flakySys) Enabled(buf []Step) []Step {
	buf = s.toySys.Enabled(buf)
	if s.odd && len(buf) > 1 {
		buf[0], buf[1] = buf[1], buf[0]
	}
	return buf
}

// The memo refuses a system that is not deterministic: the re-executed
// sample or the next insert disagrees with the tree.
func TestMemo_CatchesNondeterminism(t *testing.T) {
	var builds atomic.Int64
	f := func(st Streams) (System, error) {
		return &flakySys{toySys: newToy(toyConfig{racers: 2, incs: 1, locked: true}, st), odd: builds.Add(1)%7 == 0}, nil
	}
	_, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyRandom, Schedules: 2000, Seed: 1,
		Jobs: 1, Memo: &MemoConfig{VerifyEvery: 2}})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNotDeterministic)
}

// Draws are part of the key: a system whose program depends on the
// workload stream is remembered per drawn value, and the walk reproduces
// the draws of each seed without running the system.
func TestMemo_DrawsAreKeys(t *testing.T) {
	m := newMemo(MemoConfig{})
	f := toyConfig{racers: 2, incs: 1, computes: 4, workload: true}.factory()
	r := NewRunner(RunConfig{})
	var log eventLog
	r.log = &log
	res, err := r.RunSeed(f, 11, NewRandom(NewStream(11, StreamSchedule)))
	require.NoError(t, err)
	draws := 0
	for _, e := range log.events {
		if e.kind == evDraw {
			draws++
		}
	}
	assert.Equal(t, 2, draws, "one draw per increment")
	log.leaf = leafOf(&res)
	require.NoError(t, m.insert(nil, &log))
	var w memoWalk
	leaf, _, _, err := m.walk(&w, 11, NewRandom(NewStream(11, StreamSchedule)))
	require.NoError(t, err)
	require.NotNil(t, leaf, "the same seed walks to the leaf")
	assert.Equal(t, res.TraceHash, leaf.traceHash)
	assert.Equal(t, res.Choices, m.choices(&w), "the walk rebuilds the choices")
}

// ns/decision counts the decisions of executed runs only: without the memo
// every schedule runs and ExecutedDecisions is Decisions; with it the
// schedules the memo answered add to Decisions, not to ExecutedDecisions,
// and NsPerDecision divides by the executed ones.
func TestMemo_NsPerDecisionCountsExecutedRuns(t *testing.T) {
	explore := func(memo *MemoConfig) Summary {
		sum, err := Explore(context.Background(), ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyPCT,
			Schedules: 1500, Seed: 2, Jobs: 1, Memo: memo})
		require.NoError(t, err)
		return sum
	}
	off, on := explore(nil), explore(&MemoConfig{})
	assert.Equal(t, off.Schedules, off.Executed)
	assert.Equal(t, off.Decisions, off.ExecutedDecisions)
	assert.Equal(t, off.Decisions, on.Decisions)
	require.Less(t, on.Executed, on.Schedules, "the memo answered schedules")
	assert.Positive(t, on.ExecutedDecisions)
	assert.Less(t, on.ExecutedDecisions, on.Decisions)
	on.Elapsed = time.Duration(on.ExecutedDecisions) * 300
	assert.InDelta(t, 300, on.NsPerDecision(), 1e-9)

	dfs, err := Explore(context.Background(), ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyDFS,
		Schedules: 1 << 20, Bound: 1, Jobs: 1})
	require.NoError(t, err)
	assert.Equal(t, dfs.Schedules+dfs.Pruned, dfs.Executed, "no known transitions: every run runs")
	assert.GreaterOrEqual(t, dfs.ExecutedDecisions, dfs.Decisions, "pruned runs' decisions count too")
}
