package catalog

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

// The findings of the seed questions say what a reviewer needs: who is to
// blame, what vanished, which command failed.
func TestQuestionsFindingMessages(t *testing.T) {
	cases := []struct {
		name     string
		scenario string
		ed       spec.Edition
		knobs    []string
		oracle   string
		contains []string
	}{
		{"DRAFT-FLOW-02 blamed on the hypervisor", "freeze-without-halting-vcpus", spec.Draft2023, nil, "transparent",
			[]string{"blamed on the hypervisor", "froze src.vf1 without halting the vCPUs"}},
		{"virtio-1.4 blamed on the hypervisor", "freeze-without-halting-vcpus", spec.Virtio14, nil, "transparent",
			[]string{"blamed on the hypervisor", "stopped src.vf1 without halting the vCPUs"}},
		{"ADM-DRV-05 every VF gone", "pf-flr-with-admin-outstanding", spec.Draft2023, nil, "error:owner-reset",
			[]string{"every VF of host src is gone"}},
		{"ADM-DRV-05 every VF gone, the held DEV_MODE_SET of 1.4", "pf-flr-with-admin-outstanding", spec.Virtio14, nil, "error:owner-reset",
			[]string{"every VF of host src is gone", "RUNNING -> RUNNING_P2P", "DEV_MODE_SET"}},
		{"DRAFT-MODE-03 strict chain names the command", "active-to-freeze-on-destination", spec.Draft2023, []string{"transitions=strict-chain"},
			"error:EINVAL/INVALID_FIELD", []string{"dst vf1 → Freeze", "DEV_MODE_SET"}},
		{"DRAFT-FRZ-01 lost peer kick", "peer-kick-frozen-no-stop", spec.Draft2023, nil, "transparent",
			[]string{"never completed"}},
		{"question 8 spec gap: capacity the guest believes", "capacity-change-while-stopped", spec.Virtio14,
			[]string{"resume-config-notify=held-only"}, "transparent", []string{"final: capacity=2048", "capacity=4096"}},
		{"reply-on-start: the reset no part carries", "reset-racing-stop", spec.Virtio14, []string{"reset-vs-mode=reply-on-start"},
			"transparent", []string{"device_status never read 0"}},
		{"DRAFT-PCI-01 against DRAFT-FRZ-02: the common configuration changes in Freeze", "common-config-write-in-freeze",
			spec.Draft2023, nil, "frozen-context", []string{"PCI_COMMON_CFG"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := CatalogScenario(c.scenario)
			require.NoError(t, err)
			var e *scenario.Expectation
			for i := range s.Expect {
				x := &s.Expect[i]
				if x.Edition == c.ed && len(x.Knobs) == len(c.knobs) && (len(c.knobs) == 0 || x.Knobs[0] == c.knobs[0]) {
					e = x
				}
			}
			require.NotNil(t, e, "no expectation for %s %v", c.ed, c.knobs)
			var fd *engine.Finding
			if testing.Short() {
				// The race detector's budget: the row's regression schedule
				// ends in the finding the judge shrinks to.
				fd = regressFinding(t, s, *e)
			} else {
				fd = judgedRow(t, s, *e).Finding // judged once with TestQuestionsCatalog
			}
			require.NotNil(t, fd)
			assert.Equal(t, c.oracle, fd.Oracle)
			for _, sub := range c.contains {
				assert.Contains(t, fd.Message, sub)
			}
		})
	}
}

// A flow that stops with an error while the vCPUs are halted ends the run
// with that named error, not a hang: nobody will resume the vCPUs.
func TestWorldFlowErrorWithHaltedVCPUsIsNotAHang(t *testing.T) {
	s, err := scenario.ParseScenario("halted.scn", []byte(`scenario halted
vfs 1
guest vcpu0
  probe
  signal ready
  write sector=0 count=1
hypervisor
  await ready
  halt-vcpus
  mode src bogus
`))
	require.NoError(t, err)
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		return world.NewWorld(world.WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: spec.DefaultRules(spec.Draft2023), Oracles: oracle.All()}, st)
	}, 1, continueChooser{}, engine.RunConfig{MaxSteps: 100000})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.Equal(t, "error:flow", res.Finding.Oracle)
	assert.Contains(t, res.Finding.Message, `mode: MODE "bogus": want one of active, stop, freeze`)
}
