package world_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// hashEveryStep is a world that tracks its state from the start and is
// hashed after every step, as a dfs search with state pruning hashes it.
type hashEveryStep struct {
	*world.World
	t *testing.T
}

func (w *hashEveryStep) Execute(s engine.Step) *engine.Finding {
	f := w.World.Execute(s)
	w.hash()
	return f
}

func (w *hashEveryStep) hash() {
	_, ok := w.StateHash()
	require.True(w.t, ok, "the world hashes its state")
}

// A state hash after an event of the PF rehashes the members the PF handed
// an event (owner.PF.Touched), not every member: a VM of n VFs has O(n)
// admin commands, each a PF event, and the next state key rehashed all n
// members after each, O(n²) a run (18% of a 256-VF run's CPU). The members
// hashed per step now stay about the same from 8 VFs to 64; before, they
// grew with the VFs.
func TestStateHash_PFEventRehashesTheMembersReached(t *testing.T) {
	perStep := map[int]float64{}
	for _, n := range []int{8, 64} {
		for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
			f, err := vmOfVFs(t, n, ed).Factory(engine.ScheduleSeed(1, 0))
			require.NoError(t, err)
			var w *hashEveryStep
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				sys, err := f(st)
				if err != nil {
					return nil, err
				}
				w = &hashEveryStep{World: sys.(*world.World), t: t}
				w.TrackState()
				return w, nil
			}, 1, engine.NewRandom(engine.NewStream(1, engine.StreamSchedule)), engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err)
			require.Nil(t, res.Finding, "%s: the VM migrates", ed)
			steps := len(res.Choices)
			require.Positive(t, steps)
			hashed := w.MembersHashedForTest()
			require.GreaterOrEqual(t, hashed, n, "%s: every member was hashed at least once", ed)
			perStep[n] += float64(hashed) / float64(steps)
			t.Logf("%s, %d VFs: %d members hashed in %d steps", ed, n, hashed, steps)
		}
	}
	assert.Less(t, perStep[64], 1.5*perStep[8], "members hashed per step, 64 VFs against 8")
}
