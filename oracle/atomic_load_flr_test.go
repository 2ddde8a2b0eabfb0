package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
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
	for _, ed := range spec.Editions {
		hits := 0
		probe := raceProbe{hits: &hits, load: func(p *observe.LoadPass) bool { return p.Reset && p.After != p.Before }}
		for _, fd := range exploreOne(t, flrDuringLoad, ed, nil, oracle.AtomicLoad, probe, 200, engine.StrategyPCT)[engine.StrategyPCT] {
			assert.NotEqual(t, "atomic-load", fd.Oracle, "%s: %s", ed, fd.Message)
		}
		require.Positive(t, hits, "%s: the exploration reached the race: a load rejected while an FLR changed the member", ed)
	}
}
