package conformance

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
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

// TestProgress_ShowsElapsed: the progress line of a unit shows the time it
// took (set before the line is written), by the kit's clock.
func TestProgress_ShowsElapsed(t *testing.T) {
	t0 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	calls := 0
	old := now
	t.Cleanup(func() { now = old })
	now = func() time.Time { // each call is 1.5s after the one before
		calls++
		return t0.Add(time.Duration(calls) * 1500 * time.Millisecond)
	}
	var out strings.Builder
	cfg := defaults()
	cfg.progress = &out
	var dt devicetest.Test
	for _, t := range devicetest.All() {
		if t.Unit(spec.Draft2023) == "DRAFT-MODE-01/draft-2023/active-at-start" {
			dt = t
		}
	}
	require.Equal(t, "DRAFT-MODE-01", dt.ID(), "the device test the unit runs")
	u := &Unit{Kind: kindDevice, Name: "DRAFT-MODE-01/draft-2023/active-at-start", Edition: spec.Draft2023.String()}
	k := &kit{dev: FactoryDevice("builtin:blk", blk.New), cfg: cfg, editions: []spec.Edition{spec.Draft2023},
		tests: map[*Unit]devicetest.Test{u: dt}, devFactory: blk.New}
	k.run(u)
	assert.Equal(t, 1500*time.Millisecond, u.elapsed)
	assert.Equal(t, "conform: pass device-test DRAFT-MODE-01/draft-2023/active-at-start (1.5s)\n", out.String())
}
