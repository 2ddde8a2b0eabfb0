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
// the world at each decision listed in ks (ascending) that the run
// reaches, at least three of them; the run ends after the last one.
func atDecision(t testing.TB, scen string, ed spec.Edition, knobs []string, ks []int, at func(k int, w *world.World)) {
	atDecisionPicking(t, scen, ed, knobs, ks, func(d *engine.Decision) int { return d.Index * 7 % len(d.Enabled) }, at)
}

// atDecisionPicking is atDecision with the picks of pick, the world's
// state hashed at every decision as a search with state pruning does.
func atDecisionPicking(t testing.TB, scen string, ed spec.Edition, knobs []string, ks []int, pick func(d *engine.Decision) int, at func(k int, w *world.World)) {
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
		w.StateHash()
		return pick(d), nil
	})
	_, err = engine.Run(wrapped, seed, ch, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	if err != nil && !errors.Is(err, errStop) {
		require.NoError(t, err)
	}
	require.GreaterOrEqual(t, next, min(len(ks), 3), "%s %s: the run ended before decision %d", scen, ed, ks[min(next, len(ks)-1)])
}

// copyRows are catalog rows of every kind: blk and net, one VF and
// several, peers, VFIO and QEMU flows, both editions.
var copyRows = []struct {
	scenario string
	ed       spec.Edition
	knobs    []string
}{
	{"smoke-migrate", spec.Virtio14, nil},
	{"smoke-migrate", spec.Draft2023, nil},
	{"net-link-while-stopped", spec.Virtio14, nil},
	{"net-rx-while-stopped", spec.Draft2023, nil},
	{"kick-during-stop", spec.Virtio14, nil},
	{"vfio-object-limit", spec.Draft2023, nil},
	{"vm-p2p-doorbells", spec.Draft2023, nil},
	{"vm-two-guests", spec.Virtio14, nil},
	{"flr-during-freeze", spec.Draft2023, nil},
	{"precopy-then-delta", spec.Draft2023, nil},
}

// copyDecisions are where the rows' worlds are copied.
var copyDecisions = []int{0, 1, 20, 60, 120, 200}

// hashes are what a copy must agree with its original on.
type hashes struct {
	state, fresh, judge, data uint64
	stateOK, judgeOK          bool
}

func hashesOf(w *world.World) hashes {
	var h hashes
	h.state, h.stateOK = w.StateHash()
	h.fresh = w.StateHashWith(false)
	h.judge, h.judgeOK = w.JudgeHash()
	h.data = w.DataHashForTest()
	return h
}

// TestCopyData_SameHashes: a copy of the world's data, given the code
// parts its rebuilds would give it, hashes as the original: the state
// hash (the copy's cached device hashes and a fresh hasher's), the judge
// hash, and a deep hash of all the data copied.
func TestCopyData_SameHashes(t *testing.T) {
	for _, row := range copyRows {
		t.Run(fmt.Sprintf("%s/%s", row.scenario, row.ed), func(t *testing.T) {
			atDecision(t, row.scenario, row.ed, row.knobs, copyDecisions, func(k int, w *world.World) {
				want := hashesOf(w)
				c, err := w.CopyDataForTest()
				require.NoError(t, err, "decision %d", k)
				var got hashes
				c.WithCodeOfForTest(w, func() { got = hashesOf(c) })
				require.True(t, want.stateOK, "decision %d: the original hashes its state", k)
				require.Equal(t, want, got, "decision %d", k)
			})
		})
	}
}

// TestCopyData_Independent: a copy and its original share nothing the
// copy does not declare shared (a reflective walk of both), and running
// the devices' pending events (no actor code) on one leaves the other's
// hashes as they were, both ways.
func TestCopyData_Independent(t *testing.T) {
	var ks []int
	for k := 0; k < 400; k += 13 {
		ks = append(ks, k)
	}
	ran := 0
	for _, row := range copyRows {
		t.Run(fmt.Sprintf("%s/%s", row.scenario, row.ed), func(t *testing.T) {
			atDecision(t, row.scenario, row.ed, row.knobs, ks, func(k int, w *world.World) {
				c, err := w.CopyDataForTest()
				require.NoError(t, err, "decision %d", k)
				shared, reached := w.SharedWithForTest(c)
				require.Empty(t, shared, "decision %d: shared between the copy and the original", k)
				require.Greater(t, reached, 20, "decision %d: the walk reaches the world", k)

				// Run the original's devices: the copy does not change.
				// (The copy's hashes without the code parts: the
				// hypervisor is the original's.) Then the reverse, on a
				// second copy made at the same time.
				c2, err := w.CopyDataForTest()
				require.NoError(t, err, "decision %d", k)
				copyOwn, origBefore := hashesOf(c), hashesOf(w)
				n := w.RunDevicesForTest(8)
				if n > 0 {
					require.NotEqual(t, origBefore.data, hashesOf(w).data, "decision %d: device events change the world", k)
				}
				require.Equal(t, copyOwn, hashesOf(c), "decision %d: %d device events of the original changed the copy", k, n)
				orig := hashesOf(w)
				m := c2.RunDevicesForTest(8)
				require.Equal(t, n, m, "decision %d: the copy runs the original's pending device events", k)
				require.Equal(t, orig, hashesOf(w), "decision %d: %d device events of the copy changed the original", k, m)
				ran += m
				t.Logf("decision %d: %d spans reached, %d device events run on the original, %d on the copy", k, reached, n, m)
			})
		})
	}
	require.Positive(t, ran, "some decisions have device events pending")
}

// TestCopyData_RefusesAnUnknownClosure: a closure planted in the world's
// data is refused with its path.
func TestCopyData_RefusesAnUnknownClosure(t *testing.T) {
	atDecision(t, "smoke-migrate", spec.Virtio14, nil, []int{10}, func(k int, w *world.World) {
		where := w.PlantClosureForTest()
		_, err := w.CopyDataForTest()
		require.Error(t, err)
		require.Contains(t, err.Error(), where)
		require.Contains(t, err.Error(), "func()")
	})
}

// BenchmarkCopyData copies the world of four proofs at decisions of their
// first dfs path (every first pick) around where their runs branch.
func BenchmarkCopyData(b *testing.B) {
	rows := []struct {
		scenario string
		ed       spec.Edition
		k        int
	}{
		{"smoke-migrate", spec.Virtio14, 100},
		{"kick-during-stop", spec.Virtio14, 112},
		{"net-link-while-stopped", spec.Virtio14, 174},
		{"vfio-object-limit", spec.Draft2023, 100},
		{"vfio-object-limit", spec.Draft2023, 200},
	}
	for _, row := range rows {
		b.Run(fmt.Sprintf("%s/%s/%d", row.scenario, row.ed, row.k), func(b *testing.B) {
			atDecisionPicking(b, row.scenario, row.ed, nil, []int{row.k}, func(*engine.Decision) int { return 0 }, func(k int, w *world.World) {
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := w.CopyDataForTest(); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
			})
		})
	}
}
