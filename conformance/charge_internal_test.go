package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
)

// TestDecideFallback: a finding no check attributes to a requirement (a
// device's self-report, a deadlock, a flow error, a gave-up finding the
// migration caused) charges the row's requirements the run involved —
// those whose trigger did not hold are left out, those without a trigger
// stay — and all of them when that leaves none or the run's facts are
// not known (the step bound: no untriggered list); a rule oracle's own
// requirements are charged as before, whatever the triggers.
func TestDecideFallback(t *testing.T) {
	self := oracle.SelfReport.Info().Name
	row := []string{"DP-DEV-11", "DP-DEV-12", "DP-DEV-14"}
	for _, tc := range []struct {
		name              string
		in                chargeIn
		charged, involved []string
	}{
		{"a self-report before the FLR", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: self,
			reqs: []string{"DP-DEV-11"}, untriggered: []string{"DP-DEV-12", "DP-DEV-14"}}, []string{"DP-DEV-11"}, nil},
		{"a self-report after the FLR", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: self,
			reqs: []string{"DP-DEV-11", "DP-DEV-14"}, untriggered: []string{"DP-DEV-12"}}, []string{"DP-DEV-11", "DP-DEV-14"}, nil},
		{"the run involved none of them", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: self,
			untriggered: row}, row, nil},
		{"the step bound: facts not known", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: "step-bound"}, row, nil},
		{"a requirement without a trigger stays", chargeIn{ed: spec.Virtio14, rowReqs: []string{"ADM-DRV-05", "DP-DEV-12"}, oracle: self,
			untriggered: []string{"DP-DEV-12"}}, []string{"ADM-DRV-05"}, nil},
		{"involved beyond the row's", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: self,
			reqs: []string{"DP-DEV-11", "DP-DRV-01"}, untriggered: []string{"DP-DEV-12", "DP-DEV-14"}}, []string{"DP-DEV-11"}, []string{"DP-DRV-01"}},
		{"a rule oracle's own requirement", chargeIn{ed: spec.Virtio14, rowReqs: row, oracle: "admin-status",
			raw: []string{"DP-DEV-12"}, untriggered: []string{"DP-DEV-12", "DP-DEV-14"}}, []string{"DP-DEV-12"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := decide(tc.in)
			assert.Equal(t, tc.charged, c.Charged, "charged")
			assert.Equal(t, tc.involved, c.Involved, "involved")
		})
	}
}
