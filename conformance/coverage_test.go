package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/coverage"
	"github.com/migsim/migsim/spec"
)

// TestCoverageReasons: every requirement of the spec catalog is exercised
// by a device test or a row, or has a reason why not; no exercised one
// keeps a reason, and the table names no unknown requirement.
func TestCoverageReasons(t *testing.T) {
	cov, err := StaticCoverage()
	require.NoError(t, err)
	for _, r := range spec.Requirements() {
		listed := coverage.Listed(r.ID)
		if cov.Covered(r.ID) {
			assert.False(t, listed, "%s is covered; remove its reason from coverage/reasons.go", r.ID)
			continue
		}
		if len(r.ID) > 4 && r.ID[:4] == "NET-" {
			continue
		}
		assert.True(t, listed, "%s (%s, %s): nothing exercises it; add a device test, a row, or a reason to coverage/reasons.go", r.ID, r.Level, r.Side)
	}
	for _, id := range coverage.ListedIDs() {
		_, ok := spec.LookupRequirement(id)
		assert.True(t, ok, "coverage/reasons.go names %s, which is not a requirement", id)
	}
}

// TestOwnerKnobsAreKnobs: every owner knob the kit ignores exists.
func TestOwnerKnobsAreKnobs(t *testing.T) {
	for _, name := range OwnerKnobs {
		found := false
		for _, k := range spec.Knobs {
			found = found || k.Name == name
		}
		assert.True(t, found, "OwnerKnobs names %s, which is not a knob", name)
	}
}
