package trace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// TestWriteRequirements_None: a report without requirements to list says
// whose they would have been: the finding's, or, for a run that ends
// without one (explore --write-run's), the scenario's; it never speaks of
// a finding the run does not have.
func TestWriteRequirements_None(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Report
		want string
	}{
		{"a finding without requirements", Report{Result: engine.Result{Finding: &engine.Finding{Oracle: "live"}}},
			"The finding names no requirement.\n\n"},
		{"no finding", Report{}, "The run ends without a finding, and the scenario names no requirement.\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			writeRequirements(&b, &tc.r, spec.Draft2023)
			assert.Equal(t, tc.want, b.String())
		})
	}
}
