package conformance_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member/blk"
)

// TestTakenBuffersAtStop: the kit's device tests judge what guest memory
// (and a draft context) shows the moment the stop completes. The reference
// passes every device test; a device whose write-back of the buffers it
// had taken reaches guest memory only after the reply fails DP-DEV-09 and
// DRAFT-STOP-02, through the tests of taken buffers and, in draft-2023, the
// wrapped round trip, whose source saves a used_idx guest memory does not
// show (charged DRAFT-STOP-02, the destination not judged), and nothing
// else. No
// virtio-blk catalog row of virtio-1.4 catches that device (a destination
// executes those requests again, which a block request survives): only
// these tests do.
func TestTakenBuffersAtStop(t *testing.T) {
	late, ok := mutants.Lookup("writes-back-after-stop-reply")
	require.True(t, ok)
	for _, tc := range []struct {
		name  string
		dev   conformance.Device
		fails []string
		units []string
		says  []string
	}{
		{name: "reference", dev: conformance.FactoryDevice("builtin:blk", blk.New)},
		{name: late.Name, dev: conformance.FactoryDevice("builtin:mutant/"+late.Name, late.Factory(blk.New)),
			fails: []string{"DP-DEV-09", "DRAFT-STOP-02"},
			units: []string{"DRAFT-STOP-02/draft-2023/taken-buffers-used-or-owned-at-stop", "DRAFT-CTX-01/draft-2023/round-trip-wrapped-ring-taken-request",
				"DP-DEV-09/virtio-1.4/stop-writes-back-taken-buffers"},
			says: []string{
				"is not in the used ring when DEV_MODE_SET stopped completed (used idx 0)",
				"below the context's last_avail_idx, is neither in the used ring (used idx 0) nor a device-owned descriptor (VQ_SPLIT_DEV_OWN_DESC) when Stop completed",
				"queue 0's used_idx in the context read in Stop against used idx in guest memory: got 2, want 0",
				"queue 0's used_idx in the context read in Freeze is 37, 2 ahead of used idx 35 in guest memory",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := conformance.Check(tc.dev, conformance.Parts(true, false), conformance.ReplayDir(t.TempDir()))
			require.NoError(t, err)
			assert.Equal(t, tc.fails, rep.FailedRequirements())
			var units, msgs []string
			for _, u := range rep.Units {
				if u.Verdict == "fail" {
					units = append(units, u.Name)
				}
				for _, f := range u.Failures {
					msgs = append(msgs, f.Message)
				}
			}
			assert.Equal(t, tc.units, units, "the failing device tests")
			for _, s := range tc.says {
				assert.True(t, slices.ContainsFunc(msgs, func(m string) bool { return strings.Contains(m, s) }), "no failure says %q: %q", s, msgs)
			}
		})
	}
}
