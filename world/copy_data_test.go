package world_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// errStop abandons a run once its world has been looked at.
var errStop = errors.New("stop")

// atDecision runs the row's first world under a chooser that picks
// (decision index × 7) mod the number of enabled steps, and calls at with
// the world at each decision listed in ks (ascending); the run ends after
// the last one.
func atDecision(t testing.TB, scen string, ed spec.Edition, knobs []string, ks []int, at func(k int, w *world.World)) {
	t.Helper()
	s, err := catalog.CatalogScenario(scen)
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, ed, knobs, nil)
	require.NoError(t, err)
	seed := engine.ScheduleSeed(1, 0)
	f, err := tg.Factory(seed)
	require.NoError(t, err)
	var w *world.World
	wrapped := func(st engine.Streams) (engine.System, error) {
		sys, err := f(st)
		if err == nil {
			w = sys.(*world.World)
			w.TrackState()
		}
		return sys, err
	}
	next := 0
	ch := chooserFunc(func(d *engine.Decision) (int, error) {
		for next < len(ks) && d.Index >= ks[next] {
			at(d.Index, w)
			next++
		}
		if next == len(ks) {
			return 0, errStop
		}
		return d.Index * 7 % len(d.Enabled), nil
	})
	_, err = engine.Run(wrapped, seed, ch, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	if err != nil && !errors.Is(err, errStop) {
		require.NoError(t, err)
	}
	require.Equal(t, len(ks), next, "%s %s: the run ended before decision %d", scen, ed, ks[min(next, len(ks)-1)])
}

func TestCopyData_Smoke(t *testing.T) {
	atDecision(t, "smoke-migrate", spec.Virtio14, nil, []int{0, 50, 100}, func(k int, w *world.World) {
		_, err := w.CopyDataForTest()
		require.NoError(t, err, fmt.Sprint("decision ", k))
	})
}
