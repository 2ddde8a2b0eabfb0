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
// "as for guests"), and does not give up when the run stalls. The
// acyclic order of the same program completes.
func TestAwaitCycleIsDeadlock(t *testing.T) {
	for _, tc := range []struct {
		name, other string
		cycle       bool
	}{
		{"guest-guest cycle", "guest b\n  await x\n  signal y\n", true},
		{"guest-peer cycle", "peer dev\n  await x\n  signal y\n", true},
		{"guest-peer in order", "peer dev\n  signal y\n  await x\n", false},
		{"guest-guest in order", "guest b\n  signal y\n  await x\n", false},
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
		}
	}
}
