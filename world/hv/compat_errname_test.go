package hv

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/devctx/compat"
)

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
