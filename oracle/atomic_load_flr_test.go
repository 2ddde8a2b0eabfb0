package oracle_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// flrDuringLoad: the host starts an FLR of the destination VF while the
// hypervisor loads the VM's state into it. Under hold-reply the member
// holds the load's reply until the FLR ends; the FLR moves it to running
// (mode-after-flr=running) and the held load then fails, as it must on a
// running member (DRAFT-CTX-01, DP-DEV-04).
const flrDuringLoad = `scenario flr-during-load
vfs 1
guest vcpu0
  probe
  signal ready
peer host
  await loading
  vf-flr dst vf=1
hypervisor edition=draft-2023
  await ready
  halt-vcpus
  mode src stop
  mode src freeze
  read src
  copy-memory dst
  mode dst freeze
  signal loading
  write dst
  switchover dst
  mode dst active
  resume-vcpus
hypervisor edition=virtio-1.4
  await ready
  halt-vcpus
  mode src stopped
  save src
  copy-memory dst
  mode dst stopped
  signal loading
  load dst
  switchover dst
  mode dst running
  resume-vcpus
`

// TestAtomicLoadFLRDuringLoad: the member's changes come from the FLR, not
// from the rejected load, so atomic-load must not report them. The race
// needs a preemption: the test explores (pct found it at schedule 0
// before the oracle knew of the FLR).
func TestAtomicLoadFLRDuringLoad(t *testing.T) {
	s, err := scenario.ParseScenario("flr-load.scn", []byte(flrDuringLoad))
	require.NoError(t, err)
	for _, ed := range spec.Editions {
		rules, err := spec.ParseRules(ed, nil)
		require.NoError(t, err)
		cfg := world.WorldConfig{Scenario: s, Edition: ed, Rules: rules, Oracles: []observe.Oracle{oracle.AtomicLoad}}
		f := func(st engine.Streams) (engine.System, error) { return world.NewWorld(cfg, st) }
		sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyPCT,
			Schedules: 200, Seed: 1, Jobs: 1, PCTDepth: 3, MaxSteps: 100_000})
		require.NoError(t, err)
		require.Equal(t, 200, sum.Schedules)
		for _, fd := range sum.Findings {
			assert.NotEqual(t, "atomic-load", fd.Finding.Oracle, "%s: %s", ed, fd.Finding.Message)
		}
	}
}
