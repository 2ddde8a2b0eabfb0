package world_test

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// servedFactory serves the devices of f through the device protocol
// (extdevice.StartServed: extdevice.Serve in a goroutine over in-memory
// pipes) and returns the kit's factory of their proxies, which are
// member.Opaque and member.InputChained.
func servedFactory(t *testing.T, f member.Factory, net bool) member.Factory {
	t.Helper()
	info := extdevice.Info{Name: "served blk", Editions: spec.Editions, Knobs: extdevice.AllKnobs()}
	if net {
		info.Name, info.Type = "served net", extdevice.TypeNet
	}
	pool, err := extdevice.StartServed("blk", func(r io.Reader, w io.Writer) error { return extdevice.Serve(r, w, f, info) },
		extdevice.Options{Procs: 1})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, pool.Close()) })
	return pool.Factory()
}

// chainOutcomes records how the runs of an exploration ended: all the
// oracle of the finding (or none), the end state's hash and the guest's
// log, as TestReductions_SameOutcomes does; seen the oracle and the
// guest's log alone, which do not depend on how the member's state is
// hashed (a proxy's hash is the chain of its inputs, an in-process
// device's its fields).
type chainOutcomes struct{ all, seen outcomeSet }

type chainRecorder struct {
	*world.World
	out chainOutcomes
}

func (r *chainRecorder) Execute(s engine.Step) *engine.Finding {
	f := r.World.Execute(s)
	if f != nil {
		r.out.all[f.Oracle] = true
		r.out.seen[f.Oracle] = true
	}
	return f
}

func (r *chainRecorder) Finish() *engine.Finding {
	f := r.World.Finish()
	log := deephash.Hash(r.World.GuestLog())
	r.out.all[fmt.Sprintf("%s %x %x", findingOracle(f), r.World.CanonicalStateHash(), log)] = true
	r.out.seen[fmt.Sprintf("%s %x", findingOracle(f), log)] = true
	return f
}

// TestStateHash_InputChainSameOutcomes: a world whose members are devices
// behind the device protocol (served in-process) hashes each by the chain
// of its inputs (member.InputChained), and dfs with state pruning then
// reaches exactly the outcomes of the same search without it — with the
// reference device and with devices with a planted bug (conformance/
// mutants), whose findings are outcomes — and the outcomes the in-process
// device reaches. It prunes, though less than the in-process device,
// whose hash is its state rather than its history.
func TestStateHash_InputChainSameOutcomes(t *testing.T) {
	type row struct {
		scenario string
		edition  spec.Edition
		mutant   string // "" for the reference device
		net      bool   // a virtio-net row
		bound    int
		// finding is the oracle of a finding the row must reach ("" for
		// none).
		finding string
	}
	rows := []row{
		{"resize-in-stop-only", spec.Draft2023, "loses-held-config-irq", false, 2, "transparent"},
		{"rollback-after-failed-destination", spec.Draft2023, "acks-stop-keeps-pipeline", false, 1, "no-dma-when-stopped"},
		{"resize-in-stop-only", spec.Draft2023, "", false, 2, ""},
		{"reset-racing-stop", spec.Draft2023, "", false, 1, ""},
		// virtio-net: the port and the link, which the device's account
		// changes, are hashed as shared state beside the chain.
		{"net-link-while-stopped", spec.Virtio14, "", true, 0, ""},
		{"net-mac-table-before-stop", spec.Virtio14, "forgets-mac-table-on-restore", true, 0, "transparent"},
	}
	if testing.Short() {
		// The race detector's run (.ci/run's race step): a blk row and a
		// net row, each with a planted bug whose finding both searches
		// must reach, served over the same pipes as every row. The blk
		// resize row (bound 2) cost there about as much as these two
		// together (13 s against 8 and 4 on one machine).
		rows = []row{rows[1], rows[5]}
	}
	for _, r := range rows {
		t.Run(fmt.Sprintf("%s/%s/%s", r.scenario, r.edition, r.mutant), func(t *testing.T) {
			inner := member.Factory(blk.New)
			if r.net {
				inner = membernet.New
			}
			if r.mutant != "" {
				m, ok := mutants.Lookup(r.mutant)
				require.True(t, ok, r.mutant)
				inner = m.Factory(inner)
			}
			s, err := catalog.CatalogScenario(r.scenario)
			require.NoError(t, err)
			explore := func(name string, f member.Factory, states bool) (chainOutcomes, engine.Summary) {
				tg, err := catalog.NewTarget(s, r.edition, nil, nil)
				require.NoError(t, err)
				if r.net {
					tg.NetMember = f
				} else {
					tg.Member = f
				}
				wf, err := tg.Factory(engine.ScheduleSeed(1, 0))
				require.NoError(t, err)
				out := chainOutcomes{all: outcomeSet{}, seen: outcomeSet{}}
				rec := func(st engine.Streams) (engine.System, error) {
					sys, err := wf(st)
					if err != nil {
						return nil, err
					}
					w := sys.(*world.World)
					w.StateHash() // keep the actors' chains with or without pruning
					return &chainRecorder{World: w, out: out}, nil
				}
				sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: rec, Strategy: engine.StrategyDFS,
					Bound: r.bound, Reduction: engine.ReductionSleep, States: states, Schedules: 1 << 30, Jobs: 1,
					MaxSteps: catalog.DefaultJudgeMaxSteps})
				require.NoError(t, err)
				require.True(t, sum.Complete, "%s: the space was not exhausted", name)
				t.Logf("%s: %d complete runs, %d ended at states already explored", name, sum.Schedules, sum.StateHits)
				return out, sum
			}
			served := servedFactory(t, inner, r.net)
			without, _ := explore("served, without state pruning", served, false)
			with, sum := explore("served, with state pruning", served, true)
			builtin, _ := explore("in-process, with state pruning", inner, true)
			assert.Equal(t, sorted(without.all), sorted(with.all), "state pruning by the input chain reaches other outcomes")
			assert.Equal(t, sorted(builtin.seen), sorted(with.seen), "the served device reaches other outcomes than in-process")
			assert.Positive(t, sum.StateHits, "the input chain merges states")
			if r.finding != "" {
				assert.True(t, slices.ContainsFunc(sorted(with.seen), func(o string) bool { return strings.HasPrefix(o, r.finding) }),
					"the planted bug is found (%s): %v", r.finding, sorted(with.seen))
			}
		})
	}
}
