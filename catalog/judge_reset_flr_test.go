package catalog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// resetDuringHostFLRScenario: the guest writes device_status 0 while the
// host FLRs its VF (a peer's vf-flr). The function answers all ones for the
// FLR's 100 ms and then reads 0, so the guest's reset, which polls as
// Linux's vp_reset (drivers/virtio/virtio_pci_modern.c) does, waits the FLR out: nothing fails, with or
// without migration.
const resetDuringHostFLRScenario = `scenario reset-during-host-flr
vfs 1
queues 1

guest vcpu0
  probe
  signal ready
  await flr-started
  reset
  probe
  write sector=0 count=1 pattern=0x33

peer host
  await ready
  vf-flr src vf=1
  signal flr-started

hypervisor
  precheck dst

expect draft-2023 pass
expect virtio-1.4 pass
explore strategy=random schedules=20
`

// TestJudge_ResetDuringHostFLRPasses: a reset that overlaps an FLR is not
// the device failing the guest (it was gave-up when the guest's poll gave
// up before the FLR ended).
func TestJudge_ResetDuringHostFLRPasses(t *testing.T) {
	s := writeScenario(t, "reset-flr.scn", resetDuringHostFLRScenario)
	for _, e := range s.Expect {
		t.Run(e.Edition.String(), func(t *testing.T) {
			o, err := Judge(context.Background(), s, e, JudgeConfig{Shrink: shortShrink()})
			require.NoError(t, err)
			assert.True(t, o.Match, "got %s: %v", VerdictText(o.Got, o.GotOracle), o.Finding)
		})
	}
}
