package world

import (
	"strings"
	"testing"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/vocab"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lazyBus continues the previous actor and takes a lane of the bus only
// when nothing else is enabled: every posted write stays in flight as long
// as the rest of the world allows.
type lazyBus struct{}

func (lazyBus) Choose(d *engine.Decision) (int, error) {
	c := d.Continue()
	if !strings.HasPrefix(d.Enabled[c].Label, "bus.") {
		return c, nil
	}
	for i, s := range d.Enabled {
		if !strings.HasPrefix(s.Label, "bus.") {
			return i, nil
		}
	}
	return c, nil
}

// postedScenario rings a doorbell once the source is stopped; the
// hypervisor halts the vCPUs right after, freezes the VF (draft-2023) and
// reads it, and never resumes it: a write still in flight then lands in
// Freeze.
const postedScenario = `scenario posted
vfs 1
set hv-await=ready
guest vcpu0
  probe
  signal ready
  await go
  submit write sector=0 count=2 pattern=0x51
  signal kicked
  wait
hypervisor
  await ready
  mode src stop
  signal go
  await kicked
  halt-vcpus
  mode src freeze
  read src
`

// TestPostedWrites runs a doorbell that the bus holds as long as it can
// under each bus model: delivered in the vCPU's step (no lane), pushed
// ahead of the hypervisor's freeze by PCIe ordering (the hypervisor is the
// same requester, the root complex), or landing in Freeze when the
// hypervisor's traffic does not order with the guest's.
func TestPostedWrites(t *testing.T) {
	s, err := scenario.ParseScenario("posted.scn", []byte(postedScenario))
	require.NoError(t, err)
	for _, tc := range []struct {
		mode          string
		lanes, landed bool
		pushedByHV    bool
	}{
		{mode: vocab.PostedImmediate},
		{mode: vocab.PostedInFlight, lanes: true, pushedByHV: true},
		{mode: vocab.PostedUnordered, lanes: true, landed: true},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			var w *World
			_, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				var err error
				w, err = NewWorld(WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: spec.DefaultRules(spec.Draft2023),
					Settings: []scenario.Arg{{Key: vocab.SettingPostedWrites, Value: tc.mode}}, Notes: true}, st)
				return w, err
			}, 1, lazyBus{}, engine.RunConfig{MaxSteps: 100000})
			require.NoError(t, err)
			notes := strings.Join(w.Notes(), "\n")
			assert.Equal(t, tc.lanes, len(w.bus.Lanes) > 0, "lanes")
			assert.Equal(t, tc.pushedByHV, strings.Contains(notes, "pushed ahead of hv's"), "pushed by the hypervisor's request:\n%s", notes)
			assert.Equal(t, tc.lanes, strings.Contains(notes, "pushed ahead of vcpu0's MRd"), "a read pushes the vCPU's own writes")
			assert.Equal(t, tc.landed, strings.Contains(notes, "landed on src.vf1 after the hypervisor froze it"), notes)
			assert.Equal(t, tc.landed, strings.Contains(w.blame, "with a posted write in flight"), w.blame)
			assert.True(t, w.lanesIdle(), "every write was delivered")
		})
	}
}
