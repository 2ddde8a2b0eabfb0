package world_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	memberblk "github.com/migsim/migsim/member/blk"
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
		bound = 0 // -short
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

// bareChecker picks like a random chooser and, at every decision, lists
// the world's steps both ways: EnabledBare must list the steps Enabled
// lists (ids, actors, labels, order), and StepFootprint must give each the
// footprint Enabled gives it.
type bareChecker struct {
	t     *testing.T
	w     **world.World
	name  string
	rng   *rand.Rand
	steps int
}

func (c *bareChecker) Choose(d *engine.Decision) (int, error) {
	w := *c.w
	full, bare := w.Enabled(nil), w.EnabledBare(nil)
	require.Equal(c.t, len(full), len(bare), "%s: decision %d", c.name, d.Index)
	for i := range full {
		f, b := full[i], bare[i]
		require.Equal(c.t, [3]any{f.ID, f.Actor, f.Label}, [3]any{b.ID, b.Actor, b.Label}, "%s: decision %d step %d", c.name, d.Index, i)
		fp := w.StepFootprint(b)
		require.Equal(c.t, f.Footprint.String(), fp.String(), "%s: decision %d %q: StepFootprint is not Enabled's footprint", c.name, d.Index, f.Label)
		c.steps++
	}
	return c.rng.IntN(len(d.Enabled)), nil
}

// TestLazyFootprints_BareListsWhatEnabledLists: at every decision of a
// random run of every catalog row, the world's bare listing
// (engine.LazyFootprinter, used by dfs replays and by every random, pct
// and replay run) lists the steps Enabled lists, and StepFootprint gives
// each the footprint Enabled gives it: the footprints the reductions read
// at new dfs decisions are the ones every other run executes its steps
// with.
func TestLazyFootprints_BareListsWhatEnabledLists(t *testing.T) {
	scens, err := catalog.Catalog()
	require.NoError(t, err)
	steps := 0
	forEachRowRun(t, scens, 3, func(r rowRun) {
		c := &bareChecker{t: t, w: r.w, name: r.name, rng: rand.New(rand.NewPCG(r.seed, 2))}
		_, err := engine.Run(r.wf, r.seed, c, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
		require.NoError(t, err, r.name)
		steps += c.steps
	})
	t.Logf("%d enabled steps compared", steps)
	assert.Greater(t, steps, 10000, "enabled steps compared")
}

// TestLazyFootprints_ImpureMemberListsFootprints: once a member that is not
// member.Pure is built, the bare listing carries every step's footprint,
// as Enabled does (a footprint queries the members, which such a member
// only promises to answer without a change); before, it carries none.
func TestLazyFootprints_ImpureMemberListsFootprints(t *testing.T) {
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, spec.Virtio14, nil, nil)
	require.NoError(t, err)
	tg.Member = func(c member.Config) member.Device { return &impureDigest{Device: memberblk.New(c)} }
	seed := engine.ScheduleSeed(1, 0)
	f, err := tg.Factory(seed)
	require.NoError(t, err)
	for _, pure := range []bool{true, false} {
		tf := f
		if pure {
			tf = catalogFactory(t, "smoke-migrate", spec.Virtio14, nil, seed)
		}
		sys, err := tf(engine.NewStreams(seed))
		require.NoError(t, err)
		w := sys.(*world.World)
		bareZero, bareFull := 0, 0
		walk(w, 400, func(en []engine.Step) int { return 0 }, func(int) {
			full, bare := w.Enabled(nil), w.EnabledBare(nil)
			require.Equal(t, len(full), len(bare))
			for i := range bare {
				if bare[i].Footprint.IsZero() {
					bareZero++
					continue
				}
				bareFull++
				assert.Equal(t, full[i].Footprint.String(), bare[i].Footprint.String())
			}
		})
		w.Close()
		if pure {
			assert.Zero(t, bareFull, "pure members: the bare listing has no footprints")
			assert.Positive(t, bareZero)
		} else {
			assert.Positive(t, bareFull, "an impure member built: the bare listing has footprints")
		}
	}
}
