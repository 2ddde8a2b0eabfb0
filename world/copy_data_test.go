package world_test

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
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
// reaches; the run ends after the last one, or when at says it changed
// the world. It returns how many decisions at saw.
func atDecision(t testing.TB, scen string, ed spec.Edition, knobs []string, ks []int, at func(k int, w *world.World) (stop bool)) int {
	return atDecisionPicking(t, scen, ed, knobs, ks, func(d *engine.Decision) int { return d.Index * 7 % len(d.Enabled) }, at)
}

// atDecisionPicking is atDecision with the picks of pick, the world's
// state hashed at every decision as a search with state pruning does.
func atDecisionPicking(t testing.TB, scen string, ed spec.Edition, knobs []string, ks []int, pick func(d *engine.Decision) int, at func(k int, w *world.World) (stop bool)) int {
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
	next, reached := 0, 0
	ch := chooserFunc(func(d *engine.Decision) (int, error) {
		for next < len(ks) && d.Index >= ks[next] {
			next++
			reached++
			if at(d.Index, w) {
				// at changed the world under the decision.
				next = len(ks)
			}
		}
		if next == len(ks) {
			return 0, errStop
		}
		w.StateHash()
		return pick(d), nil
	})
	res, err := engine.Run(wrapped, seed, ch, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	if res.Finding != nil && res.Finding.Oracle == "panic" {
		// A panic in at (the runner reports it as the run's finding).
		require.Failf(t, "panic", "%s %s: %s", scen, ed, res.Finding.Message)
	}
	if err != nil && !errors.Is(err, errStop) {
		require.NoError(t, err)
	}
	return reached
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
			n := atDecision(t, row.scenario, row.ed, row.knobs, copyDecisions, func(k int, w *world.World) bool {
				want := hashesOf(w)
				c, err := w.CopyDataForTest()
				require.NoError(t, err, "decision %d", k)
				var got hashes
				c.WithCodeOfForTest(w, func() { got = hashesOf(c) })
				require.True(t, want.stateOK, "decision %d: the original hashes its state", k)
				require.Equal(t, want, got, "decision %d", k)
				return false
			})
			require.GreaterOrEqual(t, n, 4, "the run reaches four of the decisions")
		})
	}
}

// TestCopyData_Independent: a copy and its original share nothing the
// copy does not declare shared (a reflective walk of both), and running
// the devices' pending events (no actor code) on one leaves the other's
// hashes as they were, both ways. A run whose world ran its devices goes
// on no further; the next run starts from the seed again.
func TestCopyData_Independent(t *testing.T) {
	ks := everyThirteenth()
	ran := 0
	for _, row := range copyRows {
		t.Run(fmt.Sprintf("%s/%s", row.scenario, row.ed), func(t *testing.T) {
			seen, left := 0, ks
			for len(left) > 0 {
				last := -1
				seen += atDecision(t, row.scenario, row.ed, row.knobs, left, func(k int, w *world.World) bool {
					last = k
					n, m := checkIndependent(t, k, w)
					ran += m
					return n > 0
				})
				i := slices.IndexFunc(left, func(k int) bool { return k > last })
				if last < 0 || i < 0 || seen == 0 {
					break
				}
				left = left[i:]
			}
			require.GreaterOrEqual(t, seen, 4, "the runs reach four of the decisions")
		})
	}
	require.Positive(t, ran, "some decisions have device events pending")
}

// checkIndependent copies w twice, checks that neither copy shares with
// w, runs w's pending device events and checks the first copy unchanged,
// then the second copy's and checks w unchanged. It returns how many
// events each ran.
func checkIndependent(t *testing.T, k int, w *world.World) (n, m int) {
	c, err := w.CopyDataForTest()
	require.NoError(t, err, "decision %d", k)
	shared, reached := w.SharedWithForTest(c)
	require.Empty(t, shared, "decision %d: shared between the copy and the original", k)
	require.Greater(t, reached, 20, "decision %d: the walk reaches the world", k)
	c2, err := w.CopyDataForTest()
	require.NoError(t, err, "decision %d", k)

	// The copy's hashes are taken without the code parts: its hypervisor
	// would be the original's.
	copyOwn, before := hashesOf(c), hashesOf(w)
	n = w.RunDevicesForTest(8)
	if n > 0 {
		require.NotEqual(t, before.data, hashesOf(w).data, "decision %d: device events change the world", k)
	}
	require.Equal(t, copyOwn, hashesOf(c), "decision %d: %d device events of the original changed the copy", k, n)
	orig := hashesOf(w)
	m = c2.RunDevicesForTest(8)
	require.Equal(t, n, m, "decision %d: the copy runs the original's pending device events", k)
	require.Equal(t, orig, hashesOf(w), "decision %d: %d device events of the copy changed the original", k, m)
	if n > 0 {
		t.Logf("decision %d: %d objects and arrays reached, %d device events run on each side", k, reached, n)
	}
	return n, m
}

// TestCopyData_RefusesAnUnknownClosure: a closure planted in the world's
// data is refused with its path.
func TestCopyData_RefusesAnUnknownClosure(t *testing.T) {
	n := atDecision(t, "smoke-migrate", spec.Virtio14, nil, []int{10}, func(k int, w *world.World) bool {
		where := w.PlantClosureForTest()
		_, err := w.CopyDataForTest()
		require.Error(t, err)
		require.Contains(t, err.Error(), where)
		require.Contains(t, err.Error(), "func()")
		return true
	})
	require.Equal(t, 1, n)
}

// BenchmarkCopyData copies the world of six proofs at a decision of their
// first dfs path (every first pick): around where their runs branch, or
// (k < 0) at the first decision with a choice.
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
		{"vm-two-guests", spec.Virtio14, 230},
		{"flr-during-freeze", spec.Draft2023, -1},
	}
	for _, row := range rows {
		k, name := row.k, strconv.Itoa(row.k)
		if k < 0 {
			k, name = firstChoice(b, row.scenario, row.ed), "first-choice"
		}
		b.Run(fmt.Sprintf("%s/%s/%s", row.scenario, row.ed, name), func(b *testing.B) {
			n := atDecisionPicking(b, row.scenario, row.ed, nil, []int{k}, func(*engine.Decision) int { return 0 }, func(k int, w *world.World) bool {
				census, err := w.CopyCensusForTest()
				require.NoError(b, err)
				objects, bytes := 0, 0
				for _, e := range census {
					objects, bytes = objects+e.Objects, bytes+e.Bytes
				}
				b.ReportAllocs()
				b.ResetTimer()
				for range b.N {
					if _, err := w.CopyDataForTest(); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(objects), "objects")
				b.ReportMetric(float64(bytes), "data-B")
				return false
			})
			require.Equal(b, 1, n, "the run reaches decision %d", k)
		})
	}
}

// firstChoice returns the index of the first decision of the row's first
// dfs path (every first pick) with more than one enabled step.
func firstChoice(b *testing.B, scen string, ed spec.Edition) int {
	first := -1
	atDecisionPicking(b, scen, ed, nil, []int{catalog.DefaultJudgeMaxSteps}, func(d *engine.Decision) int {
		if first < 0 && len(d.Enabled) > 1 {
			first = d.Index
		}
		return 0
	}, func(int, *world.World) bool { return false })
	require.GreaterOrEqual(b, first, 0, "%s %s: a decision with a choice", scen, ed)
	return first
}

// TestCopyData_KeptCopiesAgain: the copies of a kept copy's data, the
// first (which walks it) and the next (which fill its groups again,
// worldcopy.Frozen), share nothing with the kept copy nor with each other,
// hash as the original (given its code parts), and device events run in
// one of them change neither the kept copy nor another copy; at every
// 13th decision of a run of each row.
func TestCopyData_KeptCopiesAgain(t *testing.T) {
	ks := everyThirteenth()
	ran := 0
	for _, row := range copyRows {
		t.Run(fmt.Sprintf("%s/%s", row.scenario, row.ed), func(t *testing.T) {
			n := atDecision(t, row.scenario, row.ed, row.knobs, ks, func(k int, w *world.World) bool {
				kept, copies, err := w.FrozenCopiesForTest(3)
				require.NoError(t, err, "decision %d", k)
				// Shared before any is hashed: a hash fills its
				// hasher's scratch with type descriptors.
				for i, c := range copies {
					shared, _ := kept.SharedWithForTest(c)
					require.Empty(t, shared, "decision %d, copy %d: shared with the kept copy", k, i)
					for j, other := range copies[:i] {
						shared, _ := other.SharedWithForTest(c)
						require.Empty(t, shared, "decision %d: copies %d and %d share", k, j, i)
					}
				}
				want := hashesOf(w)
				hashOf := func(c *world.World) (h hashes) {
					c.WithCodeOfForTest(w, func() { h = hashesOf(c) })
					return h
				}
				for i, c := range copies {
					require.Equal(t, want, hashOf(c), "decision %d, copy %d", k, i)
				}
				var m int
				copies[1].WithCodeOfForTest(w, func() { m = copies[1].RunDevicesForTest(8) })
				ran += m
				require.Equal(t, want, hashOf(kept), "decision %d: %d device events of a copy changed the kept copy", k, m)
				require.Equal(t, want, hashOf(copies[0]), "decision %d: %d device events of a copy changed another", k, m)
				require.Equal(t, want, hashOf(copies[2]), "decision %d: %d device events of a copy changed another", k, m)
				return false
			})
			require.GreaterOrEqual(t, n, 8, "the run reaches eight of the decisions")
		})
	}
	require.Positive(t, ran, "some decisions have device events pending")
}

// everyThirteenth is the decisions the copy tests stop at: every 13th of
// the first 400.
func everyThirteenth() []int {
	var ks []int
	for k := 0; k < 400; k += 13 {
		ks = append(ks, k)
	}
	return ks
}
