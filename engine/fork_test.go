package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forkProp is a propSys that copies itself (Forker); refuse, when set,
// makes it refuse to copy at the decisions it says no to (or panic there).
type forkProp struct {
	*propSys
	steps  int
	refuse func(steps int) bool
}

func (s *forkProp) Execute(st Step) *Finding {
	s.steps++
	return s.propSys.Execute(st)
}

// Fork implements Forker.
func (s *forkProp) Fork() (System, bool) {
	if s.refuse != nil && s.refuse(s.steps) {
		return nil, false
	}
	p := *s.propSys
	p.pc, p.local = slices.Clone(p.pc), slices.Clone(p.local)
	p.sleeping, p.wake, p.vars = slices.Clone(p.sleeping), slices.Clone(p.wake), slices.Clone(p.vars)
	return &forkProp{propSys: &p, steps: s.steps, refuse: s.refuse}, true
}

// runRecord is what a test compares of one run.
type runRecord struct {
	choices         string
	trace, inter    uint64
	preempts, steps int
	now             VTime
	finding, err    string
}

func recordRun(res Result, err error) runRecord {
	r := runRecord{trace: res.TraceHash, inter: res.Interleaving, preempts: res.Preemptions, steps: len(res.Choices), now: res.Now}
	for _, c := range res.Choices {
		r.choices += fmt.Sprintf("%d:%d:%s:%v:%s|", c.Index, c.Actor, c.Label, c.Preempt, c.Footprint)
	}
	if res.Finding != nil {
		r.finding = res.Finding.Oracle + ": " + res.Finding.Message
	}
	if err != nil {
		r.err = err.Error()
	}
	return r
}

// exploreRuns explores f with cfg and returns every executed run and the
// summary.
func exploreRuns(t *testing.T, cfg ExploreConfig) ([]runRecord, Summary) {
	t.Helper()
	var runs []runRecord
	cfg.AfterRun = func(res Result, err error) { runs = append(runs, recordRun(res, err)) }
	sum, err := Explore(context.Background(), cfg)
	require.NoError(t, err)
	return runs, sum
}

// TestFork_SameSearch: a dfs search that starts its runs from copies of
// the system runs the same runs (choices, footprints, preemptions, clock,
// trace and interleaving hashes, findings) in the same order, with the
// same counts and findings, as one that replays every path, for every
// reduction, with and without state pruning and a bound, sharded too; and
// it restores most runs.
func TestFork_SameSearch(t *testing.T) {
	gen := propGen{actors: 3, instrs: 5, vars: 2, total: 10}
	cfgs := []ExploreConfig{
		{Reduction: ReductionSleep, States: true, Bound: 2},
		{Reduction: ReductionSleep, Bound: -1},
		{Reduction: ReductionNone, Bound: 1},
		{Reduction: ReductionDPOR, Bound: 2},
		{Reduction: ReductionSleep, States: true, Bound: 2, Shards: 3, Shard: 1},
	}
	refusals := []func(int) bool{nil, func(steps int) bool { return steps%3 == 1 }, func(steps int) bool {
		if steps%4 == 2 {
			panic("no copy here") // a panicking Fork is a refusal
		}
		return false
	}}
	restored, runs := 0, 0
	for sys := range 60 {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		for _, base := range cfgs {
			for k, refuse := range refusals {
				f := func(Streams) (System, error) {
					return &forkProp{propSys: newPropSys(progs, gen.vars), refuse: refuse}, nil
				}
				cfg := base
				cfg.Factory, cfg.Strategy, cfg.Schedules, cfg.Seed, cfg.Jobs = f, StrategyDFS, 5000, 1, 1
				cfg.Clock = fixedClock
				off, sumOff := exploreRuns(t, cfg)
				cfg.Fork = true
				on, sumOn := exploreRuns(t, cfg)
				what := fmt.Sprintf("system %d %+v refusing %d\n%s", sys, base, k, propString(progs))
				require.Equal(t, off, on, what)
				require.NotNil(t, sumOn.Fork, what)
				st := *sumOn.Fork
				sumOn.Fork, sumOn.Elapsed, sumOff.Elapsed = nil, 0, 0
				require.Equal(t, sumOff, sumOn, what)
				assert.Equal(t, len(on), st.Restored+st.Replayed, "every executed run is restored or replayed: %s", what)
				restored += st.Restored
				runs += len(on)
			}
		}
	}
	t.Logf("%d of %d runs started from a copy", restored, runs)
	assert.Greater(t, restored, runs/2, "most runs start from a copy")
}

// TestFork_FallsBack: a system that is not a Forker is replayed, every run,
// and says so.
func TestFork_FallsBack(t *testing.T) {
	progs := genProp(NewStream(7, StreamWorkload), propGen{actors: 3, instrs: 5, vars: 2, total: 10})
	f := propFactory(progs, 2)
	cfg := ExploreConfig{Factory: f, Strategy: StrategyDFS, Schedules: 5000, Seed: 1, Jobs: 1, Bound: 2,
		States: true, Fork: true, Clock: fixedClock}
	runs, sum := exploreRuns(t, cfg)
	require.NotNil(t, sum.Fork)
	assert.Equal(t, ForkStats{Replayed: len(runs)}, *sum.Fork)
	cfg.Fork = false
	off, sumOff := exploreRuns(t, cfg)
	assert.Equal(t, off, runs)
	assert.Nil(t, sumOff.Fork)
}

// fixedClock keeps Summary.Elapsed out of the comparisons.
func fixedClock() time.Time { return time.Time{} }
