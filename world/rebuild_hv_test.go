package world_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/actorlog"
	"github.com/migsim/migsim/world/hv"
)

var (
	rebuildAll = flag.Bool("world.rebuildall", false, "TestRebuildHypervisor_Exact: every catalog row, not a fixed subset")
	rebuildKs  = flag.Int("world.rebuildks", 7, "TestRebuildHypervisor_Exact: decisions rebuilt at per run, spread (0: every one)")
)

// decisionView is what a run shows at one decision: the state hashes
// (the chained one and one recomputed by reflection), the enabled steps
// and the clock's next timer.
type decisionView struct {
	hash, reflective uint64
	enabled          []string
	timer            engine.VTime
}

func viewOf(w *world.World) decisionView {
	h, _ := w.StateHash()
	v := decisionView{hash: h, reflective: w.StateHashWith(true)}
	for _, s := range w.Enabled(nil) {
		v.enabled = append(v.enabled, fmt.Sprintf("%d:%s", s.Actor, s.Label))
	}
	v.timer, _ = w.NextTimer()
	return v
}

// hvRun drives a world the way the engine's runner does, picking among the
// enabled steps with picks (past its end: from rng, appended to picks). At
// decision `at` it calls atK once, and stops there when atK says so. It returns the view at every decision,
// the hypervisor's record length there, and how the run ended.
type hvRun struct {
	views  []decisionView
	logLen []int
	end    string
}

func driveHV(t *testing.T, w *world.World, picks *[]int, rng *rand.Rand, at int, atK func() bool) hvRun {
	var r hvRun
	for step := 0; ; {
		if w.Done() {
			r.end = fmt.Sprintf("done %v", w.Finish())
			break
		}
		if step >= catalog.DefaultJudgeMaxSteps {
			r.end = "step bound"
			break
		}
		en := w.Enabled(nil)
		if len(en) == 0 {
			tm, ok := w.NextTimer()
			if !ok && w.Epoch() {
				continue
			}
			if !ok {
				r.end = "deadlock"
				break
			}
			w.Advance(tm)
			continue
		}
		if step == at {
			if !atK() {
				r.end = "stopped"
				break
			}
			if en = w.Enabled(nil); len(en) == 0 {
				r.end = "nothing enabled after the rebuild"
				break
			}
		}
		r.views = append(r.views, viewOf(w))
		r.logLen = append(r.logLen, w.HVRecordLen())
		if step >= len(*picks) {
			*picks = append(*picks, rng.IntN(1<<20))
		}
		s := en[(*picks)[step]%len(en)]
		step++
		if f := w.Execute(s); f != nil {
			r.end = fmt.Sprintf("finding at %d: %s %s", step, f.Oracle, f.Message)
			break
		}
	}
	r.end += fmt.Sprintf("\nguest log %q\nnotes %q", w.GuestLog(), w.Notes())
	return r
}

// TestRebuildHypervisor_Exact: on catalog rows of every kind, a world whose
// hypervisor was rebuilt from the original's record at decision k (a copy
// made by replay to k, its hypervisor made a shell and rebuilt), both from
// the record's last checkpoint and from the start, runs on exactly as the
// original: the same state hashes, enabled steps and timers at every
// decision, the same end, finding, guest log and notes, and the same calls
// in its record. The rebuild itself changes nothing of the world. A
// rebuild may be refused (an error): it is counted, never compared.
func TestRebuildHypervisor_Exact(t *testing.T) {
	subset := []string{"smoke-migrate", "net-link-while-stopped", "net-rx-while-stopped", "net-cvq-in-flight-at-stop",
		"compat-corrupt-load", "compat-precheck-incompatible", "compat-net-mq8-to-4", "compat-older-feature-on",
		"flr-while-stopped", "flr-during-freeze", "mode-set-during-flr", "vfio-object-limit", "vfio-error-paths",
		"vm-two-guests", "vm-8-of-1024", "vm-load-fails-rollback", "rollback-after-failed-destination",
		"pf-flr-with-admin-outstanding", "precopy-then-delta", "resize-in-stop-only", "reset-racing-stop",
		"kick-during-stop", "peer-kick-frozen"}
	if testing.Short() {
		subset = subset[:4]
	}
	scens, err := catalog.Catalog()
	require.NoError(t, err)
	if !*rebuildAll {
		scens = scens[:0]
		for _, name := range subset {
			s, err := catalog.CatalogScenario(name)
			require.NoError(t, err)
			scens = append(scens, s)
		}
	}
	rows, checked, refused := 0, 0, map[string]int{}
	asked, fromStarts, fromCheckpoints := 0, 0, 0
	eachRecordedRow(t, scens, func(s *scenario.Scenario, e scenario.Expectation, f engine.Factory, seed uint64) {
		name := fmt.Sprintf("%s line %d (%s %v %v)", s.Name, e.Line, e.Edition, e.Knobs, e.Settings)
		rows++
		build := worldBuilder(t, f, seed, name)
		for _, pickSeed := range []uint64{1, 2} {
			var picks []int
			a := build()
			orig := driveHV(t, a, &picks, rand.New(rand.NewPCG(pickSeed, uint64(e.Line))), -1, nil)
			a.Close()
			n := len(orig.views)
			require.Positive(t, n, name)
			ks := map[int]bool{0: true, n - 1: true}
			for i := 1; i < *rebuildKs-1; i++ {
				ks[i*n/(*rebuildKs-1)] = true
			}
			full := a.HVRecord()
			for k := 0; k < n; k++ {
				if *rebuildKs > 0 && !ks[k] {
					continue
				}
				cps := checkpointsIn(full[:orig.logLen[k]])
				for _, fromStart := range []bool{false, true} {
					b := build()
					var rebuildErr error
					var before, after decisionView
					got := driveHV(t, b, &picks, nil, k, func() bool {
						before = viewOf(b)
						if rebuildErr = b.RebuildHypervisorWith(a, orig.logLen[k], hv.Rebuild{FromStart: fromStart}); rebuildErr != nil {
							return false
						}
						after = viewOf(b)
						return true
					})
					b.Close()
					how := fmt.Sprintf("%s: decision %d (from the start: %v)", name, k, fromStart)
					if rebuildErr != nil {
						// The refusals the fast-forward has today say "(not
						// rebuilt)"; any other is a read the record missed.
						require.ErrorContains(t, rebuildErr, "(not rebuilt)", how)
						refused[rebuildErr.Error()]++
						continue
					}
					require.Equal(t, before, after, "%s: the rebuild changes nothing of the world", how)
					require.Equal(t, orig.end, got.end, "%s: the run ends the same way", how)
					require.Equal(t, len(orig.views), len(got.views), how)
					for i := range orig.views {
						require.Equal(t, orig.views[i], got.views[i], "%s: decision %d", how, i)
					}
					// The rebuilt hypervisor goes on making the original's
					// calls, checkpoints at the same places included.
					requireSameCalls(t, full, b.HVRecord(), how)
					checked++
					switch {
					case fromStart:
						asked++
					case len(cps) == 0:
						fromStarts++
					default:
						fromCheckpoints++
					}
				}
			}
		}
	})
	t.Logf("rebuilds from the start: %d asked, %d with no checkpoint in the record; from a checkpoint: %d", asked, fromStarts, fromCheckpoints)
	assert.Positive(t, fromCheckpoints)
	t.Logf("%d rows, %d rebuilds checked exact; refused: %v", rows, checked, refused)
	assert.Positive(t, checked)
}

// checkpointsIn are the indexes of the checkpoints a hypervisor's record
// holds.
func checkpointsIn(rec []actorlog.Entry) []int {
	var out []int
	for i, e := range rec {
		if hv.CallName(e.Call) == "checkpoint" {
			out = append(out, i)
		}
	}
	return out
}

// requireSameCalls requires two hypervisor records to hold the same calls
// with the same arguments and results (a checkpoint's state aside).
func requireSameCalls(t *testing.T, want, got []actorlog.Entry, how string) {
	t.Helper()
	require.Equal(t, len(want), len(got), "%s: the record's length", how)
	for i := range want {
		w, g := want[i], got[i]
		require.True(t, w.Call == g.Call && w.Arg == g.Arg && w.N == g.N && bytes.Equal(w.B, g.B),
			"%s: entry %d: %s %#x where the original's is %s %#x", how, i, hv.CallName(g.Call), g.Arg, hv.CallName(w.Call), w.Arg)
	}
}

// worldBuilder returns a function that builds a new world of factory f
// from seed, failing the test (with name) when the factory does.
func worldBuilder(t *testing.T, f engine.Factory, seed uint64, name string) func() *world.World {
	t.Helper()
	return func() *world.World {
		sys, err := f(engine.NewStreams(seed))
		require.NoError(t, err, name)
		return sys.(*world.World)
	}
}

// eachRecordedRow calls row for every expectation of scens that judges
// something, with a factory of worlds that record their actors and the
// row's seed; a row whose run without migration fails (its reference
// error) is left out.
func eachRecordedRow(t *testing.T, scens []*scenario.Scenario, row func(s *scenario.Scenario, e scenario.Expectation, f engine.Factory, seed uint64)) {
	t.Helper()
	for _, s := range scens {
		for _, e := range s.Expect {
			if e.Verdict.String() == "n/a" {
				continue
			}
			tg, err := catalog.NewTarget(s, e.Edition, e.Knobs, nil)
			require.NoError(t, err, s.Name)
			tg.Settings, tg.RecordActors = e.Settings, true
			seed := engine.ScheduleSeed(1, e.Line)
			f, err := tg.Factory(seed)
			var refErr *catalog.ReferenceError
			if errors.As(err, &refErr) {
				continue
			}
			require.NoError(t, err, "%s line %d", s.Name, e.Line)
			row(s, e, f, seed)
		}
	}
}
