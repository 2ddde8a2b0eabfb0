package world

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// TestAwaitCycleIsDeadlock: two actors each awaiting what the other
// signals only after its own await is a deadlock the engine reports as
// live, whether the second actor is a guest or a peer: a peer's await
// waits for its signal exactly as a guest's does (docs/scenarios.md,
// "as for guests"), and does not give up when the run stalls; the finding
// names each blocked actor, where and what it awaits. The acyclic order of
// the same program completes.
func TestAwaitCycleIsDeadlock(t *testing.T) {
	for _, tc := range []struct {
		name, other string
		cycle       bool
		other8      string // the other actor as the deadlock names it
	}{
		{"guest-guest cycle", "guest b\n  await x\n  signal y\n", true, "guest b"},
		{"guest-peer cycle", "peer dev\n  await x\n  signal y\n", true, "peer dev"},
		{"guest-peer in order", "peer dev\n  signal y\n  await x\n", false, ""},
		{"guest-guest in order", "guest b\n  signal y\n  await x\n", false, ""},
	} {
		src := "scenario cycle\nvfs 2\nguest a\n  probe\n  await y\n  signal x\n" + tc.other
		s, err := scenario.ParseScenario("cycle.scn", []byte(src))
		require.NoError(t, err, tc.name)
		for _, ed := range spec.Editions {
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				return NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Reference: true}, st)
			}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
			require.NoError(t, err, tc.name)
			if !tc.cycle {
				assert.Nil(t, res.Finding, "%s %s", tc.name, ed)
				continue
			}
			require.NotNil(t, res.Finding, "%s %s: the cycle must be reported", tc.name, ed)
			assert.Equal(t, "live", res.Finding.Oracle, "%s %s: %s", tc.name, ed, res.Finding.Message)
			// The message names each blocked actor, its line and its await.
			assert.Equal(t, "deadlock: nothing enabled, no timer pending, system not done: guest a blocked at cycle.scn:5 (await y); "+
				tc.other8+" blocked at cycle.scn:8 (await x)", res.Finding.Message, "%s %s", tc.name, ed)
		}
	}
}

// TestStalledNamesHaltedGuest: a hypervisor flow that halts the vCPUs and
// never resumes them leaves the guest halted: the deadlock names it as
// halted by the hypervisor, with where its program stands.
func TestStalledNamesHaltedGuest(t *testing.T) {
	src := "scenario halted\nvfs 1\nguest vcpu0\n  probe\n  signal ready\npeer p\n  await ready\nhypervisor\n  halt-vcpus\n"
	s, err := scenario.ParseScenario("halted.scn", []byte(src))
	require.NoError(t, err)
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		return NewWorld(WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: spec.DefaultRules(spec.Draft2023)}, st)
	}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.Equal(t, "live", res.Finding.Oracle, res.Finding.Message)
	assert.Regexp(t, `^deadlock: nothing enabled, no timer pending, system not done: guest vcpu0 halted by the hypervisor at (halted\.scn:[45] \(\S.*\)|the end of its program in halted\.scn \(waiting for the other actors to finish\))`, res.Finding.Message)
}
