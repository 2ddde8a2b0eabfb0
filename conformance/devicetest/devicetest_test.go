package devicetest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/devicetest"
	"github.com/migsim/migsim/spec"
)

// TestDeviceTestsNameRequirements: every device test names requirements
// of the catalog that apply to its editions, and names are unique.
func TestDeviceTestsNameRequirements(t *testing.T) {
	seen := map[string]bool{}
	for _, e := range spec.Editions {
		for _, dt := range devicetest.All() {
			if !dt.AppliesTo(e) {
				continue
			}
			for _, id := range dt.Requirements() {
				r, ok := spec.LookupRequirement(id)
				if assert.True(t, ok, "%s names %s", dt.Unit(e), id) && id == dt.ID() {
					assert.True(t, r.AppliesTo(e), "%s runs in %s", dt.Unit(e), e)
				}
			}
			name := dt.Unit(e)
			assert.False(t, seen[name], "duplicate device test %s", name)
			seen[name] = true
		}
	}
	assert.Greater(t, len(seen), 50)
}
