package world_test

import (
	"errors"
	"flag"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world"
)

var (
	pairDecisions = flag.Int("world.pairdecisions", 6, "TestFootprints_CoEnabledPairsCommute: decisions tried per run (0: every one)")
	pairSeed      = flag.Uint64("world.pairseed", 11, "TestFootprints_CoEnabledPairsCommute: the seed of the random runs")
)

// errPairDone stops a run once the pair ran and the state after it is
// hashed.
var errPairDone = errors.New("pair done")

// enabledStep is one step enabled at a decision of a recorded run.
type enabledStep struct {
	label string
	actor int
	fp    engine.Footprint
}

// pairChooser replays the first `at` choices of a run by label, then runs
// the steps labelled first and second, and hashes the state after them.
type pairChooser struct {
	w             **world.World
	want          []engine.Choice
	at            int
	first, second string
	// enabled records every decision's enabled steps (record mode: at < 0).
	enabled [][]enabledStep
	hash    uint64
	// judge is the judge hash after the pair (judged: the world had one).
	judge  uint64
	judged bool
	err    error
}

func (c *pairChooser) pick(d *engine.Decision, label string) (int, error) {
	for i, s := range d.Enabled {
		if s.Label == label {
			return i, nil
		}
	}
	c.err = fmt.Errorf("decision %d: %q is not enabled", d.Index, label)
	return 0, c.err
}

func (c *pairChooser) Choose(d *engine.Decision) (int, error) {
	if d.Index == 0 {
		(*c.w).CanonicalStateHash() // before the first step: the actors' chains are kept
	}
	if c.at < 0 {
		var en []enabledStep
		for _, s := range d.Enabled {
			en = append(en, enabledStep{s.Label, s.Actor, s.Footprint})
		}
		c.enabled = append(c.enabled, en)
		if d.Index >= len(c.want) {
			return 0, errPairDone
		}
		return c.pick(d, c.want[d.Index].Label)
	}
	switch {
	case d.Index < c.at:
		return c.pick(d, c.want[d.Index].Label)
	case d.Index == c.at:
		return c.pick(d, c.first)
	case d.Index == c.at+1:
		return c.pick(d, c.second)
	}
	c.hash = (*c.w).CanonicalStateHash()
	c.judge, c.judged = (*c.w).JudgeHash()
	return 0, errPairDone
}

// TestFootprints_CoEnabledPairsCommute checks the footprints where the
// reduction relies on them: at decisions of a random run of every catalog
// row, every two enabled steps of different actors whose footprints do not
// conflict must run in either order (neither disables the other) and reach
// the same state (StateHash: shared state and every actor's chain). The
// swap test checks only the pairs a run happened to put next to each
// other; sleep sets skip an order of any such pair at any decision.
func TestFootprints_CoEnabledPairsCommute(t *testing.T) {
	scens, err := catalog.Catalog()
	require.NoError(t, err)
	rows, pairs := 0, 0
	forEachRowRun(t, scens, *pairSeed, func(r rowRun) {
		w, wf, seed, orig, name := r.w, r.wf, r.seed, r.orig, r.name
		cfg := engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps}
		rows++
		rec := &pairChooser{w: w, want: orig.Choices, at: -1}
		_, _ = engine.Run(wf, seed, rec, cfg)
		require.NoError(t, rec.err, "%s: replay", name)
		var at []int
		for k, en := range rec.enabled {
			if len(en) > 1 && k < len(orig.Choices) {
				at = append(at, k)
			}
		}
		if n := *pairDecisions; n > 0 && len(at) > n {
			picked := make([]int, 0, n)
			for i := range n {
				picked = append(picked, at[i*len(at)/n])
			}
			at = picked
		}
		for _, k := range at {
			en := rec.enabled[k]
			for i := range en {
				for j := i + 1; j < len(en); j++ {
					a, b := en[i], en[j]
					if a.actor == b.actor || a.fp.Conflicts(b.fp) {
						continue
					}
					run := func(first, second string) (*pairChooser, error) {
						c := &pairChooser{w: w, want: orig.Choices, at: k, first: first, second: second}
						_, _ = engine.Run(wf, seed, c, cfg)
						return c, c.err
					}
					ab, errAB := run(a.label, b.label)
					ba, errBA := run(b.label, a.label)
					pairs++
					if !assert.NoError(t, errAB, "%s: at decision %d, %q then %q (footprints %s, %s)", name, k, a.label, b.label, a.fp, b.fp) ||
						!assert.NoError(t, errBA, "%s: at decision %d, %q then %q (footprints %s, %s)", name, k, b.label, a.label, b.fp, a.fp) {
						continue
					}
					assert.Equal(t, ab.hash, ba.hash, "%s: at decision %d, %q and %q reach different states in either order (footprints %s, %s)", name, k, a.label, b.label, a.fp, b.fp)
					if ab.judged && ba.judged {
						assert.Equal(t, ab.judge, ba.judge, "%s: at decision %d, %q and %q leave the oracles different things in either order (footprints %s, %s)", name, k, a.label, b.label, a.fp, b.fp)
					}
				}
			}
		}
	})
	t.Logf("%d rows, %d independent pairs run in both orders", rows, pairs)
	require.NotZero(t, pairs)
}
