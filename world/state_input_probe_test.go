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
	c    member.Config
	// sel and driver follow the driver's writes of queue_select and
	// queue 0's queue_driver (snoop).
	sel    uint16
	driver uint64
}

// probeHashes holds the compiled hasher of the events inputProbe sums,
// shared by every device: a fresh deephash.Hash compiles the walk of
// member.Event again on every call, which was a third of
// TestStateHash_InputChainKeepsDeviceState's time. The hashes are the
// same (a Cache keeps what a hasher would compute again).
var probeHashes = deephash.NewCache(nil)

// Handle first reads queue 0's avail index (virtio spec, "The Virtqueue
// Available Ring") if the device runs with DRIVER_OK, as a device that
// polls its rings would, and does not act on it: what it read is in its
// state (the mem sum) and nowhere else, so two paths on which a driver's
// ring write and another actor's event to the device come in either
// order reach one world state with different device states.
func (p *inputProbe) Handle(ev member.Event) member.Effects {
	h := probeHashes.Hasher()
	p.sums.events = deephash.Mix(p.sums.events, h.Hash(ev))
	p.snoop(ev)
	st := p.Device.Status()
	if p.driver != 0 && st.Mode == spec.ModeActive && st.DeviceStatus&spec.StatusDriverOK != 0 && !st.FLRPending && !st.ResetPending {
		var idx [2]byte
		_ = p.c.Mem.ReadMem(p.c.RID, p.driver+2, idx[:])
	}
	return p.Device.Handle(ev)
}

// snoop follows the driver's writes of queue_select and of queue 0's
// queue_driver in the common configuration (at the start of BAR0).
func (p *inputProbe) snoop(ev member.Event) {
	if ev.Kind != member.EvTLP || ev.TLP.Kind != pcie.MemWrite || ev.TLP.Addr < p.c.BAR0 || ev.TLP.Addr >= p.c.BAR0+spec.CommonCfgSize {
		return
	}
	var v uint64
	for i := len(ev.TLP.Data) - 1; i >= 0; i-- {
		v = v<<8 | uint64(ev.TLP.Data[i])
	}
	switch spec.CommonCfgField(ev.TLP.Addr - p.c.BAR0) {
	case spec.CfgQueueSelect:
		p.sel = uint16(v)
	case spec.CfgQueueDriverLo:
		if p.sel == 0 {
			p.driver = p.driver&^0xffffffff | v&0xffffffff
		}
	case spec.CfgQueueDriverHi:
		if p.sel == 0 {
			p.driver = p.driver&0xffffffff | v<<32
		}
	}
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

// windowSrc is a scenario in which the hypervisor stops the device between
// the driver's ring writes for a request and its kick, or before those
// writes: the device's events are the same on both paths (the driver's
// writes to guest memory are no event; the signals between reach the
// hypervisor only), and so is the world's state once the kick is in, but
// the avail index inputProbe reads at the stop differs.
const windowSrc = `scenario probe-window
title a stop between the driver's ring writes and its kick
vfs 1

guest vcpu0
  probe
  signal probed
  signal posted
  write sector=0 count=1 pattern=0x11

hypervisor edition=draft-2023
  await probed
  mode src stop
  mode src active
`

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
		return &inputProbe{Device: blk.New(c), sums: s, c: c}
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
// other inputs than the one kept shows as a lost outcome: a chain without
// the events loses outcomes on every row, one without the memory data on
// probe-window (windowSrc).
func TestStateHash_InputChainKeepsDeviceState(t *testing.T) {
	type row struct {
		scenario string
		edition  spec.Edition
		bound    int
	}
	rows := []row{
		{"probe-window", spec.Draft2023, 1},
		{"resize-in-stop-only", spec.Draft2023, 1},
		{"reset-racing-stop", spec.Draft2023, 1},
	}
	if testing.Short() {
		rows = rows[:2]
	}
	for _, r := range rows {
		t.Run(fmt.Sprintf("%s/%s", r.scenario, r.edition), func(t *testing.T) {
			var built []*probeSums
			served := servedFactory(t, probeFactory(&built), false)
			s, err := catalog.CatalogScenario(r.scenario)
			if r.scenario == "probe-window" {
				s, err = catalog.LoadScenario(r.scenario, []byte(windowSrc))
			}
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
