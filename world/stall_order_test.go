package world_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// preferChooser runs a step of the actor whose labels start with prefix
// whenever one is enabled, else the scheduler's default.
type preferChooser struct{ prefix string }

func (c preferChooser) Choose(d *engine.Decision) (int, error) {
	for i, s := range d.Enabled {
		if strings.HasPrefix(s.Label, c.prefix) {
			return i, nil
		}
	}
	return d.Continue(), nil
}

// TestStallReleasesGuestsFirst: a flow that stops the VF under a request
// the guest then waits for, and awaits the guest's signal after that wait,
// stalls; the guest's wait gives up first and signals, so the flow goes on
// whichever actor the schedule prefers, rather than ending in error flow
// when the hypervisor's await happens to run first (docs/scenarios.md,
// "Deadlocks").
func TestStallReleasesGuestsFirst(t *testing.T) {
	for _, tc := range []struct {
		ed         spec.Edition
		stop, undo string
	}{
		{spec.Virtio14, "stopped", "running"},
		{spec.Draft2023, "stop", "active"},
	} {
		src := "scenario stall\nvfs 1\nguest vcpu0\n  probe\n  signal ready\n  await stopped\n  write sector=4 count=4\n  signal done\n" +
			"hypervisor\n  await ready\n  halt-vcpus\n  mode src " + tc.stop + "\n  resume-vcpus\n  signal stopped\n  await done\n" +
			"  halt-vcpus\n  mode src " + tc.undo + "\n  resume-vcpus\n"
		s, err := scenario.ParseScenario("stall.scn", []byte(src))
		require.NoError(t, err)
		for _, prefer := range []string{"hv:", "vcpu0:"} {
			t.Run(tc.ed.String()+"/"+prefer, func(t *testing.T) {
				var w *world.World
				res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
					w, err = world.NewWorld(world.WorldConfig{Scenario: s, Edition: tc.ed, Rules: spec.DefaultRules(tc.ed), Oracles: oracle.All()}, st)
					return w, err
				}, 1, preferChooser{prefer}, engine.RunConfig{MaxSteps: 200000})
				require.NoError(t, err)
				assert.Nil(t, res.Finding, "the flow goes on once the guest gave up its wait")
				o, ok := w.FlowOutcome()
				require.True(t, ok)
				assert.NoError(t, o.Err)
				assert.Contains(t, strings.Join(w.GuestLog(), "\n"), "vcpu0: wait: 1 requests never completed")
			})
		}
	}
}
