package conformance_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
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
	assert.Equal(t, "not for a virtio-net device: a virtio-blk row", u.Reason)
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
	// The access is named with what of the guest's memory it touched:
	// the descriptor table the mutant reads is at the start of
	// receiveq1's ring memory.
	u, ok = rep.Unit("net-rx-while-stopped/virtio-1.4")
	require.True(t, ok)
	require.NotEmpty(t, u.Failures)
	assert.Contains(t, u.Failures[0].Message, "len=16, in the ring memory of queue 0 of guest vcpu0's driver (VF 1), offset 0x0")
}

// TestNetDeviceWithoutControlQueue runs the kit on a virtio-net that
// offers none of the control-queue features: the rows that rely on them
// pass (the guest's commands never reach the device, in both runs), but
// the requirements they would judge are not exercised, with the feature
// the run did not negotiate, and a requirement that needs none still
// passes.
func TestNetDeviceWithoutControlQueue(t *testing.T) {
	strip := spec.Features(spec.FeatureNetCtrlVQ.Mask())
	for _, f := range spec.NetFeatureNeedsCtrlVQ {
		strip |= spec.Features(f.Mask())
	}
	bare := func(c member.Config) member.Device {
		if c.Features == 0 {
			c.Features = membernet.DefaultFeatures
		}
		c.Features &^= strip
		return membernet.New(c)
	}
	rep, err := conformance.Check(conformance.NetFactoryDevice("bare-net", bare), conformance.Short(),
		conformance.Scenarios("net-mac-table-before-stop", "net-mq-pairs-before-migration", "net-link-while-stopped"),
		conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	assert.False(t, rep.Failed())
	u, ok := rep.Unit("net-mac-table-before-stop/virtio-1.4")
	require.True(t, ok)
	assert.Equal(t, "pass", u.Verdict)
	assert.Equal(t, map[string]string{
		"NET-PART-01": "the run did not negotiate VIRTIO_NET_F_CTRL_VQ",
		"NET-PART-02": "the run did not negotiate VIRTIO_NET_F_CTRL_VQ",
		"NET-DEV-06":  "the run did not negotiate VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_RX",
		"NET-DEV-07":  "the run did not negotiate VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_RX",
	}, u.NotExercised)
	for id, want := range map[string]string{
		"NET-PART-01": "not exercised", "NET-PART-03": "not exercised", "NET-DEV-06": "not exercised",
		"NET-DEV-07": "not exercised", "NET-DEV-10": "not exercised", "NET-DRV-02": "not covered",
		"NET-DEV-03": "pass", "DP-DEV-11": "pass",
	} {
		i := slices.IndexFunc(rep.Requirements, func(r conformance.RequirementResult) bool { return r.ID == id })
		require.GreaterOrEqual(t, i, 0, id)
		assert.Equal(t, want, rep.Requirements[i].Verdict, id)
		switch want {
		case "not exercised":
			assert.Contains(t, rep.Requirements[i].Why, "the run did not negotiate VIRTIO_NET_F_CTRL_VQ", id)
		case "not covered": // a driver's requirement, judged on migsim's drivers only
			assert.Contains(t, rep.Requirements[i].Why, "binds the driver", id)
		}
	}
	var text, junit strings.Builder
	require.NoError(t, rep.WriteText(&text))
	assert.Regexp(t, `\d+ not exercised`, text.String())
	assert.Regexp(t, `NET-PART-01 +MUST +Not exercised the run did not negotiate VIRTIO_NET_F_CTRL_VQ\n`, text.String())
	require.NoError(t, rep.WriteJUnit(&junit))
	assert.Contains(t, junit.String(), "not exercised: the run did not negotiate VIRTIO_NET_F_CTRL_VQ")
}

// TestNetDeviceTests runs the device tests on the reference virtio-net:
// every test that needs no virtio-blk request runs and passes (registers,
// FLR, MSI-X, context and parts reads, admin statuses), the others are
// skipped saying why, a requirement only those exercise says it was not
// exercised for a virtio-net device, and the summary counts it as not
// judged for the device.
func TestNetDeviceTests(t *testing.T) {
	rep, err := conformance.Check(conformance.NetFactoryDevice("builtin:net", membernet.New), conformance.Parts(true, false))
	require.NoError(t, err)
	assert.False(t, rep.Failed(), "%v", rep.FailedRequirements())
	verdicts := map[string]string{}
	for _, u := range rep.Units {
		verdicts[u.Name] = u.Verdict
		if u.Verdict == "skip" {
			assert.Equal(t, "not for a virtio-net device: needs virtio-blk requests", u.Reason, u.Name)
		}
	}
	for _, name := range []string{
		"PCI-DEV-02/draft-2023/halves-independent", "PCI-DEV-04/virtio-1.4/masked-vector-held-pending",
		"PCI-DEV-05/draft-2023/flr-resets-msix-table", "DRAFT-CTX-02/draft-2023/incremental-reads",
		"DRAFT-CTX-04/draft-2023/small-buffer-whole-fields", "AVQ-DEV-01/virtio-1.4/parts-get-result-cap",
		"DP-DEV-08/virtio-1.4/failed-set-no-side-effects", "ADM-DEV-03/draft-2023/refused-command-no-side-effects",
		"DRAFT-FRZ-01/draft-2023/doorbell-in-freeze-latched", "DRAFT-STOP-01/draft-2023/no-interrupt-in-stop",
	} {
		assert.Equal(t, "pass", verdicts[name], name)
	}
	for _, name := range []string{"DRAFT-CTX-01/draft-2023/round-trip-mid-workload", "DP-DEV-09/virtio-1.4/stop-writes-back-taken-buffers",
		"DRAFT-FRZ-03/draft-2023/config-write-ignored-in-freeze"} {
		assert.Equal(t, "skip", verdicts[name], name)
	}
	i := slices.IndexFunc(rep.Requirements, func(r conformance.RequirementResult) bool { return r.ID == "DRAFT-FRZ-03" })
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "skip", rep.Requirements[i].Verdict)
	assert.Equal(t, "not for a virtio-net device: needs virtio-blk requests", rep.Requirements[i].Why)
	assert.Positive(t, rep.Judged.ForDevice)
	assert.Equal(t, rep.Judged.Total, rep.Judged.Judged+rep.Judged.ForDevice+rep.Judged.NotExercised+rep.Judged.NotSelected+rep.Judged.NotCovered+rep.Judged.Other)
	var text strings.Builder
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), rep.Judged.String()+"\n")
	assert.Regexp(t, `judged \d+ of 104 requirements; \d+ not judged: \d+ not for this device`, text.String())
	// JUnit's requirements suite skips exactly the requirements not judged
	// (no requirement is warned here).
	var junit strings.Builder
	require.NoError(t, rep.WriteJUnit(&junit))
	assert.Contains(t, junit.String(), fmt.Sprintf(`<testsuite name="requirements" tests="%d" failures="0" errors="0" skipped="%d"`,
		rep.Judged.Total, rep.Judged.Total-rep.Judged.Judged))
}
