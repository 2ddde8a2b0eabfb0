package world_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// probeSums is what a probed device read, kind by kind: a hash of the
// configuration it was built with (the `new` line), a chain of the events
// it handled, of the data of its memory reads (mem-data) and of the
// answers to its disk requests (disk-data, disk-done). Each is a function
// of the lines the kit sent the device, so two states whose input chains
// (member.InputChained) are equal have equal sums; a chain that left one
// kind of line out could merge two states whose sums of that kind differ.
type probeSums struct{ config, events, mem, disk uint64 }

// inputProbe is the reference virtio-blk device recording probeSums as
// it reads. It is served through the device protocol, so its sums live
// where the world cannot hash them, as any external device's state does;
// the test reads them directly at the end of each run.
type inputProbe struct {
	member.Device
	sums *probeSums
}

func (p *inputProbe) Handle(ev member.Event) member.Effects {
	p.sums.events = deephash.Mix(p.sums.events, deephash.Hash(ev))
	return p.Device.Handle(ev)
}

// probeMem adds the data of every memory read to the mem sum.
type probeMem struct {
	pcie.MemoryPort
	sums *probeSums
}

func (m probeMem) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	err := m.MemoryPort.ReadMem(rid, addr, buf)
	m.sums.mem = deephash.Bytes(deephash.Mix(m.sums.mem, probeBit(err == nil)), buf)
	return err
}

// probeDisk adds the answers to disk reads and writes to the disk sum.
type probeDisk struct {
	blk.Storage
	sums *probeSums
}

func (d probeDisk) Read(sector uint64, n int) ([]byte, error) {
	b, err := d.Storage.Read(sector, n)
	d.sums.disk = deephash.Bytes(deephash.Mix(d.sums.disk, probeBit(err == nil)), b)
	return b, err
}

func (d probeDisk) Write(sector uint64, data []byte) error {
	err := d.Storage.Write(sector, data)
	d.sums.disk = deephash.Mix(d.sums.disk, probeBit(err == nil))
	return err
}

func probeBit(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// probeFactory builds reference virtio-blk devices wrapped in inputProbe
// and appends their sums to *built, in the order they were built.
func probeFactory(built *[]*probeSums) member.Factory {
	return func(c member.Config) member.Device {
		s := &probeSums{}
		bare := c
		bare.Mem, bare.Backing = nil, nil
		s.config = deephash.Hash(bare)
		if st, ok := c.Backing.(blk.Storage); ok {
			s.config = deephash.String(deephash.Mix(s.config, st.Capacity()), st.Serial())
			c.Backing = probeDisk{st, s}
		}
		c.Mem = probeMem{c.Mem, s}
		*built = append(*built, s)
		return &inputProbe{Device: blk.New(c), sums: s}
	}
}

// probeRecorder records how each run ended: its finding (or none), the
// end state's hash, the guest's log and the sums of every device the run
// built, which stand for the devices' own end states.
type probeRecorder struct {
	*world.World
	built *[]*probeSums
	out   outcomeSet
}

func (r *probeRecorder) end(f *engine.Finding, what string) {
	o := fmt.Sprintf("%s %s %x %x", what, findingOracle(f), r.World.CanonicalStateHash(), deephash.Hash(r.World.GuestLog()))
	for i, s := range *r.built {
		o += fmt.Sprintf(" dev%d{config %x events %x mem %x disk %x}", i, s.config, s.events, s.mem, s.disk)
	}
	r.out[o] = true
}

func (r *probeRecorder) Execute(s engine.Step) *engine.Finding {
	f := r.World.Execute(s)
	if f != nil {
		r.end(f, "finding")
	}
	return f
}

func (r *probeRecorder) Finish() *engine.Finding {
	f := r.World.Finish()
	r.end(f, "end")
	return f
}

// TestStateHash_InputChainKeepsDeviceState: dfs with state pruning by the
// input chain of devices served through the device protocol reaches the
// same outcomes as without pruning, where an outcome holds the devices'
// own end states (probeSums) beside the world's. Findings and the world's
// state alone cannot tell a chain that leaves inputs out:
// TestStateHash_InputChainSameOutcomes passes with one that leaves out
// the events, since no row it runs has two paths that differ only in
// what a device read and then end differently. Here any two such paths
// end with different device states, so a pruned state whose device read
// other inputs than the one kept shows as a lost outcome.
func TestStateHash_InputChainKeepsDeviceState(t *testing.T) {
	type row struct {
		scenario string
		edition  spec.Edition
		bound    int
	}
	rows := []row{
		{"resize-in-stop-only", spec.Draft2023, 1},
		{"reset-racing-stop", spec.Draft2023, 1},
	}
	if testing.Short() {
		rows = rows[:1]
	}
	for _, r := range rows {
		t.Run(fmt.Sprintf("%s/%s", r.scenario, r.edition), func(t *testing.T) {
			var built []*probeSums
			served := servedFactory(t, probeFactory(&built), false)
			s, err := catalog.CatalogScenario(r.scenario)
			require.NoError(t, err)
			explore := func(states bool) (outcomeSet, engine.Summary) {
				tg, err := catalog.NewTarget(s, r.edition, nil, nil)
				require.NoError(t, err)
				tg.Member = served
				wf, err := tg.Factory(engine.ScheduleSeed(1, 0))
				require.NoError(t, err)
				out := outcomeSet{}
				rec := func(st engine.Streams) (engine.System, error) {
					built = built[:0] // runs are sequential (Jobs: 1)
					sys, err := wf(st)
					if err != nil {
						return nil, err
					}
					w := sys.(*world.World)
					w.StateHash() // keep the actors' chains with or without pruning
					return &probeRecorder{World: w, built: &built, out: out}, nil
				}
				sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: rec, Strategy: engine.StrategyDFS,
					Bound: r.bound, Reduction: engine.ReductionSleep, States: states, Schedules: 1 << 30, Jobs: 1,
					MaxSteps: catalog.DefaultJudgeMaxSteps})
				require.NoError(t, err)
				require.True(t, sum.Complete, "states=%v: the space was not exhausted", states)
				t.Logf("states=%v: %d complete runs, %d ended at states already explored, %d outcomes", states, sum.Schedules, sum.StateHits, len(out))
				return out, sum
			}
			without, _ := explore(false)
			with, sum := explore(true)
			assert.Equal(t, sorted(without), sorted(with), "state pruning by the input chain loses device states")
			assert.Positive(t, sum.StateHits, "the input chain merges states")
			assert.NotEmpty(t, built, "the runs built served devices")
		})
	}
}
