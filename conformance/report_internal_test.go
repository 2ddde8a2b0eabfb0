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
		{"the only unit failed on a finding no requirement binds",
			[]*Unit{{Kind: kindRow, Name: "net-row/a", Requirements: []string{"NET-PART-02"}, Verdict: verdictFail,
				Failures: []Failure{{Check: "catalog row", Oracle: "gave-up", Row: "net-row/a"}}}},
			verdictSkip, "not judged: net-row/a failed on gave-up, which binds no requirement of the kit here (catalog row)", ""},
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

// TestReport_ShouldOnlyIsAWarning: a unit whose failures break only SHOULD
// statements is warned, not failed, and so is the SHOULD requirement; a
// failure that also names a MUST, or names none, still fails the unit and
// the report; the warned unit is no evidence for the other requirements
// it exercises.
func TestReport_ShouldOnlyIsAWarning(t *testing.T) {
	should := Failure{Requirements: []string{"DP-DEV-04"}, Check: "oracle", Row: "refused-commands/virtio-1.4"}
	must := Failure{Requirements: []string{"DP-DEV-04", "DP-DEV-08"}, Check: "oracle", Row: "refused-commands/virtio-1.4"}
	device := Failure{Check: "device protocol", Row: "refused-commands/virtio-1.4"}
	guess := Failure{Requirements: []string{"DP-DEV-04"}, Check: "catalog row", Oracle: "self-report", Row: "refused-commands/virtio-1.4", Charged: byRow}
	tests := []struct {
		name     string
		failures []Failure
		unit     string // the unit's verdict
		reqs     map[string]string
		failed   bool
	}{
		{"only a SHOULD", []Failure{should}, verdictWarn,
			map[string]string{"DP-DEV-04": verdictWarn, "DP-DEV-08": verdictSkip}, false},
		{"a SHOULD and a MUST in one failure", []Failure{must}, verdictFail,
			map[string]string{"DP-DEV-04": verdictWarn, "DP-DEV-08": verdictFail}, true},
		{"a SHOULD, then a MUST", []Failure{should, {Requirements: []string{"DP-DEV-08"}, Check: "oracle"}}, verdictFail,
			map[string]string{"DP-DEV-04": verdictWarn, "DP-DEV-08": verdictFail}, true},
		{"a SHOULD and the device", []Failure{should, device}, verdictFail,
			map[string]string{"DP-DEV-04": verdictWarn, "DP-DEV-08": verdictSkip}, true},
		{"a SHOULD standing in for what no check named", []Failure{guess}, verdictFail,
			map[string]string{"DP-DEV-04": verdictFail, "DP-DEV-08": verdictSkip}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := &Unit{Kind: kindRow, Name: "refused-commands/virtio-1.4", Requirements: []string{"DP-DEV-04", "DP-DEV-08"},
				Verdict: verdictFail, Failures: tc.failures}
			k := &kit{dev: FactoryDevice("builtin:x", nil), cfg: defaults(), units: []*Unit{u}}
			rep := k.report()
			assert.Equal(t, tc.unit, u.Verdict)
			for id, want := range tc.reqs {
				for _, q := range rep.Requirements {
					if q.ID == id {
						assert.Equal(t, want, q.Verdict, id)
					}
				}
			}
			assert.Equal(t, tc.failed, rep.Failed())
			var text strings.Builder
			require.NoError(t, rep.WriteText(&text))
			warned := tc.reqs["DP-DEV-04"] == verdictWarn
			assert.Equal(t, !tc.failed, strings.Contains(text.String(), "\nwarnings (SHOULD statements not followed):\nrefused-commands/virtio-1.4: "),
				"a warned unit's failures are listed as warnings:\n%s", text.String())
			assert.Equal(t, warned, strings.Contains(text.String(), "DP-DEV-04      SHOULD Warn "), text.String())
			assert.Equal(t, !warned, strings.Contains(text.String(), "DP-DEV-04      SHOULD Fail "), text.String())
		})
	}
}

// TestReport_DriverRequirementsNotJudged: a requirement that binds the
// driver is judged on no device: the rows that list it run migsim's
// reference drivers, so the device neither passes it (a row that passed
// showed it Pass) nor fails it; it is not covered, and says by what.
func TestReport_DriverRequirementsNotJudged(t *testing.T) {
	u := &Unit{Kind: kindRow, Name: "pf-flr-with-admin-outstanding/virtio-1.4", Requirements: []string{"ADM-DRV-05", "DP-DEV-12"},
		Verdict: verdictPass}
	k := &kit{dev: FactoryDevice("builtin:x", nil), cfg: defaults(), units: []*Unit{u}}
	rep := k.report()
	got := map[string]RequirementResult{}
	for _, q := range rep.Requirements {
		got[q.ID] = q
	}
	assert.Equal(t, verdictPass, got["DP-DEV-12"].Verdict, "the device's requirement is judged")
	assert.Equal(t, verdictNotCovered, got["ADM-DRV-05"].Verdict, "the driver's is not")
	assert.Equal(t, "binds the driver (owner driver or guest), not the device under test: the unit that exercises it judges migsim's reference drivers",
		got["ADM-DRV-05"].Why)
	assert.Equal(t, []string{u.Name}, got["ADM-DRV-05"].Units, "the units that exercise it are still listed")
	for _, q := range rep.Requirements {
		if q.Side == "driver" {
			assert.NotEqual(t, verdictPass, q.Verdict, q.ID)
		}
	}
}
