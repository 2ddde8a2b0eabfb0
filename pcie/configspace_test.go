package pcie

import (
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestConfigAccessBounds(t *testing.T) {
	c := testPF(t)
	tests := []struct {
		name    string
		off     int
		size    int
		wantErr error
	}{
		{"first byte", 0, 1, nil},
		{"last byte", ConfigSpaceSize - 1, 1, nil},
		{"last dword", ConfigSpaceSize - 4, 4, nil},
		{"unaligned word", 0x3, 2, nil},
		{"unaligned dword", 0x101, 4, nil},
		{"dword past end", ConfigSpaceSize - 3, 4, ErrOutOfRange},
		{"word past end", ConfigSpaceSize - 1, 2, ErrOutOfRange},
		{"offset at end", ConfigSpaceSize, 1, ErrOutOfRange},
		{"negative offset", -1, 1, ErrOutOfRange},
		{"huge offset", 1 << 40, 4, ErrOutOfRange},
		{"size 0", 0, 0, ErrBadSize},
		{"size 3", 0, 3, ErrBadSize},
		{"size 8", 0, 8, ErrBadSize},
		{"negative size", 0, -4, ErrBadSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, rerr := c.Read(tt.off, tt.size)
			_, werr := c.Write(tt.off, tt.size, 0)
			if tt.wantErr == nil {
				assert.NoError(t, rerr)
				assert.NoError(t, werr)
				return
			}
			assert.ErrorIs(t, rerr, tt.wantErr)
			assert.ErrorIs(t, werr, tt.wantErr)
			assert.Contains(t, rerr.Error(), "pcie: config read")
			assert.Contains(t, werr.Error(), "pcie: config write")
		})
	}
}

func TestConfigReadLittleEndian(t *testing.T) {
	c := testPF(t)
	assert.Equal(t, uint32(0x1af4), mustRead(t, c, RegVendorID, 2))
	assert.Equal(t, uint32(0x1042), mustRead(t, c, RegDeviceID, 2))
	assert.Equal(t, uint32(0x10421af4), mustRead(t, c, RegVendorID, 4))
	assert.Equal(t, uint32(0xf4), mustRead(t, c, RegVendorID, 1))
	assert.Equal(t, uint32(0x421a), mustRead(t, c, 1, 2), "unaligned read spans vendor and device id")
}

func TestConfigHeaderIdentity(t *testing.T) {
	c := testPF(t)
	tests := []struct {
		name string
		off  int
		size int
		want uint32
	}{
		{"revision", RegRevisionID, 1, uint32(DefaultRevision)},
		{"class code", RegClassCode, 1, DefaultClassCode & 0xFF},
		{"class sub", RegClassCode + 1, 1, DefaultClassCode >> 8 & 0xFF},
		{"class base", RegClassCode + 2, 1, DefaultClassCode >> 16},
		{"subsystem vendor", RegSubsystemVendorID, 2, 0x1af4},
		{"subsystem id", RegSubsystemID, 2, uint32(DefaultSubsystemID)},
		{"header type 0", RegHeaderType, 1, 0},
		{"interrupt pin none", RegInterruptPin, 1, 0},
		{"status cap list", RegStatus, 2, uint32(StatusCapList)},
		{"cap pointer", RegCapPtr, 1, PMCapOffset},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, mustRead(t, c, tt.off, tt.size))
		})
	}
}

// TestConfigReadOnlyBytes checks that writes of all-ones and zeros leave
// read-only registers as they were.
func TestConfigReadOnlyBytes(t *testing.T) {
	pf, vf := testPF(t), testVF(t)
	tests := []struct {
		name string
		c    *ConfigSpace
		off  int
		size int
	}{
		{"vendor and device id", pf, RegVendorID, 4},
		{"revision and class", pf, RegRevisionID, 4},
		{"subsystem", pf, RegSubsystemVendorID, 4},
		{"cap pointer", pf, RegCapPtr, 1},
		{"BAR2", pf, RegBAR0 + 8, 4},
		{"BAR5", pf, RegBAR0 + 20, 4},
		{"expansion ROM", pf, 0x30, 4},
		{"PM header and PMC", pf, PMCapOffset, 4},
		{"PCIe header", pf, PCIeCapOffset, 4},
		{"PCIe device capabilities", pf, PCIeCapOffset + PCIeDevCap, 4},
		{"MSI-X table offset", pf, MSIXCapOffset + MSIXTableReg, 4},
		{"MSI-X PBA offset", pf, MSIXCapOffset + MSIXPBAReg, 4},
		{"virtio common offset", pf, VirtioCommonCapOffset + VirtioCapOffset, 4},
		{"virtio notify multiplier", pf, VirtioNotifyCapOffset + VirtioCapNotifyMult, 4},
		{"SR-IOV header", pf, SRIOVCapOffset, 4},
		{"SR-IOV TotalVFs and InitialVFs", pf, SRIOVCapOffset + SRIOVInitialVFs, 4},
		{"SR-IOV offset and stride", pf, SRIOVCapOffset + SRIOVFirstVFOffset, 4},
		{"SR-IOV VF device id", pf, SRIOVCapOffset + SRIOVVFDeviceID - 2, 4},
		{"SR-IOV supported page sizes", pf, SRIOVCapOffset + SRIOVSupportedPageSizes, 4},
		{"extended space past SR-IOV", pf, 0x800, 4},
		{"VF vendor and device id", vf, RegVendorID, 4},
		{"VF BAR0", vf, RegBAR0, 4},
		{"VF BAR1", vf, RegBAR0 + 4, 4},
		{"VF extended header", vf, 0x100, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := mustRead(t, tt.c, tt.off, tt.size)
			for _, v := range []uint32{0xFFFFFFFF, 0, 0x5A5A5A5A} {
				mustWrite(t, tt.c, tt.off, tt.size, v)
				assert.Equal(t, before, mustRead(t, tt.c, tt.off, tt.size), "after writing %#x", v)
			}
		})
	}
}

func TestConfigWritableAndW1C(t *testing.T) {
	c := testPF(t)
	mustWrite(t, c, RegInterruptLine, 1, 0x0B)
	assert.Equal(t, uint32(0x0B), mustRead(t, c, RegInterruptLine, 1))
	mustWrite(t, c, RegCacheLineSize, 1, 0x10)
	assert.Equal(t, uint32(0x10), mustRead(t, c, RegCacheLineSize, 1))

	// Command: only the defined bits stick; I/O Space (bit 0) has no BAR.
	mustWrite(t, c, RegCommand, 2, 0xFFFF)
	assert.Equal(t, uint32(pfCommandMask), mustRead(t, c, RegCommand, 2))

	// Status error bits are write-1-to-clear: set one behind the masks, then
	// clear it; Capabilities List stays.
	c.set(RegStatus+1, c.at(RegStatus+1)|0x80)
	mustWrite(t, c, RegStatus, 2, 0x8000)
	assert.Equal(t, uint32(StatusCapList), mustRead(t, c, RegStatus, 2))
}

func TestBARSizing(t *testing.T) {
	tests := []struct {
		name string
		c    func(t *testing.T) *ConfigSpace
		off  int
	}{
		{"PF BAR0", testPF, RegBAR0},
		{"SR-IOV VF BAR0", testPF, SRIOVCapOffset + SRIOVVFBAR0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			assert.Equal(t, uint32(bar0Type64), mustRead(t, c, tt.off, 4), "64-bit memory BAR type")
			mustWrite(t, c, tt.off, 4, 0xFFFFFFFF)
			mustWrite(t, c, tt.off+4, 4, 0xFFFFFFFF)
			lo := mustRead(t, c, tt.off, 4)
			hi := mustRead(t, c, tt.off+4, 4)
			size := ^(uint64(hi)<<32 | uint64(lo&^0xF)) + 1
			assert.Equal(t, uint64(BAR0Size), size)
			assert.Equal(t, uint32(bar0Type64), lo&0xF, "type bits survive sizing")

			mustWrite(t, c, tt.off, 4, 0xFE012345)
			mustWrite(t, c, tt.off+4, 4, 0x00000080)
			assert.Equal(t, uint32(0xFE010004), mustRead(t, c, tt.off, 4), "address aligned to BAR0Size")
			assert.Equal(t, uint32(0x80), mustRead(t, c, tt.off+4, 4))
		})
	}
	c := testPF(t)
	fromRegs := func() uint64 {
		return uint64(mustRead(t, c, RegBAR0, 4)&^0xF) | uint64(mustRead(t, c, RegBAR0+4, 4))<<32
	}
	assert.Equal(t, fromRegs(), c.BAR0(), "never written: the layout's values")
	mustWrite(t, c, RegBAR0, 4, 0xFE000000)
	mustWrite(t, c, RegBAR0+4, 4, 0x1)
	assert.Equal(t, uint64(0x1_FE000000), c.BAR0())
	assert.Equal(t, fromRegs(), c.BAR0())
}

// TestConfigSpaceCompact checks that a configuration space never written is
// a few words (its values are the shared layout's, and its state hash is
// kept), and that a VF costs one allocation.
func TestConfigSpaceCompact(t *testing.T) {
	assert.LessOrEqual(t, unsafe.Sizeof(ConfigSpace{}), uintptr(40))
	tmpl, err := NewVFTemplate(VFOptions{MSIXVectors: 2})
	require.NoError(t, err)
	var vfs []*ConfigSpace
	allocs := testing.AllocsPerRun(100, func() { vfs = append(vfs[:0], tmpl.New(0x0101)) })
	assert.Equal(t, 1.0, allocs)
	require.Len(t, vfs, 1)
	assert.Equal(t, RID(0x0101), vfs[0].RID())
}

func TestConfigReset(t *testing.T) {
	c := testPF(t)
	mustWrite(t, c, RegCommand, 2, uint32(CmdBusMaster|CmdMemorySpace))
	mustWrite(t, c, RegBAR0, 4, 0xFE000000)
	e := c.Reset()
	assert.True(t, e.Has(BusMasterChanged|MemorySpaceChanged), "flags %s", e.Flags)
	assert.False(t, e.BusMaster)
	assert.Equal(t, uint32(0), mustRead(t, c, RegCommand, 2))
	assert.Equal(t, uint64(0), c.BAR0())
}

func TestEffectFlagsString(t *testing.T) {
	tests := []struct {
		f    EffectFlags
		want string
	}{
		{0, "NONE"},
		{FLRInitiated, "FLR_INITIATED"},
		{VFEnableChanged | NumVFsChanged, "VF_ENABLE_CHANGED|NUM_VFS_CHANGED"},
		{PowerStateIgnored | 1<<15, "POWER_STATE_IGNORED|0x8000"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.f.String())
	}
}
