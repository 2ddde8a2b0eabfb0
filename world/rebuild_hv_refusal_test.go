package world_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world"
)

// TestRebuildHypervisor_StoppedOriginal: a world closed in the middle of
// its run (World.Close, as when engine.Run has returned at a finding or a
// step bound) has its hypervisor's actor done without its program having
// ended. A copy of it is refused, and the refusal says what differs: the
// rebuilt program is suspended on an operation at the end of its record,
// where the original's actor was stopped. The same copy of a world that
// was not closed, or of one whose program ended, is rebuilt.
func TestRebuildHypervisor_StoppedOriginal(t *testing.T) {
	tests := []struct {
		name    string
		stopAt  int // the decision the run stops at; -1: its end
		close   bool
		refusal []string // what the refusal says; nil: rebuilt
	}{
		{name: "closed in the middle", stopAt: 6, close: true, refusal: []string{
			"the rebuilt program is suspended on \"hv:", "at the end of its record (",
			"where the original's actor is done without its program's end in its record: it was stopped (its world closed), not ended"}},
		{name: "stopped, not closed", stopAt: 6},
		{name: "closed at its end", stopAt: -1, close: true},
	}
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	rows := 0
	eachRecordedRow(t, []*scenario.Scenario{s}, func(s *scenario.Scenario, e scenario.Expectation, f engine.Factory, seed uint64) {
		rows++
		for _, tt := range tests {
			sys, err := f(engine.NewStreams(seed))
			require.NoError(t, err)
			w := sys.(*world.World)
			var picks []int
			run := driveHV(t, w, &picks, rand.New(rand.NewPCG(1, uint64(e.Line))), tt.stopAt, func() bool { return false })
			if tt.stopAt >= 0 {
				require.Contains(t, run.end, "stopped", tt.name)
			}
			if tt.close {
				w.Close()
			}
			k, ok := w.Fork()
			require.True(t, ok, tt.name)
			c, err := world.CopyKeptForTest(k)
			require.NoError(t, err, tt.name)
			err = c.RebuildHypervisorForTest()
			c.Close()
			if tt.refusal == nil {
				require.NoError(t, err, "%s: line %d", tt.name, e.Line)
				continue
			}
			require.Error(t, err, "%s: line %d", tt.name, e.Line)
			for _, want := range tt.refusal {
				require.ErrorContains(t, err, want, "%s: line %d", tt.name, e.Line)
			}
			require.NotContains(t, err.Error(), "done=true where the original is done=true", tt.name)
		}
	})
	require.Positive(t, rows)
}
