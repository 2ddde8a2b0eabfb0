package engine

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lazyProp is a propSys that lists its steps without footprints when the
// runner asks (LazyFootprinter) and counts how often it did, and how often
// a step reached Execute with another footprint than its own.
type lazyProp struct {
	*propSys
	bare, fps, wrong *int
}

func (s lazyProp) Execute(st Step) *Finding {
	if in := &s.progs[st.Actor][s.pc[st.Actor]]; !sameFootprint(st.Footprint, in.fps[st.ID]) {
		*s.wrong++
	}
	return s.propSys.Execute(st)
}

func (s lazyProp) EnabledBare(buf []Step) []Step {
	*s.bare++
	start := len(buf)
	buf = s.Enabled(buf)
	for i := start; i < len(buf); i++ {
		buf[i].Footprint = Footprint{}
	}
	return buf
}

func (s lazyProp) StepFootprint(st Step) Footprint {
	*s.fps++
	in := &s.progs[st.Actor][s.pc[st.Actor]]
	return in.fps[st.ID]
}

// TestDFS_LazyFootprintsSameSearch: dfs replaying its path lists the steps
// without footprints and gives the one it runs the footprint the earlier
// run that made the decision saw (asking the system only where it has
// none); every step runs with its own footprint, and every reduction's
// search (outcomes, complete and pruned runs) is the same as with every
// footprint listed. Only DPOR, whose race analysis reads every step's
// footprint, never replays bare.
func TestDFS_LazyFootprintsSameSearch(t *testing.T) {
	gen := propGen{actors: 3, instrs: 5, vars: 2, total: 10}
	bareTotal, fpsTotal := map[Reduction]int{}, map[Reduction]int{}
	for sys := range 60 {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		for _, cfg := range []DFSConfig{{Reduction: ReductionSleep, States: true, Bound: 2}, {Reduction: ReductionNone, Bound: 1},
			{Reduction: ReductionDPOR, Bound: 2}} {
			want, wantRuns, wantPruned := searchOutcomes(t, propFactory(progs, gen.vars), cfg)
			bare, fps, wrong := 0, 0, 0
			lazy := func(Streams) (System, error) { return lazyProp{newPropSys(progs, gen.vars), &bare, &fps, &wrong}, nil }
			got, runs, pruned := searchOutcomes(t, lazy, cfg)
			require.Equal(t, outcomeList(want), outcomeList(got), "system %d %+v", sys, cfg)
			assert.Equal(t, [2]int{wantRuns, wantPruned}, [2]int{runs, pruned}, "system %d %+v", sys, cfg)
			// A bare listing with nothing enabled (the clock moves next)
			// asks for no footprint.
			assert.LessOrEqual(t, fps, bare, "at most one footprint per bare listing")
			assert.Zero(t, wrong, "system %d %+v: a step ran with another footprint than its own", sys, cfg)
			bareTotal[cfg.Reduction] += bare
			fpsTotal[cfg.Reduction] += fps
		}
	}
	assert.Positive(t, bareTotal[ReductionSleep])
	assert.Positive(t, bareTotal[ReductionNone])
	assert.Zero(t, bareTotal[ReductionDPOR])
	assert.Zero(t, fpsTotal[ReductionSleep]+fpsTotal[ReductionNone], "a replayed pick's footprint comes from the decision's node")
}

// sameFootprint reports whether two footprints read and write the same
// resources.
func sameFootprint(a, b Footprint) bool {
	return slices.Equal(a.Reads(), b.Reads()) && slices.Equal(a.Writes(), b.Writes())
}

// TestRun_BlindChoosersListBare: random, pct and replay never read the
// enabled steps' footprints, so with a LazyFootprinter the runner lists
// every decision bare and asks for the footprint of the step it runs
// alone; the run (picks, the footprints its choices keep, the trace and
// the finding) is the same as with every footprint listed, and every step
// runs with its own footprint.
func TestRun_BlindChoosersListBare(t *testing.T) {
	gen := propGen{actors: 3, instrs: 5, vars: 2, total: 10}
	choosers := []struct {
		name string
		new  func(seed uint64, ref []Choice) Chooser
	}{
		{"random", func(seed uint64, _ []Choice) Chooser { return NewRandom(NewStream(seed, StreamSchedule)) }},
		{"pct", func(seed uint64, _ []Choice) Chooser { return NewPCT(NewStream(seed, StreamSchedule), 3, 20) }},
		{"replay", func(_ uint64, ref []Choice) Chooser { return NewReplay(ref) }},
		{"lenient replay", func(_ uint64, ref []Choice) Chooser { return NewLenientReplay(ref[:len(ref)/2]) }},
		{"bytes", func(seed uint64, _ []Choice) Chooser { return NewBytes([]byte{byte(seed), 3, 1, 4, 1, 5, 9, 2, 6}) }},
	}
	bareTotal := 0
	for sys := range 40 {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		seed := ScheduleSeed(uint64(sys), 0)
		ref, err := Run(propFactory(progs, gen.vars), seed, NewRandom(NewStream(seed, StreamSchedule)), RunConfig{MaxSteps: 1000})
		require.NoError(t, err)
		for _, c := range choosers {
			want, err := Run(propFactory(progs, gen.vars), seed, c.new(seed, ref.Choices), RunConfig{MaxSteps: 1000})
			require.NoError(t, err)
			bare, fps, wrong := 0, 0, 0
			lazy := func(Streams) (System, error) { return lazyProp{newPropSys(progs, gen.vars), &bare, &fps, &wrong}, nil }
			got, err := Run(lazy, seed, c.new(seed, ref.Choices), RunConfig{MaxSteps: 1000})
			require.NoError(t, err)
			require.Equal(t, len(want.Choices), len(got.Choices), "system %d %s", sys, c.name)
			for i := range want.Choices {
				w, g := want.Choices[i], got.Choices[i]
				assert.Equal(t, [3]any{w.Index, w.Actor, w.Label}, [3]any{g.Index, g.Actor, g.Label}, "system %d %s: pick %d", sys, c.name, i)
				assert.True(t, sameFootprint(w.Footprint, g.Footprint), "system %d %s: pick %d keeps its footprint", sys, c.name, i)
			}
			assert.Equal(t, want.TraceHash, got.TraceHash, "system %d %s", sys, c.name)
			assert.Equal(t, findingSummary(want.Finding), findingSummary(got.Finding), "system %d %s", sys, c.name)
			assert.Zero(t, wrong, "system %d %s: a step ran with another footprint than its own", sys, c.name)
			assert.Equal(t, len(got.Choices), fps, "system %d %s: one footprint per step run, none for the steps not run", sys, c.name)
			assert.GreaterOrEqual(t, bare, len(got.Choices), "system %d %s: every decision listed bare", sys, c.name)
			bareTotal += bare
		}
	}
	assert.Positive(t, bareTotal)
}

// findingSummary is what a run's finding says ("" for none).
func findingSummary(f *Finding) string {
	if f == nil {
		return ""
	}
	return fmt.Sprintf("%s at step %d: %s", f.Oracle, f.Step, f.Message)
}

// fullCounted counts the listings of a lazyProp that carry every
// footprint (Enabled called by the runner, not through EnabledBare).
type fullCounted struct {
	lazyProp
	full *int
}

func (s fullCounted) Enabled(buf []Step) []Step {
	*s.full++
	return s.lazyProp.Enabled(buf)
}

// TestExplore_MemoRunsOfBlindStrategiesListBare: random and pct with the
// memo list every decision of the runs they execute bare and ask only for
// the footprint of the step run, as without the memo (an exploration's
// runs are replayed before anything reads their footprints); every step
// runs with its own footprint, and the summary is the same with the memo
// on or off.
func TestExplore_MemoRunsOfBlindStrategiesListBare(t *testing.T) {
	gen := propGen{actors: 3, instrs: 5, vars: 2, total: 10}
	for sys := range 12 {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		for _, strat := range []string{StrategyRandom, StrategyPCT} {
			var sums [2]Summary
			for i, memo := range []*MemoConfig{nil, {VerifyEvery: -1}} {
				bare, fps, wrong, full := 0, 0, 0, 0
				f := func(Streams) (System, error) {
					return fullCounted{lazyProp{newPropSys(progs, gen.vars), &bare, &fps, &wrong}, &full}, nil
				}
				sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: strat, Schedules: 150,
					Seed: uint64(sys), Jobs: 1, MaxSteps: 1000, Memo: memo})
				require.NoError(t, err)
				assert.Zero(t, full, "system %d %s memo %v: a decision listed with every footprint", sys, strat, memo != nil)
				assert.Positive(t, bare, "system %d %s memo %v", sys, strat, memo != nil)
				assert.LessOrEqual(t, fps, bare, "system %d %s memo %v: at most one footprint per listing", sys, strat, memo != nil)
				assert.Zero(t, wrong, "system %d %s memo %v: a step ran with another footprint than its own", sys, strat, memo != nil)
				sum.Elapsed, sum.Executed, sum.ExecutedDecisions, sum.Memo = 0, 0, 0, MemoStats{}
				sums[i] = sum
			}
			assert.Equal(t, sums[0], sums[1], "system %d %s: the memo changed the summary", sys, strat)
		}
	}
}
