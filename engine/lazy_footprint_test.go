package engine

import (
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
