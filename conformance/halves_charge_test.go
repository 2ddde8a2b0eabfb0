package conformance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
)

// A device that loses the lone half of a 64-bit queue address across a
// mode change fails split-queue-desc-write in virtio-1.4 with a
// transparent finding: charged to what the transparent oracle judges
// (DP-DEV-09), and PCI-DEV-02, whose halves straddled the stop on the
// run (the host wrote one half, stopped the member, then wrote the
// other), is involved.
func TestHalvesAcrossModeInvolvePCIDev02(t *testing.T) {
	rep, err := conformance.Check(builtinDevice(t, "builtin:mutant/saves-half-written-address-as-zero"), conformance.Short(),
		conformance.Parts(false, true), conformance.Scenarios("split-queue-desc-write"), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	var failures []conformance.Failure
	for _, u := range rep.Units {
		failures = append(failures, u.Failures...)
	}
	require.Len(t, failures, 1)
	f := failures[0]
	assert.Equal(t, "split-queue-desc-write/virtio-1.4", f.Row)
	assert.Equal(t, "transparent", f.Oracle)
	assert.Equal(t, []string{"DP-DEV-09"}, f.Requirements)
	assert.Contains(t, f.Involved, "PCI-DEV-02")
}
