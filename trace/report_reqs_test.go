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
// a finding the run does not have; of a counterexample the conformance
// kit wrote, why the kit charges none.
func TestWriteRequirements_None(t *testing.T) {
	for _, tc := range []struct {
		name string
		r    Report
		want string
	}{
		{"a finding without requirements", Report{Result: engine.Result{Finding: &engine.Finding{Oracle: "live"}}},
			"The finding names no requirement.\n\n"},
		{"no finding", Report{}, "The run ends without a finding, and the scenario names no requirement.\n\n"},
		{"a counterexample of the kit that charges none", Report{Result: engine.Result{Finding: &engine.Finding{Oracle: "transparent"}},
			Charge: &Charge{None: "the run involved none"}},
			"The finding names no requirement.\n\nThe conformance kit's charge, as `migsim conform --replay` prints it " +
				"(docs/conformance.md, \"What a failed row charges\"): it charges no requirement: the run involved none. " +
				"**charged**: the finding breaks it, and the kit's requirement table counts it as Fail. " +
				"involved, not charged: the finding's run exercised what it is about; no check judged it broken. " +
				"scenario: the scenario names it.\n\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b strings.Builder
			writeRequirements(&b, &tc.r, spec.Draft2023)
			assert.Equal(t, tc.want, b.String())
		})
	}
}
