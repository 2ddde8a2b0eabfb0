package compatreport

import (
	"bytes"
	"encoding/json"
	"fmt"
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
			rep := Fill(Report{Model: "m", StateVersion: 3}, c.plan, c.err)
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
