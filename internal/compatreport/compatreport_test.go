package compatreport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx/compat"
)

// TestFillAndWrite: an incompatible error gives the incompatible verdict
// with its mismatches (wrapped or not), no error the compatible verdict
// with the plan; text and JSON print what the report holds.
func TestFillAndWrite(t *testing.T) {
	mm := compat.Mismatch{Code: compat.CodeParamValue, Field: "num-queues", Source: "8", Destination: "1-4"}
	ie := &compat.IncompatibleError{Phase: compat.PhasePrecheck, Model: "m", Mismatches: []compat.Mismatch{mm}}
	cases := []struct {
		name       string
		err        error
		plan       compat.LoadPlan
		compatible bool
		text       string
	}{
		{"incompatible", ie, compat.LoadPlan{}, false,
			"incompatible at " + compat.PhasePrecheck + ": m state version 3, 1 mismatch\n  " + mm.String() + "\n"},
		{"wrapped", fmt.Errorf("load: %w", ie), compat.LoadPlan{}, false,
			"incompatible at " + compat.PhasePrecheck + ": m state version 3, 1 mismatch\n  " + mm.String() + "\n"},
		{"compatible", nil, compat.LoadPlan{Warnings: []string{"w1"}}, true,
			"compatible: m state version 3\n  features offered: " + compat.FormatFeatures("m", 0) + "\n  params: (none)\n  set to off: (none)\n  warning: w1\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rep, err := Fill(Report{Model: "m", StateVersion: 3}, c.plan, c.err)
			require.NoError(t, err)
			assert.Equal(t, c.compatible, rep.Compatible())
			var text bytes.Buffer
			require.NoError(t, Write(&text, rep, "text"))
			if c.text != "" {
				assert.Equal(t, c.text, text.String())
			}
			var js bytes.Buffer
			require.NoError(t, Write(&js, rep, "json"))
			var back Report
			require.NoError(t, json.Unmarshal(js.Bytes(), &back))
			assert.Equal(t, rep, back)
		})
	}
}

// A check that fails with anything but an incompatibility reached no
// verdict: Fill returns the error (wrapped, so errors.Is still finds it)
// and never a compatible report, whatever plan came with it.
func TestFill_OtherErrorsAreNoVerdict(t *testing.T) {
	ioErr := &fs.PathError{Op: "read", Path: "saved.bin", Err: errors.New("input/output error")}
	cases := []struct {
		name string
		err  error
	}{
		{"plain", errors.New("decoder: unexpected end of input")},
		{"I/O error", ioErr},
		{"wrapped I/O error", fmt.Errorf("load: %w", ioErr)},
		{"incompatible type, not a pointer", fmt.Errorf("load: %v", &compat.IncompatibleError{Phase: compat.PhaseLoad})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Report{Model: "m", StateVersion: 3}
			plan := compat.LoadPlan{Warnings: []string{"w"}, Features: 1}
			rep, err := Fill(in, plan, c.err)
			require.Error(t, err)
			assert.ErrorIs(t, err, c.err)
			assert.Contains(t, err.Error(), "no verdict")
			assert.False(t, rep.Compatible())
			assert.Equal(t, in, rep, "no verdict, no plan: the report is as given")
		})
	}
}
