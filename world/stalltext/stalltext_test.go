package stalltext

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestText: each part of a blocked actor's description, as the deadlock
// message words it.
func TestText(t *testing.T) {
	for _, tc := range []struct {
		a    Actor
		want string
	}{
		{Actor{Desc: "peer p1", Name: "p1", File: "m.scn", Line: 12, Pending: true, Label: "p1:await b"},
			"peer p1 blocked at m.scn:12 (await b)"},
		{Actor{Desc: "guest vcpu0", Name: "vcpu0", File: "m.scn", Line: 4, Pending: true, Label: "vcpu0:wait-irq", Halted: true},
			"guest vcpu0 halted by the hypervisor at m.scn:4 (wait-irq)"},
		{Actor{Desc: "guest vcpu0", Name: "vcpu0", File: "m.scn", Pending: true, Label: "vcpu0:settle", Settle: true},
			"guest vcpu0 blocked at the end of its program in m.scn (waiting for the other actors to finish)"},
		{Actor{Desc: "hypervisor", Name: "hv"}, "hypervisor blocked"},
		{Actor{Desc: "hypervisor", Name: "hv", Pending: true, Label: "other"}, "hypervisor blocked (other)"},
	} {
		assert.Equal(t, tc.want, Text(tc.a))
	}
}
