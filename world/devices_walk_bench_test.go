package world_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// netWorldMidRun returns a world of net-mq-pairs-before-migration run
// steps steps with the first choice at every decision: its devices, their
// queues and the guest's net driver hold what a dfs proof hashes at each
// decision.
func netWorldMidRun(b *testing.B, steps int) *world.World {
	b.Helper()
	s, err := catalog.CatalogScenario("net-mq-pairs-before-migration")
	require.NoError(b, err)
	tg, err := catalog.NewTarget(s, spec.Editions[0], nil, nil)
	require.NoError(b, err)
	seed := engine.ScheduleSeed(1, 0)
	f, err := tg.Factory(seed)
	require.NoError(b, err)
	var w *world.World
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		sys, err := f(st)
		if err == nil {
			w = sys.(*world.World)
		}
		return sys, err
	}, seed, continueChooser{}, engine.RunConfig{MaxSteps: steps})
	require.NotNil(b, w, "the world was built (%v)", err)
	b.Logf("%d steps run", len(res.Choices))
	return w
}

// BenchmarkDeviceWalk_NetWorld hashes a net world's devices from scratch
// (no device hash cached: every PF and member walked by internal/deephash's
// compiled walk) and its guest's driver fields (its StateHash: guest.HashFields), what a
// dfs proof with state pruning pays at every decision of a net row.
func BenchmarkDeviceWalk_NetWorld(b *testing.B) {
	w := netWorldMidRun(b, 200)
	b.Run("devices", func(b *testing.B) {
		for b.Loop() {
			w.StateHashWith(false)
		}
	})
	b.Run("driver", func(b *testing.B) {
		drv, ok := w.GuestDriver(0).(guest.StateHasher)
		require.True(b, ok, "the net driver hashes its fields")
		for b.Loop() {
			drv.StateHash()
		}
	})
}
