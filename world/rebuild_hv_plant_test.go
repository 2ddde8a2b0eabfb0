package world_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/hv"
)

// A planted bug in the rebuilt hypervisor's code: its world (the
// Recorder) seen through a wrapper that makes one call differently. The
// step labels stay the original's, so only the record's check of the call
// itself can notice.
type plantedWorld struct {
	hv.World
	plant string
}

// otherHost is a host with another index: the rebuilt code addresses
// another host than the original did.
type otherHost struct{ hv.Host }

func (o otherHost) Index() int { return o.Host.Index() ^ 1 }

func (p plantedWorld) Deliver(h hv.Host, t owner.Target, ev member.Event, who string) []byte {
	if p.plant == "Deliver" {
		ev.TLP.Requester ^= 0x100
	}
	return p.World.Deliver(h, t, ev, who)
}

func (p plantedWorld) HostMem(h hv.Host) pcie.MemoryPort {
	m := p.World.HostMem(h)
	if p.plant == "WriteMem" {
		return flippedWrites{m}
	}
	return m
}

// flippedWrites writes data with its first byte's low bit flipped.
type flippedWrites struct{ pcie.MemoryPort }

func (f flippedWrites) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	d := append([]byte(nil), data...)
	if len(d) > 0 {
		d[0] ^= 1
	}
	return f.MemoryPort.WriteMem(rid, addr, d)
}

func (p plantedWorld) DriverObserver(h hv.Host) owner.DriverObserver {
	return plantedObserver{p.World.DriverObserver(h), p.plant}
}

type plantedObserver struct {
	owner.DriverObserver
	plant string
}

func (o plantedObserver) Submitted(seq uint64, c adminq.Command) {
	if o.plant == "Submitted" {
		c.Member++
	}
	o.DriverObserver.Submitted(seq, c)
}

func (o plantedObserver) Received(c adminq.Completion) {
	if o.plant == "Received" {
		c.UsedLen++
	}
	o.DriverObserver.Received(c)
}

func (p plantedWorld) Switchover(h hv.Host) {
	switch p.plant {
	case "Switchover":
		h = otherHost{h}
	case "Switchover twice":
		p.World.Switchover(h)
	}
	p.World.Switchover(h)
}

func (p plantedWorld) CopyMemory(h hv.Host) {
	if p.plant == "CopyMemory" {
		h = otherHost{h}
	}
	p.World.CopyMemory(h)
}

func (p plantedWorld) CopyPCI(from, to hv.Host) {
	if p.plant == "CopyPCI" {
		from, to = to, from
	}
	p.World.CopyPCI(from, to)
}

func (p plantedWorld) Fail(h hv.Host) {
	if p.plant == "Fail" {
		h = otherHost{h}
	}
	p.World.Fail(h)
}

func (p plantedWorld) Resize(sectors uint64) {
	if p.plant == "Resize" {
		sectors++
	}
	p.World.Resize(sectors)
}

func (p plantedWorld) SetHalted(halted bool) {
	if p.plant == "SetHalted" {
		halted = !halted
	}
	p.World.SetHalted(halted)
}

func (p plantedWorld) Signal(name string) {
	switch p.plant {
	case "Signal":
		name += "-planted"
	case "Signal never":
		return
	}
	p.World.Signal(name)
}

func (p plantedWorld) FlowEnd(o hv.FlowOutcome, hosts []hv.HostFlags) {
	if p.plant == "FlowEnd" {
		o.Line++
	}
	p.World.FlowEnd(o, hosts)
}

func (p plantedWorld) Notef(format string, args ...any) {
	if p.plant == "Notef" {
		format += " (planted)"
	}
	p.World.Notef(format, args...)
}

func (p plantedWorld) Observed(v uint64) {
	if p.plant == "Observed" {
		v++
	}
	p.World.Observed(v)
}

// plantRun is one original run of a catalog row, kept for the rebuilds.
type plantRun struct {
	name   string
	build  func() *world.World
	orig   *world.World
	picks  []int
	logLen []int
}

// plantRuns runs every expectation row of the scenarios once, recording.
func plantRuns(t *testing.T, names []string) []*plantRun {
	var out []*plantRun
	for _, sn := range names {
		s, err := catalog.CatalogScenario(sn)
		require.NoError(t, err)
		for _, e := range s.Expect {
			if e.Verdict.String() == "n/a" {
				continue
			}
			tg, err := catalog.NewTarget(s, e.Edition, e.Knobs, nil)
			require.NoError(t, err)
			tg.Settings, tg.RecordActors = e.Settings, true
			seed := engine.ScheduleSeed(1, e.Line)
			f, err := tg.Factory(seed)
			var refErr *catalog.ReferenceError
			if errors.As(err, &refErr) {
				continue
			}
			require.NoError(t, err)
			r := &plantRun{name: fmt.Sprintf("%s line %d", s.Name, e.Line)}
			r.build = func() *world.World {
				sys, err := f(engine.NewStreams(seed))
				require.NoError(t, err, r.name)
				return sys.(*world.World)
			}
			r.orig = r.build()
			run := driveHV(t, r.orig, &r.picks, rand.New(rand.NewPCG(1, uint64(e.Line))), -1, nil)
			r.orig.Close()
			r.logLen = run.logLen
			out = append(out, r)
		}
	}
	return out
}

// TestRebuildHypervisor_PlantedBugs: a rebuilt hypervisor whose code
// makes one call into its world differently from the original (another
// argument or data, twice, not at all), with the same step labels, is
// refused at the entry of its record that holds the call, by a message
// naming the entry, both calls and both arguments. For each plant, the
// rebuild is at the first decision whose record holds the call, on the
// first catalog row that has one (from the start when the record up to
// there holds a checkpoint after the call, which a rebuild from the last
// checkpoint would not replay); the same rebuild without the plant
// succeeds.
func TestRebuildHypervisor_PlantedBugs(t *testing.T) {
	runs := plantRuns(t, []string{"vm-two-guests", "resize-in-stop-only", "rollback-after-failed-destination",
		"compat-precheck-incompatible", "vm-load-fails-rollback", "flr-during-freeze"})
	tests := []struct {
		plant string
		call  string // the call the record holds where the plant shows
		// want matches the refusal: the entry, what the rebuilt code asked
		// for, what the record holds.
		want string
	}{
		{"Deliver", "Deliver", `entry \d+: the rebuilt actor asked for Deliver \(argument 0x[0-9a-f]+\) where its record holds Deliver \(argument 0x[0-9a-f]+\)`},
		{"WriteMem", "WriteMem", `entry \d+: the rebuilt actor asked for WriteMem \(argument 0x[0-9a-f]+\) where its record holds WriteMem`},
		{"Submitted", "Submitted", `entry \d+: the rebuilt actor asked for Submitted \(argument 0x[0-9a-f]+\) where its record holds Submitted`},
		{"Received", "Received", `entry \d+: the rebuilt actor asked for Received \(argument 0x[0-9a-f]+\) where its record holds Received`},
		{"Observed", "Observed", `entry \d+: the rebuilt actor asked for Observed \(argument 0x[0-9a-f]+\) where its record holds Observed`},
		{"Switchover", "Switchover", `entry \d+: the rebuilt actor asked for Switchover \(argument 0x1\) where its record holds Switchover \(argument 0x2\)`},
		{"Switchover twice", "Switchover", `entry \d+: the rebuilt actor asked for Switchover \(argument 0x2\) where its record holds yield`},
		{"CopyMemory", "CopyMemory", `entry \d+: the rebuilt actor asked for CopyMemory \(argument 0x1\) where its record holds CopyMemory \(argument 0x2\)`},
		{"CopyPCI", "CopyPCI", `entry \d+: the rebuilt actor asked for CopyPCI \(argument 0x[0-9a-f]+\) where its record holds CopyPCI`},
		{"Fail", "Fail", `entry \d+: the rebuilt actor asked for Fail \(argument 0x[0-9a-f]+\) where its record holds Fail`},
		{"Resize", "Resize", `entry \d+: the rebuilt actor asked for Resize \(argument 0x[0-9a-f]+\) where its record holds Resize`},
		{"SetHalted", "SetHalted", `entry \d+: the rebuilt actor asked for SetHalted \(argument 0x0\) where its record holds SetHalted \(argument 0x1\)`},
		{"Signal", "Signal", `entry \d+: the rebuilt actor asked for Signal \(argument 0x[0-9a-f]+\) where its record holds Signal`},
		{"Signal never", "Signal", `entry \d+: the rebuilt actor asked for yield \(argument 0x[0-9a-f]+\) where its record holds Signal`},
		{"FlowEnd", "FlowEnd", `entry \d+: the rebuilt actor asked for FlowEnd \(argument 0x[0-9a-f]+\) where its record holds FlowEnd`},
		{"Notef", "Notef", `entry \d+: the rebuilt actor asked for Notef \(argument 0x[0-9a-f]+\) where its record holds Notef`},
	}
	for _, tt := range tests {
		t.Run(tt.plant, func(t *testing.T) {
			for _, r := range runs {
				rec := r.orig.HVRecord()
				at := -1
				for i, e := range rec {
					if hv.CallName(e.Call) == tt.call {
						at = i
						break
					}
				}
				k := -1
				for d, n := range r.logLen {
					if at >= 0 && n > at {
						k = d
						break
					}
				}
				if k < 0 {
					continue
				}
				// A rebuild replays the call only when it comes after the
				// last checkpoint of the record up to decision k (a later
				// decision has later checkpoints); else it boots against
				// the whole record.
				cps := checkpointsIn(rec[:r.logLen[k]])
				fromStart := len(cps) > 0 && cps[len(cps)-1] > at
				rebuild := func(b hv.Rebuild) error {
					b.FromStart = fromStart
					w := r.build()
					defer w.Close()
					var err error
					picks := append([]int(nil), r.picks...)
					driveHV(t, w, &picks, nil, k, func() bool {
						err = w.RebuildHypervisorWith(r.orig, r.logLen[k], b)
						return false
					})
					return err
				}
				require.NoError(t, rebuild(hv.Rebuild{}), "%s: decision %d: without the plant", r.name, k)
				err := rebuild(hv.Rebuild{Code: func(w hv.World) hv.World { return plantedWorld{w, tt.plant} }})
				require.Error(t, err, "%s: decision %d: the planted rebuild is refused", r.name, k)
				require.Regexp(t, regexp.MustCompile(tt.want), err.Error(), r.name)
				t.Logf("%s, decision %d (from the start: %v): %v", r.name, k, fromStart, err)
				return
			}
			t.Fatalf("no run's record holds %s before its last decision", tt.call)
		})
	}
}
