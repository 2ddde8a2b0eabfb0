package world_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// TestKnownTransitions_SameSearch: on the world, a dfs exploration that
// prunes runs by known transitions without running them (Explore) makes
// the same search as one that runs every run: the same complete and
// pruned runs and state hits within the same budget, and every run it
// does run ends as the corresponding run did (findings with their steps
// and messages, end states, guest logs), on rows with several VFs, with
// virtio-net and with findings. It runs fewer runs.
func TestKnownTransitions_SameSearch(t *testing.T) {
	rows := []struct {
		scenario string
		ed       spec.Edition
		knobs    []string
		runs     int
	}{
		{"reset-racing-stop", spec.Virtio14, []string{"reset-vs-mode=reply-on-start"}, 800},
		{"vfio-object-limit", spec.Draft2023, nil, 800},
		{"smoke-migrate", spec.Virtio14, nil, 800},
		{"net-link-while-stopped", spec.Draft2023, nil, 600},
	}
	if testing.Short() {
		rows = rows[:1]
	}
	virtual := 0
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/%s/%v", row.scenario, row.ed, row.knobs), func(t *testing.T) {
			seed := engine.ScheduleSeed(1, 0)
			f := catalogFactory(t, row.scenario, row.ed, row.knobs, seed)
			logged := func(out *[]string) engine.Factory {
				return func(st engine.Streams) (engine.System, error) {
					sys, err := f(st)
					if err != nil {
						return nil, err
					}
					return &runLog{World: sys.(*world.World), out: out}, nil
				}
			}
			cfg := engine.DFSConfig{Bound: 2, Reduction: engine.ReductionSleep, States: true}
			var want, got []string
			s := engine.NewSearch(cfg)
			r := engine.NewRunner(engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
			for range row.runs {
				res, err := r.RunSeed(logged(&want), seed, s)
				if !s.Next(&res, err) {
					break
				}
			}
			sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: logged(&got), Strategy: engine.StrategyDFS,
				Bound: cfg.Bound, Reduction: cfg.Reduction, States: true, Schedules: row.runs, Seed: 1, Jobs: 1,
				MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err)
			assert.Equal(t, s.Runs(), sum.Schedules, "complete runs")
			assert.Equal(t, s.Pruned(), sum.Pruned, "pruned runs")
			assert.Equal(t, s.StateHits(), sum.StateHits, "state hits")
			assert.Equal(t, s.Done(), sum.Complete)
			assert.Equal(t, want, got, "the runs end the same way, in order")
			assert.LessOrEqual(t, sum.Executed, sum.Schedules+sum.Pruned)
			virtual += sum.Schedules + sum.Pruned - sum.Executed
			t.Logf("%d runs (%d complete), %d executed", sum.Schedules+sum.Pruned, sum.Schedules, sum.Executed)
		})
	}
	assert.Positive(t, virtual, "some runs were pruned without running")
}
