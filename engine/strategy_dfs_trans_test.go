package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDFS_KnownTransitionsSameSearch: a dfs exploration with state
// pruning that prunes runs by known transitions without running them
// (Explore) visits the same decisions as the search that runs every run
// (searchOutcomes): the same complete and pruned runs, state hits and
// outcomes, on generated systems, bounded and not; it runs fewer runs.
func TestDFS_KnownTransitionsSameSearch(t *testing.T) {
	gen := propGen{actors: 4, instrs: 4, vars: 2, total: 12}
	virtual := 0
	for sys := range 60 {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		for _, cfg := range []DFSConfig{{Reduction: ReductionSleep, States: true, Bound: 2},
			{Reduction: ReductionSleep, States: true, Bound: 1}, {Reduction: ReductionSleep, States: true, Bound: -1},
			{Reduction: ReductionNone, States: true, Bound: 2}} {
			var want, got []string
			logged := func(log *[]string) Factory {
				return func(Streams) (System, error) { return &outcomeLog{newPropSys(progs, gen.vars), log}, nil }
			}
			s := NewSearch(cfg)
			r := NewRunner(RunConfig{MaxSteps: 200})
			for n := 0; ; n++ {
				require.Less(t, n, 1_000_000)
				res, err := r.RunSeed(logged(&want), 1, s)
				if !s.Next(&res, err) {
					break
				}
			}
			sum, err := Explore(context.Background(), ExploreConfig{Factory: logged(&got), Strategy: StrategyDFS, Bound: cfg.Bound,
				Reduction: cfg.Reduction, States: true, Schedules: 1 << 30, Jobs: 1, MaxSteps: 200})
			require.NoError(t, err)
			assert.Equal(t, s.Runs(), sum.Schedules, "system %d %+v: complete runs", sys, cfg)
			assert.Equal(t, s.Pruned(), sum.Pruned, "system %d %+v: pruned runs", sys, cfg)
			assert.Equal(t, s.StateHits(), sum.StateHits, "system %d %+v: state hits", sys, cfg)
			assert.Equal(t, want, got, "system %d %+v: the runs' outcomes, in order", sys, cfg)
			assert.True(t, sum.Complete)
			assert.LessOrEqual(t, sum.Executed, sum.Schedules+sum.Pruned)
			virtual += sum.Schedules + sum.Pruned - sum.Executed
		}
	}
	assert.Positive(t, virtual, "known transitions pruned runs without running them")
	t.Logf("%d runs pruned without running", virtual)
}

// outcomeLog is a generated system that logs every finding of its runs
// (every prop run ends in one) with the steps that led to it.
type outcomeLog struct {
	*propSys
	log *[]string
}

func (o *outcomeLog) Execute(st Step) *Finding {
	f := o.propSys.Execute(st)
	if f != nil {
		*o.log = append(*o.log, fmt.Sprintf("%s: %s", f.Oracle, f.Message))
	}
	return f
}

func (o *outcomeLog) Finish() *Finding {
	f := o.propSys.Finish()
	if f != nil {
		*o.log = append(*o.log, fmt.Sprintf("%s: %s", f.Oracle, f.Message))
	}
	return f
}
