package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/spec"
)

// TestCheckFindingOracle: every finding name a run can end with is known
// to the schedule reader (the flow names a failed admin command by its
// status and qualifier as spec prints them, unnamed values included), and
// names no run produces are refused.
func TestCheckFindingOracle(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"transparent", true},
		{"live", true},
		{"error:EINVAL/INVALID_FIELD", true},
		{"error:n/a:freeze", true},
		{"error:" + spec.Status(5).String() + "/" + spec.QOK.String(), true},
		{"error:" + spec.StatusEAGAIN.String() + "/" + spec.Qualifier(9).String(), true},
		{"error:" + spec.Status(0xffff).String() + "/" + spec.Qualifier(0xffff).String(), true},
		{"nonsense", false},
		{"error:STATUS_05/OK", false},
		{"error:EAGAIN/QUALIFIER_9", false},
		{"error:STATUS_70000/OK", false},
		{"error:EINVAL", false},
		{"error:EINVAL/", false},
		{"error:BOGUS/OK", false},
	} {
		err := CheckFindingOracle(tc.name)
		assert.Equal(t, tc.ok, err == nil, "%s: %v", tc.name, err)
	}
}
