package oracle_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// TestReadbackDoorbellBetweenSizeAndRead: under freeze-notify=latch a
// peer's doorbell may reach the frozen member after it answered
// DEV_CTX_SIZE_GET and before DEV_CTX_READ; the member keeps it in its
// context, so the incremental read no longer fits the size and continues
// at the cursor. The size must not be judged then (the change is
// frozen-context's, which allows the latch). The race needs a preemption,
// so the test explores: pct found it within 300 schedules before the fix.
func TestReadbackDoorbellBetweenSizeAndRead(t *testing.T) {
	s, err := scenario.ParseScenario("latch.scn", []byte(latchKickIncremental))
	require.NoError(t, err)
	rules, err := spec.ParseRules(spec.Draft2023, []string{"freeze-notify=latch"})
	require.NoError(t, err)
	cfg := world.WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: rules, Oracles: []observe.Oracle{oracle.Readback}}
	f := func(st engine.Streams) (engine.System, error) { return world.NewWorld(cfg, st) }
	for _, strategy := range []string{engine.StrategyPCT, engine.StrategyRandom} {
		sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: strategy,
			Schedules: 300, Seed: 1, Jobs: 1, PCTDepth: 3, MaxSteps: 100_000})
		require.NoError(t, err)
		require.Equal(t, 300, sum.Schedules)
		for _, fd := range sum.Findings {
			assert.Failf(t, "readback judged a size a latched doorbell made stale", "%s: %s: %s", strategy, fd.Finding.Oracle, fd.Finding.Message)
		}
	}
}
