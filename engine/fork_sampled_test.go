package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gatedProp returns progs behind a forced prefix: actor 0 first runs n
// steps alone (a sleep among them, so the clock advances), then opens a
// gate the other actors wait on, so that every run's first n+3 decisions
// have one enabled step. The gate is variable vars (the systems take
// vars+1 variables).
func gatedProp(progs [][]propInstr, n, vars int) [][]propInstr {
	gate := vars
	out := make([][]propInstr, len(progs))
	var pre []propInstr
	for i := range n {
		op := pNop
		if i == n/2 {
			op = pSleep
		}
		pre = append(pre, propInstr{op: op, k: 2, labels: [2]string{fmt.Sprintf("pre%d", i)}})
	}
	pre = append(pre, propInstr{op: pInc, v: gate, labels: [2]string{"open"},
		fps: [2]Footprint{NewFootprint([]Resource{Resource(gate)}, []Resource{Resource(gate)})}})
	out[0] = append(pre, progs[0]...)
	for a := 1; a < len(progs); a++ {
		wait := propInstr{op: pWait, v: gate, labels: [2]string{fmt.Sprintf("a%d waits", a)}, fps: [2]Footprint{Reads(Resource(gate))}}
		out[a] = append([]propInstr{wait}, progs[a]...)
	}
	return out
}

// TestSampledFork_Same: random and pct explorations whose runs start from
// a copy of the system at the first choice point (ExploreConfig.Fork with
// SeedFree) run the same schedules as explorations that build every run:
// every schedule's choices, footprints, preemptions, clock, hashes and
// finding, in schedule order, the same summary (but its time and the
// fork's counts), the same findings shrunk the same way; on one job and
// three, with the memo and without, on systems whose copies refuse at the
// choice point or when a run would start from them. Every executed run is
// restored or built, and most are restored.
func TestSampledFork_Same(t *testing.T) {
	gen := propGen{actors: 3, instrs: 4, vars: 2, total: 9}
	refusals := []struct {
		name             string
		refuse, keptSays func(int) bool
	}{
		{"copies", nil, nil},
		{"refused at the choice point", func(int) bool { return true }, nil},
		{"refused by the kept copy", nil, func(int) bool { return true }},
		{"panics", func(int) bool { panic("no copy") }, nil},
	}
	systems := 12
	if testing.Short() {
		systems = 3
	}
	var restored, executed, refused int
	var skipped int64
	for sys := range systems {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		if sys%4 != 3 { // else the first decision may be the choice point
			progs = gatedProp(progs, sys%5, gen.vars)
		}
		for _, strategy := range []string{StrategyRandom, StrategyPCT} {
			for _, jobs := range []int{1, 3} {
				for _, memo := range []bool{false, true} {
					for _, rf := range refusals {
						if rf.refuse != nil && (jobs != 1 || sys%3 != 0) {
							continue // refusals on some systems, on one job
						}
						f := func(Streams) (System, error) {
							return &forkProp{propSys: newPropSys(progs, gen.vars+1), refuse: rf.refuse, refuseKept: rf.keptSays}, nil
						}
						cfg := ExploreConfig{Factory: f, Strategy: strategy, Schedules: 600, Seed: uint64(sys), Jobs: jobs,
							MergeData: true, Shrink: &ShrinkConfig{}, Clock: fixedClock}
						if memo {
							cfg.Memo = &MemoConfig{VerifyEvery: 7}
						}
						what := fmt.Sprintf("system %d %s jobs %d memo %v %s\n%s", sys, strategy, jobs, memo, rf.name, propString(progs))
						off, sumOff := exploreRuns(t, cfg)
						cfg.Fork, cfg.SeedFree = true, true
						on, sumOn := exploreRuns(t, cfg)
						require.Equal(t, off, on, what)
						require.NotNil(t, sumOn.Fork, what)
						st := *sumOn.Fork
						sumOn.Fork = nil
						require.Equal(t, sumOff, sumOn, what)
						assert.Equal(t, sumOn.Executed, st.Restored+st.Replayed, "every executed run is restored or built: %s", what)
						if rf.refuse != nil || rf.keptSays != nil {
							assert.Positive(t, st.Refused, what)
							assert.LessOrEqual(t, st.Restored, 0, "a refused copy starts no run: %s", what)
							refused += st.Refused
							continue
						}
						if !memo {
							// With the memo a worker may build memo checks
							// first, whose chooser reads footprints: the copy
							// is kept in a run of the strategy's.
							assert.LessOrEqual(t, st.Replayed, jobs, "a worker builds its first run only: %s", what)
						}
						restored, executed, skipped = restored+st.Restored, executed+sumOn.Executed, skipped+st.SkippedDecisions
					}
				}
			}
		}
	}
	t.Logf("%d of %d executed runs of systems that copy themselves started from a copy, %d decisions not run again; %d copies refused", restored, executed, skipped, refused)
	assert.Greater(t, restored, executed/2, "most runs start from a copy")
	assert.Positive(t, skipped, "the forced decisions are skipped")
	assert.Positive(t, refused, "copies are refused")
}

// TestSampledFork_NotSeedFree: without SeedFree, or without Fork, random
// and pct runs are built, and Summary.Fork says only that the fork is on.
func TestSampledFork_NotSeedFree(t *testing.T) {
	progs := gatedProp(genProp(NewStream(3, StreamWorkload), propGen{actors: 3, instrs: 4, vars: 2, total: 9}), 3, 2)
	f := func(Streams) (System, error) { return &forkProp{propSys: newPropSys(progs, 3)}, nil }
	for _, tc := range []struct {
		fork, seedFree bool
	}{{true, false}, {false, true}} {
		sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyPCT, Schedules: 100, Seed: 1, Jobs: 1,
			Fork: tc.fork, SeedFree: tc.seedFree})
		require.NoError(t, err)
		assert.Nil(t, sum.Fork, "fork %v seed-free %v", tc.fork, tc.seedFree)
	}
}

// TestSampledFork_BoundsAndShards: the runs from a copy are the same as
// the runs built when the step bound falls inside the forced prefix, at
// its end or just past it, and when the schedules are sharded; a copy is
// kept only before the bound.
func TestSampledFork_BoundsAndShards(t *testing.T) {
	gen := propGen{actors: 3, instrs: 4, vars: 2, total: 9}
	const pre = 4 // the forced prefix: pre+3 decisions, a clock advance among them
	progs := gatedProp(genProp(NewStream(5, StreamWorkload), gen), pre, gen.vars)
	f := func(Streams) (System, error) { return &forkProp{propSys: newPropSys(progs, gen.vars+1)}, nil }
	for _, strategy := range []string{StrategyRandom, StrategyPCT} {
		for _, row := range []struct {
			name              string
			maxSteps, shards  int
			jobs              int
			wantRestored, mem bool
		}{
			{"bound inside the prefix", 3, 0, 1, false, false},
			{"bound at the end of the prefix", pre + 3, 0, 1, false, false},
			{"bound one past the choice point", pre + 4, 0, 2, true, true},
			{"sharded", 0, 3, 2, true, true},
		} {
			what := fmt.Sprintf("%s %s", strategy, row.name)
			cfg := ExploreConfig{Factory: f, Strategy: strategy, Schedules: 200, Seed: 9, Jobs: row.jobs,
				MaxSteps: row.maxSteps, MergeData: true, Shrink: &ShrinkConfig{}, Clock: fixedClock}
			if row.shards > 0 {
				cfg.Shards, cfg.Shard = row.shards, 2
			}
			if row.mem {
				cfg.Memo = &MemoConfig{VerifyEvery: 5}
			}
			off, sumOff := exploreRuns(t, cfg)
			cfg.Fork, cfg.SeedFree = true, true
			on, sumOn := exploreRuns(t, cfg)
			require.NotEmpty(t, off, what)
			require.Equal(t, off, on, what)
			require.NotNil(t, sumOn.Fork, what)
			st := *sumOn.Fork
			sumOn.Fork = nil
			require.Equal(t, sumOff, sumOn, what)
			if row.wantRestored {
				assert.Positive(t, st.Restored, what)
			}
			if st.Restored > 0 && row.maxSteps > 0 {
				assert.Less(t, st.SkippedDecisions/int64(st.Restored), int64(row.maxSteps), "the copy is before the bound: %s", what)
			}
		}
	}
}
