package merge

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// shard returns shard i of n of a random exploration with seed 7, having
// run schedules schedules with the given interleavings (MergeData).
func shard(i, n, schedules int, interleavings ...uint64) engine.Summary {
	return engine.Summary{Strategy: engine.StrategyRandom, Seed: 7, Shard: i, Shards: n, PCTSteps: 20,
		Schedules: schedules, Decisions: int64(10 * schedules), Executed: schedules, ExecutedDecisions: int64(10 * schedules),
		Distinct: len(interleavings), Interleavings: interleavings}
}

// finding is the first finding of oracle at schedule index.
func finding(oracle string, index int) engine.Report {
	return engine.Report{Index: index, Seed: uint64(100 + index), Finding: engine.Finding{Oracle: oracle}}
}

// Parts that are not the shards of one exploration, or not all of them,
// are refused with an error that names the parts (by their names, else
// "summary i") and what differs.
func TestNamed_Errors(t *testing.T) {
	with := func(s engine.Summary, change func(*engine.Summary)) engine.Summary {
		change(&s)
		return s
	}
	a, b := shard(0, 2, 3, 1, 2), shard(1, 2, 3, 3)
	for _, tc := range []struct {
		name  string
		parts []engine.Summary
		names []string
		want  string
	}{
		{"none", nil, nil, "no summaries"},
		{"strategy", []engine.Summary{a, with(b, func(s *engine.Summary) { s.Strategy = engine.StrategyPCT })}, []string{"a", "b"},
			"b is shard 1/2 of a pct exploration with seed 7, a is shard 0/2 of a random exploration with seed 7: not one exploration"},
		{"seed", []engine.Summary{a, with(b, func(s *engine.Summary) { s.Seed = 8 })}, nil,
			"summary 1 is shard 1/2 of a random exploration with seed 8, summary 0 is shard 0/2 of a random exploration with seed 7: not one exploration"},
		{"shard count", []engine.Summary{a, with(b, func(s *engine.Summary) { s.Shards = 3 })}, []string{"a", "b"},
			"b is shard 1/3 of a random exploration with seed 7, a is shard 0/2 of a random exploration with seed 7: not one exploration"},
		{"reduction", []engine.Summary{a, with(b, func(s *engine.Summary) { s.Reduction = engine.ReductionDPOR })}, []string{"a", "b"},
			"b explored with reduction dpor, a with sleep: not one exploration"},
		{"split depth", []engine.Summary{a, with(b, func(s *engine.Summary) { s.SplitDepth = 4 })}, []string{"a", "b"},
			"b explored with split depth 4, a with 0: not one exploration"},
		{"pct k", []engine.Summary{a, with(b, func(s *engine.Summary) { s.PCTSteps = 21 })}, []string{"a", "b"},
			"b learnt pct k 21, a k 20: not one exploration"},
		{"shard out of range", []engine.Summary{a, with(b, func(s *engine.Summary) { s.Shard = 2 })}, []string{"a", "b"},
			"b: shard 2 out of range 0..1"},
		{"negative shard", []engine.Summary{a, with(b, func(s *engine.Summary) { s.Shard = -1 })}, []string{"a", "b"},
			"b: shard -1 out of range 0..1"},
		{"a shard twice", []engine.Summary{a, b, b}, []string{"a", "b", "c"}, "shard 1/2 appears twice (b and c)"},
		{"the same shard twice, none other", []engine.Summary{a, a}, []string{"a", "b"}, "shard 0/2 appears twice (a and b)"},
		{"without MergeData", []engine.Summary{a, with(b, func(s *engine.Summary) { s.Interleavings = nil })}, []string{"a", "b"},
			"shard 1/2 (b) was explored without MergeData"},
		{"the last missing", []engine.Summary{a}, []string{"a"}, "shard 1/2 is missing"},
		{"a middle one missing", []engine.Summary{shard(0, 3, 1, 1), shard(2, 3, 1, 2)}, nil, "shard 1/3 is missing"},
		{"the first missing", []engine.Summary{b}, nil, "shard 0/2 is missing"},
		// Counts no exploration gives, which a summary file may state:
		// a sum that wraps around would print a negative count.
		{"decisions past the largest int64", []engine.Summary{with(a, func(s *engine.Summary) { s.Decisions = math.MaxInt64 - 1 }),
			with(b, func(s *engine.Summary) { s.Decisions = 2 })}, []string{"a", "b"},
			"b: Decisions: 2 added to the 9223372036854775806 of the summaries before it passes 9223372036854775807"},
		{"state hits past the largest int", []engine.Summary{with(a, func(s *engine.Summary) { s.StateHits = math.MaxInt }),
			with(b, func(s *engine.Summary) { s.StateHits = 1 })}, []string{"a", "b"},
			"b: StateHits: 1 added to the 9223372036854775807 of the summaries before it passes 9223372036854775807"},
		{"negative executed decisions", []engine.Summary{a, with(b, func(s *engine.Summary) { s.ExecutedDecisions = -1 })}, []string{"a", "b"},
			"b: ExecutedDecisions: -1 is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Named(tc.parts, tc.names)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
			_, err = Summaries(tc.parts)
			require.Error(t, err)
			assert.Regexp(t, "^engine: merge: ", err.Error(), "Summaries says what failed")
		})
	}
}

// The merge of every shard: counts and costs add up, interleavings are the
// sorted union (Distinct its size; a lower bound when a shard's was), the
// first finding of each oracle is the lowest index over the shards, in
// index order, completeness needs every shard, a bound hit, an interrupt
// or a full or dropped memo in one shard is the merge's, and the elapsed
// time is the slowest shard's. A single shard of one is itself.
func TestNamed_Combines(t *testing.T) {
	a := shard(0, 2, 3, 1, 5, 9)
	a.Failing, a.Findings = 2, []engine.Report{finding("transparent", 2), finding("live", 4)}
	a.Memo = engine.MemoStats{Hits: 1, Verified: 1, Nodes: 10, Full: true}
	a.Elapsed, a.Complete = 3*time.Second, true
	b := shard(1, 2, 2, 2, 5)
	b.Failing, b.Findings = 1, []engine.Report{finding("transparent", 1)}
	b.Memo = engine.MemoStats{Hits: 2, Nodes: 5, Dropped: true}
	b.Elapsed, b.BoundHit, b.Interrupted = time.Second, true, true

	want := engine.Summary{Strategy: engine.StrategyRandom, Seed: 7, Shards: 1, PCTSteps: 20,
		Schedules: 5, Decisions: 50, Executed: 5, ExecutedDecisions: 50, Failing: 3,
		Distinct: 4, Interleavings: []uint64{1, 2, 5, 9},
		Findings: []engine.Report{finding("transparent", 1), finding("live", 4)},
		Memo:     engine.MemoStats{Hits: 3, Verified: 1, Nodes: 15, Full: true, Dropped: true},
		Elapsed:  3 * time.Second, BoundHit: true, Interrupted: true}

	capped := a
	capped.DistinctCapped = true
	wantCapped := want
	wantCapped.DistinctCapped = true

	one := shard(0, 1, 4, 3, 4)
	one.Complete = true
	wantOne := one
	wantOne.Shards = 1

	for _, tc := range []struct {
		name  string
		parts []engine.Summary
		want  engine.Summary
	}{
		{"in shard order", []engine.Summary{a, b}, want},
		{"in any order", []engine.Summary{b, a}, want},
		{"a capped shard", []engine.Summary{b, capped}, wantCapped},
		{"one shard of one", []engine.Summary{one}, wantOne},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Named(tc.parts, nil)
			require.NoError(t, err)
			if tc.name != "one shard of one" {
				assert.False(t, got.Complete, "a shard that is not complete")
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

// dfs shards merge their subtrees in order: a finding's index is the runs
// of every earlier subtree, whichever shard ran them, plus its index in its
// own subtree.
func TestNamed_DFSRenumbers(t *testing.T) {
	dfs := func(i int, subs []engine.SubtreeRuns, findings ...engine.Report) engine.Summary {
		s := engine.Summary{Strategy: engine.StrategyDFS, Shard: i, Shards: 2, SplitDepth: 2, Complete: true, Subtrees: subs, Findings: findings}
		for _, st := range subs {
			s.Schedules += st.Runs
		}
		s.Distinct, s.Interleavings = 1, []uint64{uint64(10 + i)}
		s.Failing = len(findings)
		return s
	}
	at := func(oracle string, subtree, index int) engine.Report {
		return engine.Report{Index: index, Subtree: subtree, SubtreeIndex: index, Finding: engine.Finding{Oracle: oracle}}
	}
	a := dfs(0, []engine.SubtreeRuns{{ID: 0, Runs: 3}, {ID: 2, Runs: 4}}, at("live", 2, 1))
	b := dfs(1, []engine.SubtreeRuns{{ID: 1, Runs: 2}, {ID: 3, Runs: 1}}, at("transparent", 1, 0), at("live", 3, 0))
	got, err := Named([]engine.Summary{b, a}, nil)
	require.NoError(t, err)
	assert.Equal(t, []engine.SubtreeRuns{{ID: 0, Runs: 3}, {ID: 1, Runs: 2}, {ID: 2, Runs: 4}, {ID: 3, Runs: 1}}, got.Subtrees)
	assert.Equal(t, 10, got.Schedules)
	assert.True(t, got.Complete)
	require.Len(t, got.Findings, 2)
	// transparent: subtree 1 after subtree 0's 3 runs; live: subtree 2's
	// run 1 after 3+2 runs (6) comes before subtree 3's run 0 (9).
	assert.Equal(t, "transparent", got.Findings[0].Finding.Oracle)
	assert.Equal(t, 3, got.Findings[0].Index)
	assert.Equal(t, "live", got.Findings[1].Finding.Oracle)
	assert.Equal(t, 6, got.Findings[1].Index)
	assert.Equal(t, 2, got.Findings[1].Subtree)
}

// A shard whose dfs state table or known transitions filled makes the
// merge's: each at the earliest run a shard's did (in its own count), the
// cap the largest; when no shard's filled, the merge says nothing.
func TestNamed_StateTablesFull(t *testing.T) {
	dfs := func(i, statesAt, transAt, limit int) engine.Summary {
		return engine.Summary{Strategy: engine.StrategyDFS, Shard: i, Shards: 3, SplitDepth: 2, Schedules: 5,
			Subtrees: []engine.SubtreeRuns{{ID: i, Runs: 5}}, Distinct: 1, Interleavings: []uint64{uint64(i)},
			StatesFullAt: statesAt, TransitionsFullAt: transAt, StateCap: limit}
	}
	for _, c := range []struct {
		name                    string
		parts                   []engine.Summary
		statesAt, transAt, capN int
	}{
		{"none full", []engine.Summary{dfs(0, 0, 0, 0), dfs(1, 0, 0, 0), dfs(2, 0, 0, 0)}, 0, 0, 0},
		{"one shard's states", []engine.Summary{dfs(0, 0, 0, 0), dfs(1, 700, 0, 1024), dfs(2, 0, 0, 0)}, 700, 0, 1024},
		{"one shard's transitions", []engine.Summary{dfs(0, 0, 0, 0), dfs(1, 0, 0, 0), dfs(2, 0, 90, 2048)}, 0, 90, 2048},
		{"the earliest of each", []engine.Summary{dfs(2, 300, 40, 1024), dfs(0, 900, 0, 1024), dfs(1, 0, 20, 1024)}, 300, 20, 1024},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Named(c.parts, nil)
			require.NoError(t, err)
			assert.Equal(t, c.statesAt, got.StatesFullAt)
			assert.Equal(t, c.transAt, got.TransitionsFullAt)
			assert.Equal(t, c.capN, got.StateCap)
		})
	}
}
