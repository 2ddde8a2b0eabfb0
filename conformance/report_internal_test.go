package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReport_FailedUnitIsNoEvidence: a requirement whose units all failed,
// on another requirement or on the device, is not judged (skip, saying
// which unit failed on what), never a pass with no evidence; a failure
// that names it fails it, and a unit that passed is evidence.
func TestReport_FailedUnitIsNoEvidence(t *testing.T) {
	onPart01 := Failure{Requirements: []string{"NET-PART-01"}, Check: "oracle", Row: "net-row/a"}
	onDevice := Failure{Check: "device determinism", Row: "net-row/a"}
	tests := []struct {
		name          string
		units         []*Unit
		verdict       string
		why, evidence string
	}{
		{"the only unit failed on another requirement",
			[]*Unit{{Kind: kindRow, Name: "net-row/a", Requirements: []string{"NET-PART-01", "NET-PART-02"}, Verdict: verdictFail, Failures: []Failure{onPart01}}},
			verdictSkip, "not judged: net-row/a failed on NET-PART-01, not on this requirement", ""},
		{"the only unit failed on the device",
			[]*Unit{{Kind: kindRow, Name: "net-row/a", Requirements: []string{"NET-PART-02"}, Verdict: verdictFail, Failures: []Failure{onDevice}}},
			verdictSkip, "not judged: net-row/a failed on the device, not on a requirement (device determinism)", ""},
		{"another unit passed",
			[]*Unit{
				{Kind: kindRow, Name: "net-row/a", Requirements: []string{"NET-PART-01", "NET-PART-02"}, Verdict: verdictFail, Failures: []Failure{onPart01}},
				{Kind: kindRow, Name: "net-row/b", Requirements: []string{"NET-PART-02"}},
			},
			verdictPass, "", "0 device tests, 1 row"},
		{"the failure names it",
			[]*Unit{{Kind: kindRow, Name: "net-row/a", Requirements: []string{"NET-PART-02"}, Verdict: verdictFail,
				Failures: []Failure{{Requirements: []string{"NET-PART-02"}, Check: "oracle", Row: "net-row/a"}}}},
			verdictFail, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := &kit{dev: FactoryDevice("builtin:x", nil), cfg: defaults(), units: tc.units}
			rep := k.report()
			var got *RequirementResult
			for i := range rep.Requirements {
				if rep.Requirements[i].ID == "NET-PART-02" {
					got = &rep.Requirements[i]
				}
			}
			require.NotNil(t, got, "NET-PART-02 is in the catalog")
			assert.Equal(t, tc.verdict, got.Verdict)
			assert.Equal(t, tc.why, got.Why)
			if tc.evidence != "" {
				assert.Equal(t, tc.evidence, evidence(rep, got.Units))
			}
		})
	}
}
