package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFinding_ReqsText: the requirements a check judged broken are listed
// apart from those the run only involved, each group in Reqs' order.
func TestFinding_ReqsText(t *testing.T) {
	for _, tc := range []struct {
		name         string
		reqs, broken []string
		want         string
	}{
		{"none", nil, nil, ""},
		{"all involved", []string{"DP-DEV-09", "DP-DEV-10", "DP-DEV-12"}, nil, "involved DP-DEV-09 DP-DEV-10 DP-DEV-12"},
		{"all broken", []string{"DRAFT-FRZ-02"}, []string{"DRAFT-FRZ-02"}, "broken DRAFT-FRZ-02"},
		{"both", []string{"DP-DEV-09", "DP-DRV-01", "DP-DEV-04"}, []string{"DP-DRV-01", "DP-DEV-04"},
			"broken DP-DRV-01 DP-DEV-04; involved DP-DEV-09"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &Finding{Reqs: tc.reqs, ReqsBroken: tc.broken}
			assert.Equal(t, tc.want, f.ReqsText())
		})
	}
}
