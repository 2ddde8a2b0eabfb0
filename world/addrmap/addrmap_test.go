package addrmap

import (
	"testing"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An address of a VF's BAR0 reads back to its VF, region and register,
// from the guest's window and the host's, on the second host.
func TestAddressMap(t *testing.T) {
	pf := pcie.RID(0x0200)
	cs, err := pcie.NewPFConfig(pcie.PFOptions{RID: pf, DeviceID: spec.PCIDeviceVirtioBlk, TotalVFs: 4,
		FirstVFOffset: 1, VFStride: 1, MSIXVectors: 2})
	require.NoError(t, err)
	require.NoError(t, Firmware(cs, 1))
	sr, err := pcie.FindExtCap(cs, pcie.ExtCapIDSRIOV)
	require.NoError(t, err)
	_, err = cs.Write(sr+pcie.SRIOVNumVFs, 2, 4)
	require.NoError(t, err)
	_, err = cs.Write(sr+pcie.SRIOVControl, 2, uint32(pcie.SRIOVCtlVFEnable|pcie.SRIOVCtlVFMSE))
	require.NoError(t, err)
	assert.Equal(t, uint64(0xd100_0000), cs.BAR0())
	s, ok := cs.SRIOV()
	require.True(t, ok)

	notify := GuestBAR0(2) + pcie.BAR0Notify + 4
	host, ok := HostAddr(cs, 2, notify)
	require.True(t, ok)
	assert.Equal(t, s.VFBAR0Addr(2)+pcie.BAR0Notify+4, host)
	_, ok = HostAddr(cs, 1, notify)
	assert.False(t, ok, "outside VF 1's BAR0")
	assert.True(t, VFNotify(cs, 2, host))
	assert.False(t, VFNotify(cs, 1, host))
	assert.True(t, Doorbell(cs, 2, host))
	assert.False(t, Doorbell(cs, 1, host), "past the VFs counted")
	assert.True(t, PFNotify(cs, cs.BAR0()+pcie.BAR0Notify))

	off, ok := CommonCfgOffset(cs, 2, s.VFBAR0Addr(2)+uint64(spec.CfgDeviceStatus))
	assert.True(t, ok)
	assert.Equal(t, uint64(spec.CfgDeviceStatus), off)
	assert.Equal(t, "device_status", string(AppendRegName(nil, off)))
	assert.Equal(t, "notify+4", string(AppendRegName(nil, pcie.BAR0Notify+4)))

	rid := FunctionRID(cs, pf, owner.Target(3))
	vf, ok := VFOfRID(cs, pf, rid)
	assert.True(t, ok)
	assert.Equal(t, 3, vf)
	assert.Equal(t, pf, FunctionRID(cs, pf, owner.TargetPF))
}
