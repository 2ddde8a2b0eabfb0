package mutants_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
)

// TestPrefetchWhenStopped_OnDestination: the mutant prefetches on a
// doorbell that reaches it while stopped wherever its queue's rings came
// from, a restore's (DEV_PARTS_SET, DEV_CTX_WRITE) included: a peer's
// doorbell into the destination's VF before it runs there is caught by
// no-dma-when-stopped in both editions, as the reference passes the rows.
func TestPrefetchWhenStopped_OnDestination(t *testing.T) {
	const scn = "testdata/kick-stopped-destination.scn"
	ref, ok := conformance.BuiltinDevice("builtin:blk")
	require.True(t, ok)
	rep, err := conformance.Check(ref, conformance.Parts(false, true), conformance.Scenarios(scn), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	require.False(t, rep.Failed(), "the reference passes %s", scn)

	d, ok := conformance.BuiltinDevice("builtin:mutant/prefetch-when-stopped")
	require.True(t, ok)
	rep, err = conformance.Check(d, conformance.Parts(false, true), conformance.Scenarios(scn), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	rows := 0
	for _, u := range rep.Units {
		rows++
		require.Len(t, u.Failures, 1, "unit %s", u.Name)
		assert.Equal(t, "no-dma-when-stopped", u.Failures[0].Oracle, "unit %s: %s", u.Name, u.Failures[0].Message)
	}
	assert.Equal(t, 2, rows, "a row per edition")
}
