package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// TestTableCellNamesFirstAccess: a cell of the mode × event table that
// sees guest-memory accesses where none may be says how many and names
// the first (the TLP and the part of guest memory it touched), as the
// quiesced-device tests do, so that an implementer knows which queue's
// which ring the device read.
func TestTableCellNamesFirstAccess(t *testing.T) {
	m, ok := mutants.Lookup("prefetch-when-stopped")
	require.True(t, ok)
	for _, tc := range []struct {
		ed       spec.Edition
		id, name string
	}{
		{spec.Draft2023, "DRAFT-STOP-02", "table-stop-doorbell"},
		{spec.Virtio14, "DP-DEV-11", "table-stopped-doorbell"},
	} {
		dt := testNamed(t, tc.id, tc.name)
		res := Run(dt, tc.ed, spec.DefaultRules(tc.ed), m.Factory(blk.New), extdevice.TypeBlk)
		require.NoError(t, res.Fatal)
		require.NotEmpty(t, res.Failures, tc.name)
		msg := res.Failures[0].Message
		assert.Regexp(t, `^guest-memory accesses: [1-9][0-9]*, want none; the first: MRd .*, queue 0's (avail ring|descriptor table)`, msg)
	}
}
