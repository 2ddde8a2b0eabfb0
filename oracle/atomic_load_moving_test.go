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

// TestAtomicLoadMemberMovingByItself: a context write the device rightly
// refuses (DEV_CTX_WRITE outside Freeze, DRAFT-CTX-01) on a member that
// changes by itself meanwhile is no rejected load that changed the member:
// running, it serves the guest's requests; stopped, it latches the
// guest's doorbells (DRAFT-STOP-03). atomic-load must not blame the device
// for either; before it knew, pct found both at the first schedules.
func TestAtomicLoadMemberMovingByItself(t *testing.T) {
	cases := []struct {
		name, guest, flow string
		race              func(p *observe.LoadPass) bool
	}{
		{"running", "  submit write sector=0 count=2 pattern=0xa1\n  submit write sector=2 count=2 pattern=0xa2\n",
			"  write src fails=EINVAL/INVALID_FIELD\n",
			func(p *observe.LoadPass) bool { return p.Running && p.After != p.Before }},
		{"stopped", "  await stopped\n  submit write sector=0 count=2 pattern=0xa1\n  submit write sector=2 count=2 pattern=0xa2\n",
			"  mode src stop\n  signal stopped\n  write src fails=EINVAL/INVALID_FIELD\n  write src fails=EINVAL/INVALID_FIELD\n",
			func(p *observe.LoadPass) bool { return !p.Running && p.Written && p.After != p.Before }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			scn := "scenario moving\nvfs 1\nguest vcpu0\n  probe\n  signal go\n" + c.guest + "hypervisor\n  await go\n" + c.flow
			hits := 0
			probe := raceProbe{hits: &hits, load: c.race}
			for _, fd := range exploreOne(t, scn, spec.Draft2023, nil, oracle.AtomicLoad, probe, 100, engine.StrategyPCT)[engine.StrategyPCT] {
				assert.NotEqual(t, "atomic-load", fd.Oracle, fd.Message)
			}
			require.Positive(t, hits, "the exploration reached a refused write while the member changed by itself")
		})
	}
}
