package conformance_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	membernet "github.com/migsim/migsim/member/net"
)

// netScenarios are the virtio-net rows the kit's net test judges.
var netScenarios = []string{"net-rx-while-stopped", "net-mac-table-before-stop", "smoke-migrate"}

// TestNetDevice runs the kit on the reference virtio-net and on a net
// mutant: the reference passes the net rows (and skips the blk ones), the
// requirements of the 0x200 parts pass; the mutant fails the requirement
// of the oracle that catches it.
func TestNetDevice(t *testing.T) {
	rec := conformance.NewRecorder("kit")
	rep := conformance.RunDevice(rec, conformance.NetFactoryDevice("builtin:net", membernet.New), conformance.Short(),
		conformance.Scenarios(netScenarios...), conformance.ReplayDir(t.TempDir()))
	require.NotNil(t, rep)
	assert.False(t, rec.Failed(), "failed: %v", rec.FailedLeaves())
	assert.Empty(t, rep.FailedRequirements())
	u, ok := rep.Unit("smoke-migrate/draft-2023")
	require.True(t, ok)
	assert.Equal(t, "skip", u.Verdict)
	assert.Equal(t, "a virtio-blk row; the device is virtio-net", u.Reason)
	for _, id := range []string{"NET-PART-01", "NET-DEV-07"} {
		i := slices.IndexFunc(rep.Requirements, func(r conformance.RequirementResult) bool { return r.ID == id })
		require.GreaterOrEqual(t, i, 0, id)
		assert.Equal(t, "pass", rep.Requirements[i].Verdict, id)
	}

	m, ok := mutants.Lookup("dma-rx-while-stopped")
	require.True(t, ok)
	rec = conformance.NewRecorder("kit")
	rep = conformance.RunDevice(rec, conformance.NetFactoryDevice("builtin:mutant/"+m.Name, m.Factory(membernet.New)),
		conformance.Short(), conformance.Scenarios("net-rx-while-stopped"), conformance.ReplayDir(t.TempDir()))
	require.NotNil(t, rep)
	assert.Subset(t, rep.FailedRequirements(), []string{"DP-DEV-11"})
}
