package devimpl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/member/blk"
)

// TestTable: every named implementation describes a valid
// header and valid capabilities, accepts its own state, and the blk ones
// offer exactly what the reference member offers.
func TestTable(t *testing.T) {
	for _, c := range all {
		t.Run(c.Name, func(t *testing.T) {
			require.NoError(t, c.Caps().Validate())
			h, err := c.Description(1, nil).Header()
			require.NoError(t, err)
			assert.NoError(t, compat.CheckCompatible(h, c.Caps(), compat.Where{Phase: compat.PhasePrecheck, Member: 1}))
			if c.Model == compat.ModelBlk {
				assert.Equal(t, uint64(blk.DefaultFeatures), c.Features)
			}
			got, err := Lookup(c.Name)
			require.NoError(t, err)
			assert.Equal(t, c.ID, got.ID)
		})
	}
}
