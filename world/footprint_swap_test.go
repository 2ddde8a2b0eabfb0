package world_test

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world"
)

var (
	swapsPerRun = flag.Int("world.swaps", 12, "TestFootprints_SwapIndependentSteps: swaps tried per run (0: every independent pair)")
	// swapSeeds are the seeds of the random runs whose steps are swapped:
	// 16's run of flr-during-freeze (draft-2023) puts a guest's FLR next
	// to the hypervisor reading an admin completion, whose footprints once
	// left out the host's record of its members.
	swapSeeds = flag.String("world.swapseeds", defaultSwapSeeds, "TestFootprints_SwapIndependentSteps: comma-separated seeds, one random run of every row each")
)

const defaultSwapSeeds = "7,16"

// swapChooser replays a list of choices by label and actor, with the steps
// at swap and swap+1 exchanged, and hashes the world's state after them.
type swapChooser struct {
	w    **world.World
	want []engine.Choice
	swap int // -1: no swap
	// hashes, judges and advances record, per decision, the state hash,
	// the judge hash (0 when the world has none) and the clock advances
	// (stalls included) so far.
	hashes, judges, advances []uint64
	err                      error
}

func (c *swapChooser) Choose(d *engine.Decision) (int, error) {
	c.hashes = append(c.hashes, (*c.w).CanonicalStateHash()) // from decision 0 on: the actors' chains are kept
	judge, _ := (*c.w).JudgeHash()
	c.judges = append(c.judges, judge)
	c.advances = append(c.advances, uint64(d.Advances))
	if d.Index >= len(c.want) {
		return 0, fmt.Errorf("the run outlives its %d recorded steps", len(c.want))
	}
	j := d.Index
	switch {
	case c.swap < 0:
	case j == c.swap:
		j = c.swap + 1
	case j == c.swap+1:
		j = c.swap
	}
	for i, s := range d.Enabled {
		if s.Label == c.want[j].Label { // labels name their actor; device ids follow creation order
			return i, nil
		}
	}
	c.err = fmt.Errorf("step %d: %q is not enabled", d.Index, c.want[j].Label)
	return 0, c.err
}

// TestFootprints_SwapIndependentSteps checks that the world's footprints do
// not understate: in random runs of every catalog row, two adjacent steps of
// different actors whose footprints do not conflict (and with no clock
// advance or stall between them) are exchanged; the exchanged run must be
// possible (neither step enabled or disabled the other), reach the same
// state right after the pair (StateHash: shared state and every actor's
// chain) with the same judge hash (what the oracles keep), and end with
// the same finding and end state.
func TestFootprints_SwapIndependentSteps(t *testing.T) {
	rows := 0
	swaps := 0
	scens, err := catalog.Catalog()
	require.NoError(t, err)
	var seeds []uint64
	for _, f := range strings.Split(*swapSeeds, ",") {
		n, err := strconv.ParseUint(strings.TrimSpace(f), 10, 64)
		require.NoError(t, err, "-world.swapseeds")
		seeds = append(seeds, n)
	}
	if testing.Short() && *swapSeeds == defaultSwapSeeds {
		// -short: seed 16's run alone, which still puts
		// the FLR next to the completion with three swaps per run.
		seeds = seeds[len(seeds)-1:]
	}
	for _, base := range seeds {
		swaps += swapRows(t, scens, base, &rows)
	}
	t.Logf("%d rows, %d exchanged pairs", rows, swaps)
	require.NotZero(t, swaps)
}

// rowRun is one random run of a judged catalog row.
type rowRun struct {
	name string
	// wf builds the row's worlds; w is the last one it built.
	wf   engine.Factory
	w    **world.World
	seed uint64
	orig engine.Result
}

// forEachRowRun runs every judged catalog row of scens once at random, with
// a seed from base and the row's line, and hands fn the run.
func forEachRowRun(t *testing.T, scens []*scenario.Scenario, base uint64, fn func(r rowRun)) {
	for _, s := range scens {
		for _, e := range s.Expect {
			if e.Verdict.String() == "n/a" {
				continue
			}
			tg, err := catalog.NewTarget(s, e.Edition, e.Knobs, nil)
			require.NoError(t, err)
			tg.Settings = e.Settings
			f, err := tg.Factory(engine.ScheduleSeed(1, 0))
			var refErr *catalog.ReferenceError
			if errors.As(err, &refErr) {
				continue
			}
			require.NoError(t, err, "%s line %d", s.Name, e.Line)
			r := rowRun{name: fmt.Sprintf("%s line %d (%s, seed %d)", s.Name, e.Line, e.Edition, base),
				w: new(*world.World), seed: engine.ScheduleSeed(base, e.Line)}
			r.wf = keepWorld(f, r.w)
			r.orig, err = engine.Run(r.wf, r.seed, engine.NewRandom(rand.New(rand.NewPCG(r.seed, 1))), engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err, r.name)
			fn(r)
		}
	}
}

// swapRows runs every catalog row once with base's seed, swaps independent
// adjacent steps of the run and checks each swap; it returns the swaps.
func swapRows(t *testing.T, scens []*scenario.Scenario, base uint64, rows *int) int {
	swaps := 0
	forEachRowRun(t, scens, base, func(r rowRun) {
		w, wf, seed, orig, name := r.w, r.wf, r.seed, r.orig, r.name
		*rows++
		replay := func(swap int) (*swapChooser, uint64, *engine.Finding, error) {
			c := &swapChooser{w: w, want: orig.Choices, swap: swap}
			res, err := engine.Run(wf, seed, c, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
			if c.err != nil {
				return c, 0, nil, c.err
			}
			return c, (*w).CanonicalStateHash(), res.Finding, err
		}
		ref, refEnd, refFinding, err := replay(-1)
		require.NoError(t, err, "%s: replay", name)
		require.Equal(t, findingOracle(orig.Finding), findingOracle(refFinding), "%s: replay: %+v", name, refFinding)
		var cands []int
		for i := 0; i+2 < len(orig.Choices); i++ {
			a, b := orig.Choices[i], orig.Choices[i+1]
			if a.Actor != b.Actor && !a.Footprint.Conflicts(b.Footprint) && ref.advances[i] == ref.advances[i+1] {
				cands = append(cands, i)
			}
		}
		n := *swapsPerRun
		if testing.Short() && n > 3 {
			n = 3 // -short: the full run tries 12
		}
		if n > 0 && len(cands) > n {
			picked := make([]int, 0, n)
			for k := range n {
				picked = append(picked, cands[k*len(cands)/n])
			}
			cands = picked
		}
		for _, i := range cands {
			a, b := orig.Choices[i], orig.Choices[i+1]
			got, gotEnd, gotFinding, err := replay(i)
			swaps++
			if !assert.NoError(t, err, "%s: steps %d %q and %d %q (footprints %s, %s) do not commute", name, i, a.Label, i+1, b.Label, a.Footprint, b.Footprint) {
				continue
			}
			assert.Equal(t, ref.hashes[i+2], got.hashes[i+2], "%s: state after steps %d %q and %d %q differs when exchanged", name, i, a.Label, i+1, b.Label)
			assert.Equal(t, ref.judges[i+2], got.judges[i+2], "%s: what the oracles keep after steps %d %q and %d %q differs when exchanged", name, i, a.Label, i+1, b.Label)
			assert.Equal(t, refEnd, gotEnd, "%s: end state differs when steps %d %q and %d %q are exchanged", name, i, a.Label, i+1, b.Label)
			assert.Equal(t, findingOracle(refFinding), findingOracle(gotFinding), "%s: finding differs when steps %d and %d are exchanged", name, i, i+1)
		}
	})
	return swaps
}

func findingOracle(f *engine.Finding) string {
	if f == nil {
		return ""
	}
	return f.Oracle
}
