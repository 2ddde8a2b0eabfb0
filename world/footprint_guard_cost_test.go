package world_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/por"
)

// vmOfVFs is the target of a VM of n VFs under edition ed, with one guest
// on VF 1 that probes, writes and reads.
func vmOfVFs(t *testing.T, n int, ed spec.Edition) catalog.Target {
	t.Helper()
	src := fmt.Sprintf("scenario vm-%d-vfs\nvfs %d\nset vm-vfs=1-%d\nset obj-limit=%d\n\nguest vcpu0 vf=1\n  probe\n"+
		"  write sector=0 count=2 pattern=0xc1\n  read sector=0 count=2\n", n, n, n, n)
	s, err := catalog.LoadScenario("vm.scn", []byte(src))
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, ed, nil, nil)
	require.NoError(t, err)
	return tg
}

// statusCounter is a pure member that counts the times it is asked for
// its status.
type statusCounter struct {
	member.Device
	n *int
}

func (d statusCounter) PureQueries() {}

func (d statusCounter) Status() member.Status {
	*d.n++
	return d.Device.Status()
}

// The footprint guard of a PF event compares the modes of the members the
// PF handed an event (owner.PF.Reached), not of every member: a VM of n
// VFs has the hypervisor's admin commands, O(n) PF events, each of which
// read every member's status twice, so a run asked O(n²) statuses (a VM
// of 256 VFs spent a fifth of its CPU there). Now the statuses asked per
// step stay the same from 8 VFs to 64; before, they grew fivefold.
func TestFootprintGuard_PFEventCostFollowsTheMembersReached(t *testing.T) {
	perStep := map[int]float64{}
	for _, n := range []int{8, 64} {
		for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
			tg := vmOfVFs(t, n, ed)
			calls := 0
			tg.Member = func(c member.Config) member.Device { return statusCounter{Device: blk.New(c), n: &calls} }
			f, err := tg.Factory(engine.ScheduleSeed(1, 0))
			require.NoError(t, err)
			sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyRandom,
				Schedules: 1, Seed: 1, Jobs: 1, MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err)
			require.Zero(t, sum.Failing, "%s: the VM migrates", ed)
			require.Positive(t, sum.Decisions)
			perStep[n] += float64(calls) / float64(sum.Decisions)
			t.Logf("%s, %d VFs: %d statuses asked in %d steps", ed, n, calls, sum.Decisions)
		}
	}
	assert.Less(t, perStep[64], 1.5*perStep[8], "statuses asked per step, 64 VFs against 8")
}

// groupUnstated is a world whose PF admin steps do not declare writing
// their host's SR-IOV group (por.ClassGroup), whose members' modes a
// DEV_MODE_SET changes.
type groupUnstated struct{ *world.World }

func (w groupUnstated) Enabled(buf []engine.Step) []engine.Step {
	out := w.World.Enabled(buf)
	for i := range out {
		out[i].Footprint = w.StepFootprint(out[i])
	}
	return out
}

func (w groupUnstated) StepFootprint(s engine.Step) engine.Footprint {
	fp := w.World.StepFootprint(s)
	if !strings.Contains(s.Label, ".pf:admin") {
		return fp
	}
	writes := slices.DeleteFunc(slices.Clone(fp.Writes()), func(r engine.Resource) bool {
		return r == por.ResHost(por.ClassGroup, 0) || r == por.ResHost(por.ClassGroup, 1)
	})
	return engine.NewFootprint(fp.Reads(), writes)
}

// holdsAndStops is a pure member that, on VF 5, takes the first admin
// command it is handed and never answers it, but reports itself stopped
// from then on: a PF event that changes a member's mode and completes no
// command, which only the comparison of the members' modes catches.
type holdsAndStops struct {
	member.Device
	vf      int
	stopped *bool
}

func (d holdsAndStops) PureQueries() {}

func (d holdsAndStops) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if d.vf == 5 && ev.Kind == member.EvAdmin && !*d.stopped {
		*d.stopped, fx.Completions = true, nil
	}
	return fx
}

func (d holdsAndStops) Status() member.Status {
	st := d.Device.Status()
	if d.vf == 5 && *d.stopped {
		st.Mode = spec.ModeStop
	}
	return st
}

// The guard that looks only at the members a PF event reached still
// catches an admin step that changes a member's mode without declaring
// the group: VF 5 of a VM of 8, which the guest does not use, takes the
// hypervisor's mode command and stops without answering it.
func TestFootprintGuard_PFEventModeChangeUndeclared(t *testing.T) {
	src := "scenario vm-8-vfs\nvfs 8\nset vm-vfs=1-8\n\nguest vcpu0 vf=1\n  probe\n" +
		"  write sector=0 count=2 pattern=0xc1\n  read sector=0 count=2\nhypervisor\n  mode src stop vf=5\n"
	s, err := catalog.LoadScenario("vm.scn", []byte(src))
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, spec.Draft2023, nil, nil)
	require.NoError(t, err)
	stopped := false
	tg.Member = func(c member.Config) member.Device {
		return holdsAndStops{Device: blk.New(c), vf: c.VF, stopped: &stopped}
	}
	f, err := tg.Factory(engine.ScheduleSeed(1, 0))
	require.NoError(t, err)
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		sys, err := f(st)
		if err != nil {
			return nil, err
		}
		return groupUnstated{sys.(*world.World)}, nil
	}, 1, engine.NewRandom(engine.NewStream(1, engine.StreamSchedule)), engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	require.True(t, stopped, "VF 5 took the command")
	require.NotNil(t, res.Finding)
	assert.Equal(t, engine.OraclePanic, res.Finding.Oracle)
	assert.Contains(t, res.Finding.Message, `footprint of "src.pf:admin`)
	assert.Contains(t, res.Finding.Message, "does not declare the write of host 0's SR-IOV group")
}
