package pcie

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const msixCtl = MSIXCapOffset + MSIXMsgCtl

func TestMSIXCapability(t *testing.T) {
	c := testPF(t)
	st, ok := c.MSIX()
	require.True(t, ok)
	assert.Equal(t, MSIXState{TableSize: 4, TableOffset: BAR0MSIXTable, PBAOffset: BAR0MSIXPBA}, st)
	assert.Equal(t, uint32(3), mustRead(t, c, msixCtl, 2), "table size N-1")

	tests := []struct {
		name      string
		val       uint32
		wantFlags EffectFlags
		wantCtl   uint32
	}{
		{"enable", uint32(MSIXCtlEnable), MSIXEnableChanged, 0x8003},
		{"mask too", uint32(MSIXCtlEnable | MSIXCtlFunctionMask), MSIXMaskChanged, 0xC003},
		{"table size read-only", 0xC7FF, 0, 0xC003},
		{"disable and unmask", 0, MSIXEnableChanged | MSIXMaskChanged, 0x0003},
	}
	for _, tt := range tests {
		e := mustWrite(t, c, msixCtl, 2, tt.val)
		assert.Equal(t, tt.wantFlags, e.Flags, "%s: flags %s", tt.name, e.Flags)
		assert.Equal(t, tt.wantCtl, mustRead(t, c, msixCtl, 2), tt.name)
		assert.Equal(t, tt.wantCtl&uint32(MSIXCtlEnable) != 0, e.MSIXEnabled, tt.name)
	}
}

func TestCommandEffects(t *testing.T) {
	tests := []struct {
		name      string
		c         func(t *testing.T) *ConfigSpace
		val       uint32
		wantFlags EffectFlags
		wantCmd   uint32
	}{
		{"PF bus master", testPF, uint32(CmdBusMaster), BusMasterChanged, uint32(CmdBusMaster)},
		{"PF memory and bus master", testPF, uint32(CmdBusMaster | CmdMemorySpace), BusMasterChanged | MemorySpaceChanged, uint32(CmdBusMaster | CmdMemorySpace)},
		{"VF memory space is read-only zero", testVF, uint32(CmdBusMaster | CmdMemorySpace), BusMasterChanged, uint32(CmdBusMaster)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			e := mustWrite(t, c, RegCommand, 2, tt.val)
			assert.Equal(t, tt.wantFlags, e.Flags, "flags %s", e.Flags)
			assert.True(t, e.BusMaster)
			assert.Equal(t, tt.wantCmd, mustRead(t, c, RegCommand, 2))
		})
	}
}

func TestVFConfigIdentity(t *testing.T) {
	c := testVF(t)
	assert.True(t, c.IsVF())
	assert.Equal(t, RID(0x0101), c.RID())
	assert.Equal(t, uint32(0xFFFFFFFF), mustRead(t, c, RegVendorID, 4), "VF Vendor and Device ID read 0xFFFF")
	assert.Equal(t, uint32(0x1af4), mustRead(t, c, RegSubsystemVendorID, 2))
	assert.Equal(t, uint64(0), c.BAR0())
	st, ok := c.MSIX()
	require.True(t, ok)
	assert.Equal(t, 2, st.TableSize)
	assert.False(t, testPF(t).IsVF())
}
