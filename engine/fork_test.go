package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// forkProp is a propSys that copies itself (Forker); refuse, when set,
// makes it refuse to copy at the decisions it says no to (or panic there).
// gen counts the copies from the built system to this one: the search's
// kept copies are odd, the runs restored from them even. A kept copy
// refuses to copy itself where refuseKept says so (it was kept, and the
// run that restores it meets the refusal); closePanic, when set, is what
// Close panics with in the systems of generation closeGen (0: the built
// one, 1: kept copies, 2: restored runs).
type forkProp struct {
	*propSys
	steps      int
	refuse     func(steps int) bool
	refuseKept func(steps int) bool
	gen        int
	closePanic any
	closeGen   int
}

// Close implements Closer.
func (s *forkProp) Close() {
	if s.closePanic != nil && min(s.gen, 2-s.gen%2) == s.closeGen {
		panic(s.closePanic)
	}
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
	if s.gen%2 == 1 && s.refuseKept != nil && s.refuseKept(s.steps) {
		return nil, false
	}
	p := *s.propSys
	p.pc, p.local = slices.Clone(p.pc), slices.Clone(p.local)
	p.sleeping, p.wake, p.vars = slices.Clone(p.sleeping), slices.Clone(p.wake), slices.Clone(p.vars)
	cp := *s
	cp.propSys, cp.gen = &p, s.gen+1
	return &cp, true
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
	restored, runs, notBranching := 0, 0, 0
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
				notBranching += st.NotBranching
				runs += len(on)
			}
		}
	}
	t.Logf("%d of %d runs started from a copy; %d decisions kept no copy, the search could not branch there", restored, runs, notBranching)
	assert.Greater(t, restored, runs/2, "most runs start from a copy")
	assert.Positive(t, notBranching, "decisions where the search cannot branch keep no copy")
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

// TestFork_ShallowerCopy: a kept copy that refuses to copy itself when a
// run would start from it is dropped and the run starts from the next
// shallower copy, as if the refusing one had never been kept: the runs,
// and how many were restored, replayed and how many decisions they
// skipped, are those of a system that refuses to be copied there at all.
func TestFork_ShallowerCopy(t *testing.T) {
	gen := propGen{actors: 3, instrs: 5, vars: 2, total: 10}
	at := func(steps int) bool { return steps%3 == 2 }
	tested := 0
	for sys := range 20 {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		explore := func(p forkProp) ([]runRecord, ForkStats) {
			f := func(Streams) (System, error) {
				q := p
				q.propSys = newPropSys(progs, gen.vars)
				return &q, nil
			}
			cfg := ExploreConfig{Factory: f, Strategy: StrategyDFS, Schedules: 5000, Seed: 1, Jobs: 1, Bound: 2,
				Reduction: ReductionSleep, Fork: true, Clock: fixedClock}
			runs, sum := exploreRuns(t, cfg)
			require.NotNil(t, sum.Fork)
			return runs, *sum.Fork
		}
		failing, failingStats := explore(forkProp{refuseKept: at})
		never, neverStats := explore(forkProp{refuse: at})
		what := propString(progs)
		require.Equal(t, never, failing, what)
		assert.Equal(t, neverStats.Restored, failingStats.Restored, "restored: %s", what)
		assert.Equal(t, neverStats.Replayed, failingStats.Replayed, "replayed: %s", what)
		assert.Equal(t, neverStats.SkippedDecisions, failingStats.SkippedDecisions, "skipped: %s", what)
		if failingStats.Taken > neverStats.Taken {
			tested++ // copies were kept that then refused
		}
	}
	assert.Greater(t, tested, 10, "kept copies refused in most systems")
}

// TestFork_ClosePanicSaysWhere: a panic in the Close of a run's system is
// a panic finding whose stack names the Close, a forked copy's as
// RunSeed's own system's, not the scheduler; one in the Close of a copy
// the search kept and drops ends nothing: the runs are those without the
// fork.
func TestFork_ClosePanicSaysWhere(t *testing.T) {
	progs := genProp(NewStream(7, StreamWorkload), propGen{actors: 3, instrs: 5, vars: 2, total: 10})
	for _, tc := range []struct {
		name string
		sys  forkProp
		by   string
	}{
		{"a forked copy", forkProp{closePanic: carriedPanic{"closing broke"}, closeGen: 2}, "resumed by the Close of the system's forked copy:"},
		{"the built system", forkProp{closePanic: carriedPanic{"closing broke"}, closeGen: 0}, "resumed by the system's Close:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := func(Streams) (System, error) {
				q := tc.sys
				q.propSys = newPropSys(progs, 2)
				return &q, nil
			}
			var stacks []string
			cfg := ExploreConfig{Factory: f, Strategy: StrategyDFS, Schedules: 50, Seed: 1, Jobs: 1, Bound: 2,
				Fork: true, Clock: fixedClock, AfterRun: func(res Result, _ error) {
					if fd := res.Finding; fd != nil && fd.Oracle == OraclePanic {
						stacks = append(stacks, fd.Stack)
					}
				}}
			_, err := Explore(context.Background(), cfg)
			require.NoError(t, err)
			require.NotEmpty(t, stacks, "a panic finding")
			assert.Contains(t, stacks[0], tc.by)
			assert.True(t, strings.HasPrefix(stacks[0], "toy.body.helper\ntoy.body\n"), "the carried stack first: %s", stacks[0])
		})
	}
	t.Run("a kept copy", func(t *testing.T) {
		explore := func(fork bool) []runRecord {
			f := func(Streams) (System, error) {
				return &forkProp{propSys: newPropSys(progs, 2), closePanic: carriedPanic{"closing broke"}, closeGen: 1}, nil
			}
			runs, _ := exploreRuns(t, ExploreConfig{Factory: f, Strategy: StrategyDFS, Schedules: 500, Seed: 1, Jobs: 1, Bound: 2,
				Fork: fork, Clock: fixedClock})
			return runs
		}
		assert.Equal(t, explore(false), explore(true))
	})
}

// sizedFork is a forkProp whose copies say how many bytes they hold
// (ForkSizer) and count the kept copies alive at once.
type sizedFork struct {
	*forkProp
	size       int64
	live, peak *int
}

// Fork implements Forker.
func (s *sizedFork) Fork() (System, bool) {
	cp, ok := s.forkProp.Fork()
	if !ok {
		return nil, false
	}
	c := &sizedFork{forkProp: cp.(*forkProp), size: s.size, live: s.live, peak: s.peak}
	if c.gen%2 == 1 {
		*s.live++
		*s.peak = max(*s.peak, *s.live)
	}
	return c, true
}

// Close implements Closer.
func (s *sizedFork) Close() {
	if s.gen%2 == 1 {
		*s.live--
	}
	s.forkProp.Close()
}

// ForkBytes implements ForkSizer.
func (s *sizedFork) ForkBytes() int64 { return s.size }

// TestFork_ByteBudget: copies that say they are large are kept only while
// they hold DefaultForkBytes in all, and the search runs the same runs as
// without the fork; small copies are kept up to the count cap alone.
func TestFork_ByteBudget(t *testing.T) {
	gen := propGen{actors: 3, instrs: 6, vars: 2, total: 12}
	for _, tc := range []struct {
		name     string
		size     int64
		wantPeak func(peak int) bool
	}{
		{"large copies", DefaultForkBytes / 4, func(peak int) bool { return peak == 4 }},
		{"small copies", 1, func(peak int) bool { return peak > 4 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			progs := genProp(NewStream(11, StreamWorkload), gen)
			live, peak := 0, 0
			f := func(Streams) (System, error) {
				return &sizedFork{forkProp: &forkProp{propSys: newPropSys(progs, gen.vars)}, size: tc.size, live: &live, peak: &peak}, nil
			}
			cfg := ExploreConfig{Factory: f, Strategy: StrategyDFS, Schedules: 5000, Seed: 1, Jobs: 1, Bound: 2,
				States: true, Clock: fixedClock}
			off, sumOff := exploreRuns(t, cfg)
			cfg.Fork = true
			on, sumOn := exploreRuns(t, cfg)
			require.Equal(t, off, on)
			require.NotNil(t, sumOn.Fork)
			sumOn.Fork = nil
			assert.Equal(t, sumOff, sumOn)
			assert.True(t, tc.wantPeak(peak), "kept copies alive at once: %d", peak)
			assert.Zero(t, live, "every kept copy is closed")
		})
	}
}
