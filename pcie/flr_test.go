package pcie

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const devCtl = PCIeCapOffset + PCIeDevCtl

func TestFLRCapable(t *testing.T) {
	for name, c := range map[string]*ConfigSpace{"PF": testPF(t), "VF": testVF(t)} {
		assert.True(t, c.FLRCapable(), name)
		assert.NotZero(t, mustRead(t, c, PCIeCapOffset+PCIeDevCap, 4)&DevCapFLR, "%s: Device Capabilities bit 28", name)
		assert.Equal(t, uint32(0x0002), mustRead(t, c, PCIeCapOffset+PCIeCapReg, 2), "%s: version 2 endpoint", name)
	}
}

// TestInitiateFLR checks that writing 1 to Device Control bit 15 reports
// FLRInitiated, by any access that covers the bit, and that the bit reads
// back 0 while the other Device Control bits keep what was written.
func TestInitiateFLR(t *testing.T) {
	tests := []struct {
		name    string
		off     int
		size    int
		val     uint32
		wantFLR bool
		wantCtl uint32
	}{
		{"word write bit 15", devCtl, 2, 0x8000 | 0x2810, true, 0x2810},
		{"byte write high byte", devCtl + 1, 1, 0x80, true, 0x0010},
		{"dword write with status", devCtl, 4, 0x0000_A010, true, 0x2010},
		{"unaligned word covering high byte", devCtl + 1, 2, 0x0080, true, 0x0010},
		{"word write without bit 15", devCtl, 2, 0x2010, false, 0x2010},
		{"low byte only", devCtl, 1, 0xFF, false, 0x28FF},
		{"dword below the register", devCtl - 4, 4, 0xFFFFFFFF, false, 0x2810},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for name, c := range map[string]*ConfigSpace{"PF": testPF(t), "VF": testVF(t)} {
				e := mustWrite(t, c, tt.off, tt.size, tt.val)
				assert.Equal(t, tt.wantFLR, e.Has(FLRInitiated), "%s flags %s", name, e.Flags)
				ctl := mustRead(t, c, devCtl, 2)
				assert.Zero(t, ctl&uint32(DevCtlInitiateFLR), "%s: Initiate FLR reads 0", name)
				assert.Equal(t, tt.wantCtl, ctl, name)
			}
		})
	}
}

func TestTransactionsPending(t *testing.T) {
	c := testVF(t)
	sta := PCIeCapOffset + PCIeDevSta
	assert.Zero(t, mustRead(t, c, sta, 2))
	c.SetTransactionsPending(true)
	assert.Equal(t, uint32(DevStaTransPending), mustRead(t, c, sta, 2))
	mustWrite(t, c, sta, 2, 0xFFFF)
	assert.Equal(t, uint32(DevStaTransPending), mustRead(t, c, sta, 2), "read-only to software")
	c.SetTransactionsPending(false)
	assert.Zero(t, mustRead(t, c, sta, 2))
}

// TestPFResetFunctionClearsVFEnable checks that a PF's FLR resets its SR-IOV
// capability (SR-IOV 1.1 §2.2.3): the reset returns
// SR-IOV Control to its power-on value, so VF Enable clears.
func TestPFResetFunctionClearsVFEnable(t *testing.T) {
	c := testPF(t)
	mustWrite(t, c, sriovNumVFs, 2, 4)
	mustWrite(t, c, sriovCtl, 2, uint32(SRIOVCtlVFEnable))
	mustWrite(t, c, RegCommand, 2, uint32(CmdBusMaster))
	mustWrite(t, c, MSIXCapOffset+MSIXMsgCtl, 2, uint32(MSIXCtlEnable))
	mustWrite(t, c, PMCapOffset+PMCtrlStatus, 2, uint32(D3Hot))
	c.SetTransactionsPending(true)

	e := c.ResetFunction()
	assert.Equal(t, VFEnableChanged|NumVFsChanged|BusMasterChanged|MSIXEnableChanged|PowerStateChanged, e.Flags, "flags %s", e.Flags)
	assert.False(t, e.VFEnabled)
	assert.Equal(t, D0, e.PowerState)
	st, ok := c.SRIOV()
	require.True(t, ok)
	assert.Equal(t, 0, st.EnabledVFs())
	assert.Equal(t, uint16(8), st.TotalVFs, "read-only values survive")
	assert.Zero(t, mustRead(t, c, PCIeCapOffset+PCIeDevSta, 2))

	e = c.ResetFunction()
	assert.Equal(t, EffectFlags(0), e.Flags, "a second reset changes nothing")
}

func TestFLRDuration(t *testing.T) {
	assert.Equal(t, uint64(100_000_000), FLRDuration())
	tests := []struct {
		start, want uint64
	}{
		{0, FLRDurationNs},
		{5, 5 + FLRDurationNs},
		{^uint64(0) - FLRDurationNs, ^uint64(0)},
		{^uint64(0) - 1, ^uint64(0)},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, FLRDoneAt(tt.start), "start %d", tt.start)
	}
}
