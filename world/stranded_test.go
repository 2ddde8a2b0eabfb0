package world_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// exploreSource runs n random schedules of scenario src under ed with
// every oracle, against its run without migration, and returns every
// finding's oracle and message (one a schedule; "" for none).
func exploreSource(t *testing.T, src string, ed spec.Edition, n int) []engine.Finding {
	t.Helper()
	s, err := scenario.ParseScenario("stranded.scn", []byte(src))
	require.NoError(t, err)
	var ref *world.World
	_, err = engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		ref, err = world.NewWorld(world.WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Reference: true, Oracles: oracle.All()}, st)
		return ref, err
	}, 1, continueChooser{}, engine.RunConfig{MaxSteps: 200000})
	require.NoError(t, err)
	out := make([]engine.Finding, n)
	for i := range out {
		seed := engine.ScheduleSeed(1, i)
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			return world.NewWorld(world.WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), ReferenceLog: ref.GuestLog(), Oracles: oracle.All()}, st)
		}, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{MaxSteps: 200000})
		require.NoError(t, err)
		if res.Finding != nil {
			out[i] = *res.Finding
		}
	}
	return out
}

// TestFlowErrorStrandsAwait: a hypervisor flow that stops with an error
// before it signals a name an actor awaits leaves that actor blocked for
// good. The run ends with the flow's error, the program's doing, not with a
// guest-visible deadlock (live) that reads as a device's, nor, after a
// compatibility check with the vCPUs running, with a transparent finding
// on a log that ends at the await.
func TestFlowErrorStrandsAwait(t *testing.T) {
	cases := []struct {
		name   string
		ed     spec.Edition
		src    string
		oracle string
		msg    string
	}{
		{"guest awaits a reserved mode's refusal", spec.Draft2023, `scenario s
vfs 1
guest vcpu0
  probe
  await moved
  write sector=0 count=2 pattern=0xa1
hypervisor
  mode src 7
  signal moved
`, "error:EINVAL/INVALID_FIELD", "mode: src vf1 → MODE_7"},
		{"guest awaits a failed precheck", spec.Virtio14, `scenario s
vfs 1
queues 9
guest vcpu0
  probe
  await moved
  write sector=0 count=2 pattern=0xa1
hypervisor
  precheck dst
  signal moved
`, "error:incompatible", "param-value num-queues"},
		{"a peer and a guest behind it", spec.Draft2023, `scenario s
vfs 1
guest vcpu0
  probe
  await kicked
  write sector=0 count=2 pattern=0xa1
peer p
  await moved
  kick
  signal kicked
hypervisor
  mode src 7
  signal moved
`, "error:EINVAL/INVALID_FIELD", "MODE_7"},
		{"a refusal the flow expects signals on", spec.Draft2023, `scenario s
vfs 1
guest vcpu0
  probe
  await moved
  write sector=0 count=2 pattern=0xa1
hypervisor
  mode src 7 fails=EINVAL/INVALID_FIELD
  signal moved
`, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for i, f := range exploreSource(t, c.src, c.ed, 20) {
				assert.Equal(t, c.oracle, f.Oracle, "schedule %d: %s", i, f.Message)
				assert.Contains(t, f.Message, c.msg, "schedule %d", i)
			}
		})
	}
}
