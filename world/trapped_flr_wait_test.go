package world_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// TestTrappedFLRWaitsForTheFunction: a trapped FLR's kernel side waits as
// Linux's pcie_flr does (100 ms, then polls until the function answers),
// so the hypervisor's next command finds the FLR over. It waited the
// 100 ms only: with flr-vs-mode=complete-anyway a DEV_MODE_SET sent at the
// 100 ms was answered before the member's FLR ended, the FLR's end then
// resumed the member (mode-after-flr=running), and self-report fired
// (random schedule 41 of flr-during-freeze under virtio-1.4).
func TestTrappedFLRWaitsForTheFunction(t *testing.T) {
	s, err := catalog.CatalogScenario("flr-during-freeze")
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, spec.Virtio14, []string{"flr-vs-mode=complete-anyway"}, nil)
	require.NoError(t, err)
	f, err := tg.Factory(engine.ScheduleSeed(1, 0))
	require.NoError(t, err)
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyRandom,
		Schedules: 60, Seed: 1, Jobs: 1, MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Findings, "the FLR still ends the VFIO session (error:vf-reset)")
	for _, r := range sum.Findings {
		assert.NotEqual(t, "self-report", r.Finding.Oracle, "schedule %d: %s", r.Index, r.Finding.Message)
	}
}
