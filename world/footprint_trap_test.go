package world

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// trapUnderstated is a world whose steps that run the hypervisor's code
// (a vCPU's trapped FLR) are listed with the footprint of what their
// operation alone touches: a planted understatement.
type trapUnderstated struct{ *World }

func (w trapUnderstated) Enabled(buf []engine.Step) []engine.Step {
	out := w.World.Enabled(buf)
	for i := range out {
		s := &out[i]
		if s.ID < 0 || s.ID >= len(w.actors) {
			continue
		}
		a := w.actors[s.ID]
		trapping, trap := a.trapping, a.req.trap
		a.trapping, a.req.trap = false, false
		s.Footprint = w.actorFootprint(s.ID)
		a.trapping, a.req.trap = trapping, trap
	}
	return out
}

// TestFootprintGuard_TrappedFLR: a vCPU's configuration write that starts
// a trapped FLR runs the hypervisor's code in its step, so it declares
// writing everything; the guard catches a footprint that leaves that out.
func TestFootprintGuard_TrappedFLR(t *testing.T) {
	s, err := scenario.ParseScenario("flr-trap.scn", []byte(strings.Replace(flrTrapScenario, "%s", "sleep ms=300\n  precopy src", 1)))
	require.NoError(t, err)
	for _, planted := range []bool{false, true} {
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			w, err := NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14)}, st)
			if planted && err == nil {
				return trapUnderstated{w}, nil
			}
			return w, err
		}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
		require.NoError(t, err)
		require.NotNil(t, res.Finding, "planted=%v", planted)
		if !planted {
			assert.Equal(t, "error:vf-reset", res.Finding.Oracle, res.Finding.Message)
			continue
		}
		assert.Equal(t, engine.OraclePanic, res.Finding.Oracle)
		assert.Contains(t, res.Finding.Message, `footprint of "vcpu0:cfg-write 0x50=`)
		assert.Contains(t, res.Finding.Message, "does not declare the write of everything")
	}
}
