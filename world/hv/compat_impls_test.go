package hv

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/member/blk"
)

// TestCompatImplsTable: every named implementation describes a valid
// header and valid capabilities, accepts its own state, and the blk ones
// offer exactly what the reference member offers.
func TestCompatImplsTable(t *testing.T) {
	for _, c := range compatImpls {
		t.Run(c.name, func(t *testing.T) {
			require.NoError(t, c.caps().Validate())
			h, err := c.description(1, nil).Header()
			require.NoError(t, err)
			assert.NoError(t, compat.CheckCompatible(h, c.caps(), compat.Where{Phase: compat.PhasePrecheck, Member: 1}))
			if c.model == compat.ModelBlk {
				assert.Equal(t, uint64(blk.DefaultFeatures), c.features)
			}
			got, err := lookupImpl(c.name)
			require.NoError(t, err)
			assert.Equal(t, c.impl, got.impl)
		})
	}
}

// TestCompatErrName: compatibility failures are named `corrupt` when the
// state was damaged and `incompatible` otherwise, through any wrapping.
func TestCompatErrName(t *testing.T) {
	corrupt := &compat.IncompatibleError{Mismatches: []compat.Mismatch{{Code: compat.CodeCorrupt}}}
	version := &compat.IncompatibleError{Mismatches: []compat.Mismatch{{Code: compat.CodeVersionTooNew}}}
	cases := []struct {
		err  error
		want string
	}{
		{fmt.Errorf("write dst vf1: %w", corrupt), "corrupt"},
		{fmt.Errorf("precheck: %w", version), "incompatible"},
		{errors.New("other"), "flow"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, errName(c.err), "%v", c.err)
	}
}
