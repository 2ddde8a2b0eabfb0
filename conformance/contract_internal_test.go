package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/world/guard"
)

// TestBrokeContract: a finding shows a member that broke the world's
// contract when the engine marked its panic (the guard's ContractError)
// or the self-report oracle made it, whatever its message says: a panic
// whose text reads like the guard's but is unmarked is the simulator's,
// and charges as any finding does.
func TestBrokeContract(t *testing.T) {
	posing := "world: " + guard.MemberContract + "src.vf1 changed its mode from Stop to Active"
	backend := `world: footprint of "vcpu0:mmio-write notify+4=0100" (r{1} w{2}) does not declare the write of the disk (the network in a net world)`
	for _, tc := range []struct {
		name string
		fd   *engine.Finding
		want bool
	}{
		{"no finding", nil, false},
		{"a marked panic", &engine.Finding{Oracle: engine.OraclePanic, Message: posing, MemberContract: true}, true},
		{"a marked backend panic", &engine.Finding{Oracle: engine.OraclePanic, Message: backend, MemberContract: true}, true},
		{"an unmarked panic with the contract's text", &engine.Finding{Oracle: engine.OraclePanic, Message: posing}, false},
		{"an unmarked panic with the backend's text", &engine.Finding{Oracle: engine.OraclePanic, Message: backend}, false},
		{"self-report", &engine.Finding{Oracle: oracle.SelfReport.Info().Name, Message: "src.vf1 claims Active"}, true},
		{"another oracle's finding", &engine.Finding{Oracle: oracle.Transparent.Info().Name, Message: posing}, false},
	} {
		assert.Equal(t, tc.want, brokeContract(tc.fd), tc.name)
		if tc.fd != nil && tc.fd.Oracle == engine.OraclePanic {
			assert.Equal(t, !tc.want, charges(tc.fd), "%s: charges", tc.name)
		}
	}
}
