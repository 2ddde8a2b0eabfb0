package world_test

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

var reductionBound = flag.Int("world.bound", 1, "TestReductions_SameOutcomes: the preemption bound")

// outcomeSet records how every run of an exploration ended: the oracle of
// a finding during a step, or the end state with the end-of-run finding.
type outcomeSet map[string]bool

// recordingFactory wraps f so that every finished run adds its outcome to
// set.
func recordingFactory(f engine.Factory, set outcomeSet) engine.Factory {
	return func(st engine.Streams) (engine.System, error) {
		sys, err := f(st)
		if err != nil {
			return nil, err
		}
		w := sys.(*world.World)
		w.StateHash() // keep the actors' chains whatever the reduction
		return &recorder{World: w, set: set}, nil
	}
}

type recorder struct {
	*world.World
	set outcomeSet
}

func (r *recorder) Execute(s engine.Step) *engine.Finding {
	f := r.World.Execute(s)
	if f != nil {
		// A finding stops the run: where it stops depends on which of the
		// equivalent orders ran, so only the oracle is an outcome.
		r.set[f.Oracle] = true
	}
	return f
}

func (r *recorder) Finish() *engine.Finding {
	f := r.World.Finish()
	// The guest log is what the guest saw: a state hash that missed
	// something the guest's future depends on shows up there even when
	// the final hash misses it too.
	r.set[fmt.Sprintf("%s %x %x", findingOracle(f), r.World.CanonicalStateHash(), deephash.Hash(r.World.GuestLog()))] = true
	return f
}

// TestReductions_SameOutcomes explores catalog rows exhaustively within a
// preemption bound with every reduction — none, sleep sets, DPOR, sleep
// sets with state pruning — and checks they reach exactly the same
// outcomes (finding or none, and end state): evidence on the world itself
// that its footprints, its stall epoch and its state hash keep the
// reductions sound.
func TestReductions_SameOutcomes(t *testing.T) {
	type row struct {
		scenario string
		edition  spec.Edition
		knobs    []string
	}
	rows := []row{
		{"flr-during-freeze", spec.Draft2023, nil},
		{"flr-during-freeze", spec.Draft2023, []string{"flr-vs-mode=complete-anyway"}},
		{"flr-during-freeze", spec.Draft2023, []string{"flr-vs-mode=complete-anyway", "mode-after-flr=keep"}},
		{"flr-during-freeze", spec.Draft2023, []string{"flr-vs-mode=defer-flr"}},
		{"reset-racing-stop", spec.Draft2023, nil},
		{"reset-racing-stop", spec.Draft2023, []string{"reset-vs-mode=complete-anyway"}},
		{"rollback-after-failed-destination", spec.Virtio14, nil},
		// The hypervisor's chain records what it read: rows where its
		// flow branches on what it reads (a trapped FLR's reset_done on a
		// vCPU, a PF FLR under outstanding commands, retries).
		{"flr-during-freeze", spec.Virtio14, nil},
		{"pf-flr-with-admin-outstanding", spec.Virtio14, nil},
		{"retry-without-discard", spec.Virtio14, nil},
		// Writes in flight on the bus (posted-writes=in-flight): a guest's
		// MMIO write puts one there, and any later request may push it.
		{"doorbell-in-flight-at-halt", spec.Draft2023, nil},
		{"config-write-in-flight-at-halt", spec.Draft2023, nil},
	}
	if testing.Short() {
		// -short: the two rows whose spaces are smallest; each explores
		// four times, and the race detector, when on, multiplies time and
		// memory (the first seven rows took 6.8 GB under it).
		rows = []row{rows[6], rows[8]}
	}
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/%s/%v", row.scenario, row.edition, row.knobs), func(t *testing.T) {
			if !testing.Short() {
				// The rows are independent: in go test's run (two packages at
				// a time) the world package is often the last one left, and
				// its longest test then uses both cores. Not under -short,
				// where the race detector's memory grows with the work in
				// flight.
				t.Parallel()
			}
			f := catalogFactory(t, row.scenario, row.edition, row.knobs, engine.ScheduleSeed(1, 0))
			var want outcomeSet
			runs := map[string]int{}
			for _, c := range []struct {
				name      string
				reduction engine.Reduction
				states    bool
			}{
				{"none", engine.ReductionNone, false},
				{"sleep", engine.ReductionSleep, false},
				{"dpor", engine.ReductionDPOR, false},
				{"sleep+states", engine.ReductionSleep, true},
			} {
				got := outcomeSet{}
				sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: recordingFactory(f, got),
					Strategy: engine.StrategyDFS, Bound: *reductionBound, Reduction: c.reduction, States: c.states,
					Schedules: 1 << 30, Jobs: 1, MaxSteps: catalog.DefaultJudgeMaxSteps})
				require.NoError(t, err)
				require.True(t, sum.Complete, "%s: the space was not exhausted", c.name)
				runs[c.name] = sum.Schedules + sum.Pruned
				if want == nil {
					want = got
					continue
				}
				assert.Equal(t, sorted(want), sorted(got), "%s reaches other outcomes than none", c.name)
			}
			t.Logf("runs at bound %d: %v, %d outcomes", *reductionBound, runs, len(want))
		})
	}
}

func sorted(s outcomeSet) []string {
	var out []string
	for k := range s {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
