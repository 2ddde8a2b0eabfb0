package world_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// eagerWorld hides the world's engine.LazyFootprinter: every decision
// lists every step's footprint.
type eagerWorld struct {
	engine.System
	w *world.World
}

func (e eagerWorld) StateHash() (uint64, bool) { return e.w.StateHash() }
func (e eagerWorld) JudgeHash() (uint64, bool) { return e.w.JudgeHash() }
func (e eagerWorld) Epoch() bool               { return e.w.Epoch() }
func (e eagerWorld) Finished(id int) bool      { return e.w.Finished(id) }

// TestLazyFootprints_SameSearch: dfs replaying its path lets the world list
// the steps without footprints and compute only the one it runs; the
// search (complete and pruned runs, interleavings, trace hashes) is the
// same as with every footprint computed.
func TestLazyFootprints_SameSearch(t *testing.T) {
	f := catalogFactory(t, "kick-during-stop", spec.Virtio14, nil, engine.ScheduleSeed(1, 0))
	eager := func(st engine.Streams) (engine.System, error) {
		sys, err := f(st)
		if err != nil {
			return nil, err
		}
		w := sys.(*world.World)
		return eagerWorld{System: w, w: w}, nil
	}
	_, lazy := engine.System(&world.World{}).(engine.LazyFootprinter)
	require.True(t, lazy, "the world lists steps without footprints on request")
	bound := 1
	if testing.Short() {
		bound = 0 // the race detector's run
	}
	explore := func(f engine.Factory) engine.Summary {
		sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyDFS,
			Bound: bound, States: true, Schedules: 1 << 20, Jobs: 1, MaxSteps: catalog.DefaultJudgeMaxSteps})
		require.NoError(t, err)
		require.True(t, sum.Complete)
		return sum
	}
	want, got := explore(eager), explore(f)
	assert.Positive(t, want.Schedules)
	assert.Equal(t, [4]int{want.Schedules, want.Pruned, want.Distinct, want.StateHits},
		[4]int{got.Schedules, got.Pruned, got.Distinct, got.StateHits})
	assert.Equal(t, want.Decisions, got.Decisions)
}
