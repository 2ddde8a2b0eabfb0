package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
)

// TestDecideFallback: a finding no check attributes to a requirement (a
// deadlock, a flow error, a gave-up finding the
// migration caused) charges the row's requirements the run involved —
// those whose trigger did not hold are left out, those without a trigger
// stay — and all of them when that leaves none or the run's facts are
// not known (the step bound: no untriggered list); a rule oracle's own
// requirements are charged as before, whatever the triggers.
func TestDecideFallback(t *testing.T) {
	live := oracle.Live.Info().Name
	row := []string{"DP-DEV-11", "DP-DEV-12", "DP-DEV-14"}
	for _, tc := range []struct {
		name              string
		in                chargeIn
		charged, involved []string
	}{
		{"a deadlock before the FLR", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: live,
			reqs: []string{"DP-DEV-11"}, untriggered: []string{"DP-DEV-12", "DP-DEV-14"}}, []string{"DP-DEV-11"}, nil},
		{"a deadlock after the FLR", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: live,
			reqs: []string{"DP-DEV-11", "DP-DEV-14"}, untriggered: []string{"DP-DEV-12"}}, []string{"DP-DEV-11", "DP-DEV-14"}, nil},
		{"the run involved none of them", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: live,
			untriggered: row}, row, nil},
		{"the step bound: facts not known", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: "step-bound"}, row, nil},
		{"a driver's requirement is never charged", chargeIn{ed: spec.Virtio14, rowReqs: []string{"ADM-DRV-05", "DP-DEV-12"}, oracle: live,
			untriggered: []string{"DP-DEV-12"}}, []string{"DP-DEV-12"}, nil},
		{"a row whose device requirement is a SHOULD", chargeIn{ed: spec.Virtio14, rowReqs: []string{"CAP-DRV-01", "RES-DRV-01", "RES-DEV-01"}, oracle: live,
			reqs: []string{"CAP-DRV-01"}}, []string{"RES-DEV-01"}, []string{"CAP-DRV-01"}},
		{"involved beyond the row's", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: live,
			reqs: []string{"DP-DEV-11", "DP-DRV-01"}, untriggered: []string{"DP-DEV-12", "DP-DEV-14"}}, []string{"DP-DEV-11"}, []string{"DP-DRV-01"}},
		{"a rule oracle's own requirement", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: "admin-status",
			raw: []string{"DP-DEV-12"}, untriggered: []string{"DP-DEV-12", "DP-DEV-14"}}, []string{"DP-DEV-12"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := decide(tc.in)
			assert.Equal(t, tc.charged, c.Charged, "charged")
			assert.Equal(t, tc.involved, c.Involved, "involved")
			if tc.in.oracle == live || tc.in.oracle == "step-bound" {
				assert.Equal(t, byRow, c.By, "a fallback says it is one")
			}
			assert.Empty(t, c.None, "charged, so no reason for charging none")
		})
	}
}

// TestDecideDriverSide: a requirement that binds the driver binds
// migsim's reference drivers, not the device under test, so the kit
// never charges one: whether a rule oracle named it or the row lists
// it, it is listed as involved, and a finding left with no device
// requirement charges none and says why (it fails its unit all the
// same: Report.Uncharged).
func TestDecideDriverSide(t *testing.T) {
	live := oracle.Live.Info().Name
	for _, tc := range []struct {
		name              string
		in                chargeIn
		charged, involved []string
		none              string
	}{
		{"a rule oracle names a driver's requirement", chargeIn{ed: spec.Draft2023, rowReqs: []string{"DRAFT-FRZ-01"}, oracle: "flow",
			raw: []string{"DRAFT-FLOW-02"}}, nil, []string{"DRAFT-FLOW-02"},
			"the finding is charged to the driver's requirements only (DRAFT-FLOW-02), which bind migsim's reference drivers, not the device under test"},
		{"and a device's", chargeIn{ed: spec.Draft2023, oracle: "flow",
			raw: []string{"DRAFT-FLOW-02", "DRAFT-FRZ-01"}}, []string{"DRAFT-FRZ-01"}, []string{"DRAFT-FLOW-02"}, ""},
		{"a fallback on a row of driver requirements", chargeIn{ed: spec.Virtio14, rowReqs: []string{"CAP-DRV-01", "RES-DRV-01", "DRAFT-FLOW-02"}, oracle: live,
			reqs: []string{"RES-DRV-01"}}, nil, []string{"RES-DRV-01"}, noneRowDriver},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := decide(tc.in)
			assert.Equal(t, tc.charged, c.Charged, "charged")
			assert.Equal(t, tc.involved, c.Involved, "involved")
			assert.Equal(t, tc.none, c.None, "why none")
			assert.Empty(t, c.By, "no fallback charged")
		})
	}
}

// TestShouldOnlyGuessed: a failure charged to SHOULD statements warns
// when a check named them, and fails when they stand in for the one no
// check names (byRow), as does the SHOULD requirement's verdict.
func TestShouldOnlyGuessed(t *testing.T) {
	named := Failure{Requirements: []string{"RES-DEV-01"}, Check: "catalog row"}
	guess := named
	guess.Charged = byRow
	assert.True(t, shouldOnly(named))
	assert.False(t, shouldOnly(guess))
	for _, tc := range []struct {
		f    Failure
		want string
	}{{named, verdictWarn}, {guess, verdictFail}} {
		u := &Unit{Name: "vfio-object-limit/virtio-1.4", Verdict: verdictFail, Failures: []Failure{tc.f}}
		warnIfShould(u)
		assert.Equal(t, tc.want, u.Verdict, "unit of %+v", tc.f)
	}
}
