package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	memberblk "github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// TestStateMessagesNameTheParts: a state read back that differs from the
// one the test wants names, after the first byte that differs, the parts
// (virtio-1.4) or context fields (draft-2023) that differ, so that a device
// implementer learns which register the device kept or lost, not only a
// byte offset into DEV_PARTS_GET's result.
func TestStateMessagesNameTheParts(t *testing.T) {
	for _, tc := range []struct {
		mutant, id, name string
		ed               spec.Edition
		want             string
	}{
		{"keeps-latched-state-across-flr", "DP-DEV-14", "flr-drops-set-parts", spec.Virtio14,
			"first different at byte 40: got 460a000001010000…, want 0000000000000000…; differs in: DRV_FEATURES part, PCI_COMMON_CFG part of queue_select, DEVICE_STATUS part, VQ_CFG part of queue 0"},
		{"keeps-latched-state-across-flr", "DRAFT-FLR-01", "flr-drops-written-context", spec.Draft2023,
			"; differs in: PCI_COMMON_CFG field, DRV_FEATURES field, DEVICE_STATUS field, PCI_VQ_CFG field"},
		{"applies-part-of-failed-set", "DP-DEV-08", "failed-set-no-side-effects", spec.Virtio14,
			"the parts after resume, with a failed SET before it, against the same steps without that SET: got 285 bytes, want 285, first different at byte 84: got 0000000002010000…, want 0100000002010000…; differs in: PCI_COMMON_CFG part of driver_feature_select, PCI_COMMON_CFG part of queue_select"},
	} {
		t.Run(tc.mutant+"/"+tc.id, func(t *testing.T) {
			m, ok := mutants.Lookup(tc.mutant)
			require.True(t, ok)
			res := Run(testNamed(t, tc.id, tc.name), tc.ed, spec.DefaultRules(tc.ed), m.Factory(memberblk.New), extdevice.TypeBlk)
			var msgs []string
			for _, f := range res.Failures {
				msgs = append(msgs, f.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.want)
		})
	}
}
