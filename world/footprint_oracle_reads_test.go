package world

import (
	"context"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// lateDMA is a planted member bug: it holds its reply to the command that
// quiesces it for one internal step of its own, and in the step after
// that reads guest memory. The read is a violation (no-dma-when-stopped)
// only when the host has read the stop's completion before it, so the
// verdict depends on the order of the member's step and the hypervisor's
// step that reads the completion, which the member's own step enabled.
type lateDMA struct {
	member.Device
	c     member.Config
	held  []member.AdminCompletion
	stage int
}

// The planted steps: queues no blk device has.
var (
	lateReply = member.Step{Kind: member.StepFetch, Queue: 6}
	lateRead  = member.Step{Kind: member.StepFetch, Queue: 7}
)

func (d *lateDMA) Handle(ev member.Event) member.Effects {
	switch {
	case ev.Kind == member.EvStep && ev.Step == lateReply && d.stage == 1:
		d.stage = 2
		fx := member.Effects{Completions: d.held, Steps: []member.Step{lateRead}}
		d.held = nil
		return fx
	case ev.Kind == member.EvStep && ev.Step == lateRead && d.stage == 2:
		d.stage = 3
		var b [4]byte
		_ = d.c.Mem.ReadMem(d.c.RID, 0x1000, b[:])
		return member.Effects{}
	}
	was := d.Status().Mode.Quiesced()
	fx := d.Device.Handle(ev)
	if d.stage == 0 && !was && d.Status().Mode.Quiesced() && len(fx.Completions) > 0 {
		d.stage, d.held, fx.Completions = 1, fx.Completions, nil
		fx.Steps = append(fx.Steps, lateReply)
	}
	return fx
}

// lateDMAScenario stops VF 2, which no guest drives, so that nothing after
// the hypervisor's read of the completion touches the member: a step of
// the member that sleeps there (sleep sets) is never woken.
const lateDMAScenario = `scenario late-dma
vfs 2
guest vcpu0 vf=1
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  await stopped
hypervisor edition=draft-2023
  await ready
  mode src stop vf=2
  signal stopped
hypervisor edition=virtio-1.4
  await ready
  mode src stopped vf=2
  signal stopped
`

// lateDMAWorlds builds worlds of lateDMAScenario under ed with every
// oracle; planted puts lateDMA on every member.
func lateDMAWorlds(t *testing.T, ed spec.Edition, planted bool) engine.Factory {
	t.Helper()
	s, err := scenario.ParseScenario("late-dma.scn", []byte(lateDMAScenario))
	require.NoError(t, err)
	cfg := WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Oracles: oracle.All()}
	if planted {
		cfg.Factory = func(c member.Config) member.Device { return &lateDMA{Device: blk.New(c), c: c} }
	}
	return func(st engine.Streams) (engine.System, error) { return NewWorld(cfg, st) }
}

// TestFootprints_OracleReadsOfTheRecord: the event oracles judge a
// member's step (its memory accesses, its interrupts, the mode it reports)
// against the host's record of the member, so a member's step reads that
// record, and the hypervisor's steps, which change it, do not commute with
// it. When member steps did not declare it, sleep sets and DPOR, without a
// preemption bound, explored only the order in which lateDMA's read came
// before the host knew of the stop, and found nothing (virtio-1.4); every
// reduction must find what exploring without one finds.
func TestFootprints_OracleReadsOfTheRecord(t *testing.T) {
	type red struct {
		name   string
		r      engine.Reduction
		states bool
	}
	reds := []red{{"none", engine.ReductionNone, false}, {"sleep", engine.ReductionSleep, false},
		{"dpor", engine.ReductionDPOR, false}, {"sleep+states", engine.ReductionSleep, true}}
	for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
		f := lateDMAWorlds(t, ed, true)
		for _, bound := range []int{-1, 2} {
			var want []string
			for _, r := range reds {
				sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyDFS,
					Bound: bound, Reduction: r.r, States: r.states, Schedules: 10_000, Seed: 1, Jobs: 1, MaxSteps: 100_000})
				require.NoError(t, err)
				require.Less(t, sum.Schedules, 10_000, "%s bound %d %s: exhausted", ed, bound, r.name)
				var got []string
				for _, rep := range sum.Findings {
					if !slices.Contains(got, rep.Finding.Oracle) {
						got = append(got, rep.Finding.Oracle)
					}
				}
				slices.Sort(got)
				if r.r == engine.ReductionNone {
					want = got
					require.Equal(t, []string{"no-dma-when-stopped"}, want, "%s bound %d: the planted bug is found without reduction", ed, bound)
					continue
				}
				assert.Equal(t, want, got, "%s bound %d: %s (%d runs) finds what exploring without a reduction finds", ed, bound, r.name, sum.Schedules)
			}
		}
	}
}

// recordUnread is a world whose member steps leave the host's record of
// its members out of their footprints, as they once did.
type recordUnread struct{ *World }

func (w recordUnread) Enabled(buf []engine.Step) []engine.Step {
	out := w.World.Enabled(buf)
	for i := range out {
		out[i].Footprint = w.StepFootprint(out[i])
	}
	return out
}

func (w recordUnread) StepFootprint(s engine.Step) engine.Footprint {
	fp := w.World.StepFootprint(s)
	if s.ID < len(w.actors) || !w.lanesIdle() {
		return fp // an actor's step, or every step while a write is in flight
	}
	reads := slices.DeleteFunc(slices.Clone(fp.Reads()), func(r engine.Resource) bool {
		class, _, _ := por.Split(r)
		return class == por.ClassTruth
	})
	return engine.NewFootprint(reads, fp.Writes())
}

// TestFootprintGuard_OracleReadsOfTheRecord: an event oracle's read of the
// host's record during a step (observe.World.OwnerView) is a read the
// step's footprint must declare; the guard stops a member step whose
// footprint leaves it out. The world without the plant finds nothing.
func TestFootprintGuard_OracleReadsOfTheRecord(t *testing.T) {
	for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
		f := lateDMAWorlds(t, ed, false)
		for _, planted := range []bool{false, true} {
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				sys, err := f(st)
				if planted && err == nil {
					return recordUnread{sys.(*World)}, nil
				}
				return sys, err
			}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200_000})
			require.NoError(t, err)
			if !planted {
				assert.Nil(t, res.Finding, "%s", ed)
				continue
			}
			require.NotNil(t, res.Finding, "%s: planted", ed)
			assert.Equal(t, engine.OraclePanic, res.Finding.Oracle, res.Finding.Message)
			assert.Contains(t, res.Finding.Message, `footprint of "src.vf1:`)
			assert.Contains(t, res.Finding.Message, "does not declare the read of host 0's record of its members")
		}
	}
}
