package pcie

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

const pmcsr = PMCapOffset + PMCtrlStatus

func TestPMCapability(t *testing.T) {
	for name, c := range map[string]*ConfigSpace{"PF": testPF(t), "VF": testVF(t)} {
		assert.Equal(t, uint32(pmcValue), mustRead(t, c, PMCapOffset+PMCapReg, 2), name)
		assert.Equal(t, uint32(PMCSRNoSoftReset), mustRead(t, c, pmcsr, 2), "%s: D0, No_Soft_Reset", name)
		assert.Equal(t, D0, c.PowerState(), name)
	}
}

func TestPMPowerStateWrites(t *testing.T) {
	type step struct {
		size      int
		val       uint32
		wantFlags EffectFlags
		wantState PowerState
		wantCSR   uint32
	}
	nsr := uint32(PMCSRNoSoftReset)
	tests := []struct {
		name  string
		steps []step
	}{
		{"D0 to D3hot and back", []step{
			{2, 3, PowerStateChanged, D3Hot, nsr | 3},
			{2, 0, PowerStateChanged, D0, nsr},
		}},
		{"same state reports nothing", []step{
			{2, 0, 0, D0, nsr},
		}},
		{"D1 ignored", []step{
			{2, 1, PowerStateIgnored, D0, nsr},
		}},
		{"D2 ignored from D3hot, PME_En still written", []step{
			{1, 3, PowerStateChanged, D3Hot, nsr | 3},
			{2, 2 | uint32(PMCSRPMEEnable), PowerStateIgnored, D3Hot, nsr | 3 | uint32(PMCSRPMEEnable)},
		}},
		{"No_Soft_Reset is read-only", []step{
			{2, 0xFFF4, 0, D0, nsr | uint32(PMCSRPMEEnable)},
		}},
		{"byte write to D3hot", []step{
			{1, 3, PowerStateChanged, D3Hot, nsr | 3},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testVF(t)
			for i, s := range tt.steps {
				e := mustWrite(t, c, pmcsr, s.size, s.val)
				assert.Equal(t, s.wantFlags, e.Flags, "step %d flags %s", i, e.Flags)
				assert.Equal(t, s.wantState, e.PowerState, "step %d", i)
				assert.Equal(t, s.wantState, c.PowerState(), "step %d", i)
				assert.Equal(t, s.wantCSR, mustRead(t, c, pmcsr, 2), "step %d", i)
			}
		})
	}
}

func TestPMEStatusWriteOneToClear(t *testing.T) {
	c := testPF(t)
	mustWrite(t, c, pmcsr+1, 1, uint32(PMCSRPMEEnable>>8))
	c.SetPMEStatus()
	csr := mustRead(t, c, pmcsr, 2)
	assert.Equal(t, uint32(PMCSRNoSoftReset|PMCSRPMEEnable|PMCSRPMEStatus), csr)
	e := mustWrite(t, c, pmcsr+1, 1, uint32(PMCSRPMEEnable>>8)) // 0 in bit 15 keeps it
	assert.Equal(t, EffectFlags(0), e.Flags)
	assert.Equal(t, csr, mustRead(t, c, pmcsr, 2))
	mustWrite(t, c, pmcsr, 2, uint32(PMCSRPMEStatus))
	assert.Equal(t, uint32(PMCSRNoSoftReset), mustRead(t, c, pmcsr, 2), "PME_Status cleared, PME_En written 0")
}

// TestPowerStateString checks the generated names of every value the 2-bit
// PMCSR field can hold, and that no other value exists there.
func TestPowerStateString(t *testing.T) {
	var got []string
	for v := PowerState(0); v <= PMCSRPowerStateMask; v++ {
		got = append(got, v.String())
	}
	assert.Equal(t, []string{"D0", "D1", "D2", "D3hot"}, got)
	assert.Equal(t, "PowerState(4)", PowerState(PMCSRPowerStateMask+1).String(), "outside the field: stringer's fallback")
}
