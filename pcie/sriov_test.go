package pcie

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	sriovCtl    = SRIOVCapOffset + SRIOVControl
	sriovNumVFs = SRIOVCapOffset + SRIOVNumVFs
)

func TestSRIOVCapabilityLayout(t *testing.T) {
	c := testPF(t)
	tests := []struct {
		name string
		off  int
		size int
		want uint32
	}{
		{"header: ID 0x10, version 1, last", 0, 4, 0x00010010},
		{"capabilities", SRIOVCapabilities, 4, 0},
		{"control", SRIOVControl, 2, 0},
		{"status", SRIOVStatus, 2, 0},
		{"InitialVFs", SRIOVInitialVFs, 2, 8},
		{"TotalVFs", SRIOVTotalVFs, 2, 8},
		{"NumVFs", SRIOVNumVFs, 2, 0},
		{"function dependency link", SRIOVFuncDepLink, 1, 0},
		{"First VF Offset", SRIOVFirstVFOffset, 2, 1},
		{"VF Stride", SRIOVVFStride, 2, 1},
		{"VF Device ID blk", SRIOVVFDeviceID, 2, 0x1042},
		{"supported page sizes", SRIOVSupportedPageSizes, 4, 0x553},
		{"system page size 4K", SRIOVSystemPageSize, 4, 1},
		{"VF BAR0 type", SRIOVVFBAR0, 4, bar0Type64},
		{"VF BAR2", SRIOVVFBAR0 + 8, 4, 0},
		{"VF migration state array", SRIOVVFMigrationState, 4, 0},
		{"nothing after the capability", SRIOVCapSize, 4, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mustRead(t, c, SRIOVCapOffset+tt.off, tt.size))
		})
	}
}

// TestSRIOVRules checks the NumVFs and VF Enable rules: NumVFs writes while
// VF Enable = 1 are ignored and reported; NumVFs > TotalVFs is rejected;
// VF Enable toggles are reported.
func TestSRIOVRules(t *testing.T) {
	type step struct {
		off, size int
		val       uint32
		wantFlags EffectFlags
		wantErr   error
		wantVFE   bool
		wantNum   uint16
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"set NumVFs then enable then disable", []step{
			{sriovNumVFs, 2, 4, NumVFsChanged, nil, false, 4},
			{sriovCtl, 2, 1, VFEnableChanged, nil, true, 4},
			{sriovCtl, 2, 0, VFEnableChanged, nil, false, 4},
		}},
		{"NumVFs write while enabled is ignored", []step{
			{sriovNumVFs, 2, 2, NumVFsChanged, nil, false, 2},
			{sriovCtl, 2, 1, VFEnableChanged, nil, true, 2},
			{sriovNumVFs, 2, 5, NumVFsIgnored, nil, true, 2},
			{sriovNumVFs, 1, 0, NumVFsIgnored, nil, true, 2},
			{sriovNumVFs, 4, 7, NumVFsIgnored, nil, true, 2},
		}},
		{"NumVFs equal to TotalVFs accepted", []step{
			{sriovNumVFs, 2, 8, NumVFsChanged, nil, false, 8},
		}},
		{"NumVFs above TotalVFs rejected", []step{
			{sriovNumVFs, 2, 3, NumVFsChanged, nil, false, 3},
			{sriovNumVFs, 2, 9, 0, ErrNumVFsTooLarge, false, 3},
			{sriovNumVFs, 1, 0xFF, 0, ErrNumVFsTooLarge, false, 3},
			{sriovNumVFs - 2, 4, 0xFFFF0000, 0, ErrNumVFsTooLarge, false, 3},
		}},
		{"NumVFs high byte alone", []step{
			{sriovNumVFs + 1, 1, 1, 0, ErrNumVFsTooLarge, false, 0},
		}},
		{"VF Enable with NumVFs 0 enables nothing", []step{
			{sriovCtl, 2, 1, VFEnableChanged, nil, true, 0},
		}},
		{"rewriting VF Enable reports nothing", []step{
			{sriovCtl, 2, 1, VFEnableChanged, nil, true, 0},
			{sriovCtl, 1, 1, 0, nil, true, 0},
		}},
		{"VF MSE reported", []step{
			{sriovCtl, 2, uint32(SRIOVCtlVFMSE), VFMemorySpaceChanged, nil, false, 0},
		}},
		{"migration enable bits read-only without VF Migration Capable", []step{
			{sriovCtl, 2, uint32(SRIOVCtlVFMigrationEnable | SRIOVCtlVFMigrationIntEnable), 0, nil, false, 0},
		}},
		{"enable and set NumVFs in one dword write to Control", []step{
			{sriovCtl, 4, 0xFFFF0001, VFEnableChanged, nil, true, 0},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := testPF(t)
			for i, s := range tt.steps {
				e, err := c.Write(s.off, s.size, s.val)
				if s.wantErr != nil {
					require.ErrorIs(t, err, s.wantErr, "step %d", i)
					assert.Contains(t, err.Error(), "TotalVFs 8", "step %d", i)
				} else {
					require.NoError(t, err, "step %d", i)
					assert.Equal(t, s.wantFlags, e.Flags, "step %d flags %s", i, e.Flags)
					assert.Equal(t, s.wantVFE, e.VFEnabled, "step %d", i)
					assert.Equal(t, s.wantNum, e.NumVFs, "step %d", i)
				}
				st, ok := c.SRIOV()
				require.True(t, ok)
				assert.Equal(t, s.wantVFE, st.VFEnable, "step %d", i)
				assert.Equal(t, s.wantNum, st.NumVFs, "step %d", i)
			}
		})
	}
}

func TestSRIOVRejectedWriteStoresNothing(t *testing.T) {
	c := testPF(t)
	before := mustRead(t, c, sriovNumVFs, 4)
	// A dword at NumVFs also covers Function Dependency Link; none of it lands.
	_, err := c.Write(sriovNumVFs, 4, 0x00AA0009)
	require.ErrorIs(t, err, ErrNumVFsTooLarge)
	assert.Equal(t, before, mustRead(t, c, sriovNumVFs, 4))
}

func TestSRIOVAccessor(t *testing.T) {
	c, err := NewPFConfig(PFOptions{RID: 0x0200, DeviceID: 0x1045, TotalVFs: 100, FirstVFOffset: 4, VFStride: 2, MSIXVectors: 2})
	require.NoError(t, err)
	mustWrite(t, c, sriovNumVFs, 2, 10)
	mustWrite(t, c, SRIOVCapOffset+SRIOVVFBAR0, 4, 0xE0000000)
	mustWrite(t, c, SRIOVCapOffset+SRIOVVFBAR0+4, 4, 0x1)
	mustWrite(t, c, sriovCtl, 2, uint32(SRIOVCtlVFEnable|SRIOVCtlVFMSE))
	st, ok := c.SRIOV()
	require.True(t, ok)
	assert.Equal(t, SRIOVState{
		VFEnable: true, NumVFs: 10, TotalVFs: 100, FirstVFOffset: 4, VFStride: 2,
		VFDeviceID: 0x1042, VFMemorySpace: true, VFBAR0: 0x1_E0000000,
	}, st)
	assert.Equal(t, 10, st.EnabledVFs())
	assert.Equal(t, 10, c.EnabledVFs())
	assert.Equal(t, RID(0x0204), st.VFRID(c.RID(), 1))
	assert.Equal(t, RID(0x0216), st.VFRID(c.RID(), 10))
	assert.Equal(t, uint64(0x1_E0000000+2*BAR0Size), st.VFBAR0Addr(3))
	b0, ok := c.VFBAR0()
	assert.True(t, ok)
	assert.Equal(t, st.VFBAR0, b0, "the shortcut reads what SRIOV() does")
	mustWrite(t, c, SRIOVCapOffset+SRIOVVFBAR0, 4, 0xD000000C) // the low bits are the BAR's type, not its address
	st, _ = c.SRIOV()
	b0, _ = c.VFBAR0()
	assert.Equal(t, st.VFBAR0, b0)
	assert.Equal(t, uint64(0x1_D0000000), b0)

	n, ok := st.VFNumber(c.RID(), 0x0216)
	assert.True(t, ok)
	assert.Equal(t, 10, n)
	_, ok = st.VFNumber(c.RID(), 0x0218) // VF 11: exists in TotalVFs, not enabled
	assert.False(t, ok)
	_, ok = st.VFNumber(c.RID(), 0x0205) // between strides
	assert.False(t, ok)

	vendor, device, ok := VFIdentity(c)
	require.True(t, ok)
	assert.Equal(t, uint16(0x1af4), vendor)
	assert.Equal(t, uint16(0x1042), device)

	mustWrite(t, c, sriovCtl, 2, 0)
	st, _ = c.SRIOV()
	assert.Equal(t, 0, st.EnabledVFs())
	assert.Equal(t, 0, c.EnabledVFs(), "VF Enable = 0")
}

// TestEnabledVFs: the kept count is what SRIOV().EnabledVFs() reads, NumVFs'
// high byte included, whichever register is written first, a byte at a
// time or after a reset.
func TestEnabledVFs(t *testing.T) {
	for _, tc := range []struct {
		num         uint32
		enable      bool
		enableFirst bool // VF Enable written before NumVFs
		bytes       bool // NumVFs written a byte at a time
		reset       bool // the function reset afterwards
	}{
		{num: 0}, {num: 0, enable: true}, {num: 3}, {num: 3, enable: true}, {num: 0x100, enable: true},
		{num: 0x12c, enable: true}, {num: 0x12c},
		{num: 5, enable: true, enableFirst: true}, {num: 0x12c, enable: true, enableFirst: true, bytes: true},
		{num: 0x12c, enable: true, bytes: true}, {num: 7, enable: true, reset: true},
	} {
		c, err := NewPFConfig(PFOptions{RID: 0x0200, DeviceID: 0x1045, TotalVFs: 300, FirstVFOffset: 1, VFStride: 1, MSIXVectors: 2})
		require.NoError(t, err)
		if tc.enable && tc.enableFirst {
			mustWrite(t, c, sriovCtl, 2, uint32(SRIOVCtlVFEnable))
		}
		if tc.bytes {
			mustWrite(t, c, sriovNumVFs, 1, tc.num&0xFF)
			mustWrite(t, c, sriovNumVFs+1, 1, tc.num>>8)
		} else {
			mustWrite(t, c, sriovNumVFs, 2, tc.num)
		}
		if tc.enable && !tc.enableFirst {
			mustWrite(t, c, sriovCtl, 2, uint32(SRIOVCtlVFEnable))
		}
		if tc.reset {
			c.Reset()
		}
		st, ok := c.SRIOV()
		require.True(t, ok)
		assert.Equal(t, st.EnabledVFs(), c.EnabledVFs(), "%+v", tc)
		assert.Equal(t, int(c.decodeEnabledVFs()), c.EnabledVFs(), "%+v", tc)
	}
}

func TestSRIOVAbsent(t *testing.T) {
	pf, err := NewPFConfig(PFOptions{RID: 0x0100, DeviceID: 0x1042, MSIXVectors: 1})
	require.NoError(t, err)
	vf := testVF(t)
	for name, c := range map[string]*ConfigSpace{"PF without VFs": pf, "VF": vf} {
		_, ok := c.SRIOV()
		assert.False(t, ok, name)
		assert.Zero(t, c.EnabledVFs(), name)
		_, ok = c.VFBAR0()
		assert.False(t, ok, name)
		_, _, ok = VFIdentity(c)
		assert.False(t, ok, name)
		off, err := FindExtCap(c, ExtCapIDSRIOV)
		require.NoError(t, err, name)
		assert.Zero(t, off, name)
	}
}

func TestVFRID(t *testing.T) {
	tests := []struct {
		name          string
		pf            RID
		first, stride uint16
		n             int
		want          RID
	}{
		{"VF 1 stride 1", 0x0100, 1, 1, 1, 0x0101},
		{"VF 8 stride 1", 0x0100, 1, 1, 8, 0x0108},
		{"stride 2", 0x0300, 0x80, 2, 5, 0x0388},
		{"stride 8 crosses bus", 0x0100, 8, 8, 32, 0x0200},
		{"odd PF function", 0x0101, 0x0F, 3, 4, 0x0119},
		{"wraps past 0xFFFF", 0xFF00, 0x80, 4, 0x21, 0x0000},
		{"wraps further", 0xFF00, 0x80, 4, 0x61, 0x0100},
		{"wraps to 1", 0xFFFF, 1, 1, 2, 0x0001},
		{"65535 VFs", 0x0000, 1, 1, 65535, 0xFFFF},
		{"stride 0 single VF", 0x0100, 0x10, 0, 1, 0x0110},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := VFRID(tt.pf, tt.first, tt.stride, tt.n)
			assert.Equal(t, tt.want, got)
			n, ok := VFNumber(tt.pf, tt.first, tt.stride, got)
			assert.True(t, ok)
			assert.Equal(t, tt.n, n, "inverse")
		})
	}
}

func TestVFNumberNoMatch(t *testing.T) {
	tests := []struct {
		name          string
		pf            RID
		first, stride uint16
		vf            RID
	}{
		{"between strides", 0x0100, 2, 2, 0x0103},
		{"stride 4 misaligned", 0x0100, 4, 4, 0x0106},
		{"stride 0 other RID", 0x0100, 1, 0, 0x0102},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok := VFNumber(tt.pf, tt.first, tt.stride, tt.vf)
			assert.False(t, ok)
		})
	}
}

// TestVFNumberExhaustive compares VFNumber with a naive search over every VF
// for strides that exercise the modular inverse, wrap-around included.
func TestVFNumberExhaustive(t *testing.T) {
	for _, stride := range []uint16{1, 2, 3, 6, 0x100, 0xFFFF} {
		pf, first := RID(0xF000), uint16(0x0F01)
		first2 := map[RID]int{}
		for n := 1; n <= 1<<16; n++ {
			r := VFRID(pf, first, stride, n)
			if _, seen := first2[r]; !seen {
				first2[r] = n
			}
		}
		for r := 0; r < 1<<16; r++ {
			n, ok := VFNumber(pf, first, stride, RID(r))
			want, wantOK := first2[RID(r)]
			require.Equal(t, wantOK, ok, "stride %d rid %#x", stride, r)
			require.Equal(t, want, n, "stride %d rid %#x", stride, r)
		}
	}
}

func TestPFOptionsRejected(t *testing.T) {
	base := PFOptions{RID: 0x0100, DeviceID: 0x1042, TotalVFs: 4, FirstVFOffset: 1, VFStride: 1, MSIXVectors: 2}
	tests := []struct {
		name   string
		mutate func(o *PFOptions)
		want   string
	}{
		{"no MSI-X vectors", func(o *PFOptions) { o.MSIXVectors = 0 }, "MSIXVectors 0"},
		{"too many MSI-X vectors", func(o *PFOptions) { o.MSIXVectors = MaxMSIXVectors + 1 }, "MSIXVectors 257"},
		{"first offset 0", func(o *PFOptions) { o.FirstVFOffset = 0 }, "FirstVFOffset 0"},
		{"stride 0 with several VFs", func(o *PFOptions) { o.VFStride = 0 }, "VFStride 0"},
		{"stride repeats", func(o *PFOptions) { o.VFStride = 0x8000 }, "at most 1 VFs"},
		{"VF lands on PF", func(o *PFOptions) { o.FirstVFOffset = 0xFFFE }, "VF 3 of TotalVFs 4"},
		{"class too wide", func(o *PFOptions) { o.ClassCode = 0x1000000 }, "ClassCode"},
		{"device config too long", func(o *PFOptions) { o.DeviceCfgLen = 0x2000 }, "DeviceCfgLen"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := base
			tt.mutate(&o)
			_, err := NewPFConfig(o)
			require.ErrorIs(t, err, ErrBadOptions)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), "pcie: PF 01:00.0")
		})
	}
	_, err := NewVFConfig(VFOptions{})
	assert.ErrorIs(t, err, ErrBadOptions)
}

func TestPFOptionsMaxVFs(t *testing.T) {
	c, err := NewPFConfig(PFOptions{RID: 0x0000, DeviceID: 0x1042, TotalVFs: 0xFFFF, FirstVFOffset: 1, VFStride: 1, MSIXVectors: 1})
	require.NoError(t, err)
	mustWrite(t, c, sriovNumVFs, 2, 0xFFFF)
	e := mustWrite(t, c, sriovCtl, 2, 1)
	assert.True(t, e.Has(VFEnableChanged))
	st, _ := c.SRIOV()
	assert.Equal(t, 0xFFFF, st.EnabledVFs())
}
