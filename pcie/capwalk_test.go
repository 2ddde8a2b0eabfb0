package pcie

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

func TestCapabilityChainWalk(t *testing.T) {
	wantStd := []Cap{
		{PMCapOffset, uint16(CapIDPM)},
		{PCIeCapOffset, uint16(CapIDPCIe)},
		{MSIXCapOffset, uint16(CapIDMSIX)},
		{VirtioCommonCapOffset, uint16(CapIDVendor)},
		{VirtioNotifyCapOffset, uint16(CapIDVendor)},
		{VirtioISRCapOffset, uint16(CapIDVendor)},
		{VirtioDeviceCapOffset, uint16(CapIDVendor)},
	}
	tests := []struct {
		name    string
		c       *ConfigSpace
		wantExt []Cap
	}{
		{"PF", testPF(t), []Cap{{SRIOVCapOffset, ExtCapIDSRIOV}}},
		{"VF", testVF(t), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			caps, err := Caps(tt.c)
			require.NoError(t, err)
			assert.Equal(t, wantStd, caps)
			ext, err := ExtCaps(tt.c)
			require.NoError(t, err)
			assert.Equal(t, tt.wantExt, ext)

			off, err := FindCap(tt.c, CapIDMSIX)
			require.NoError(t, err)
			assert.Equal(t, MSIXCapOffset, off)
			off, err = FindCap(tt.c, 0x05) // MSI: not offered
			require.NoError(t, err)
			assert.Zero(t, off)
		})
	}
}

func TestFindVirtioCap(t *testing.T) {
	tests := []struct {
		typ  spec.VirtioPCICapType
		want VirtioCap
	}{
		{spec.VirtioPCICapCommonCfg, VirtioCap{CapOffset: VirtioCommonCapOffset, CfgType: spec.VirtioPCICapCommonCfg, Offset: BAR0CommonCfg, Length: spec.CommonCfgSize}},
		{spec.VirtioPCICapNotifyCfg, VirtioCap{CapOffset: VirtioNotifyCapOffset, CfgType: spec.VirtioPCICapNotifyCfg, Offset: BAR0Notify, Length: BAR0NotifyLen, NotifyOffMultiplier: NotifyMultiplier}},
		{spec.VirtioPCICapISRCfg, VirtioCap{CapOffset: VirtioISRCapOffset, CfgType: spec.VirtioPCICapISRCfg, Offset: BAR0ISR, Length: 1}},
		{spec.VirtioPCICapDeviceCfg, VirtioCap{CapOffset: VirtioDeviceCapOffset, CfgType: spec.VirtioPCICapDeviceCfg, Offset: BAR0DeviceCfg, Length: BAR0DeviceCfgLen}},
	}
	for _, c := range []*ConfigSpace{testPF(t), testVF(t)} {
		for _, tt := range tests {
			t.Run(tt.typ.String(), func(t *testing.T) {
				got, found, err := FindVirtioCap(c, tt.typ)
				require.NoError(t, err)
				require.True(t, found)
				assert.Equal(t, tt.want, got)
				assert.Equal(t, uint32(virtioCapSize+4*boolInt(tt.typ == spec.VirtioPCICapNotifyCfg)),
					mustRead(t, c, got.CapOffset+VirtioCapLen, 1), "cap_len")
			})
		}
		_, found, err := FindVirtioCap(c, spec.VirtioPCICapPCICfg)
		require.NoError(t, err)
		assert.False(t, found, "PCI_CFG is not offered")
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// rawConfig is a ConfigReader over hand-made bytes, for malformed chains.
type rawConfig [ConfigSpaceSize]byte

func (r *rawConfig) Read(off, size int) (uint32, error) {
	if err := checkAccess(off, size); err != nil {
		return 0, err
	}
	var v uint32
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint32(r[off+i])
	}
	return v, nil
}

func chain(links ...[3]int) *rawConfig {
	r := &rawConfig{}
	binary.LittleEndian.PutUint16(r[RegStatus:], StatusCapList)
	for _, l := range links { // {offset of pointer byte, value, id at value}
		r[l[0]] = byte(l[1])
		if l[1] >= 0x40 && l[1] < 0x100 {
			r[l[1]] = byte(l[2])
		}
	}
	return r
}

func TestCapabilityChainMalformed(t *testing.T) {
	tests := []struct {
		name string
		r    *rawConfig
		want string
	}{
		{"pointer into header", chain([3]int{RegCapPtr, 0x40, 1}, [3]int{0x41, 0x20, 0}), "capability pointer 0x20 at 0x41"},
		{"loop", chain([3]int{RegCapPtr, 0x40, 1}, [3]int{0x41, 0x40, 1}), "longer than 48"},
		{"first pointer into header", chain([3]int{RegCapPtr, 0x3C, 0}), "capability pointer 0x3c at 0x34"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Caps(tt.r)
			require.ErrorIs(t, err, ErrCapChain)
			assert.Contains(t, err.Error(), tt.want)
		})
	}

	t.Run("no capability list bit", func(t *testing.T) {
		r := chain([3]int{RegCapPtr, 0x40, 1})
		r[RegStatus] = 0
		caps, err := Caps(r)
		require.NoError(t, err)
		assert.Empty(t, caps)
	})
	t.Run("low pointer bits ignored", func(t *testing.T) {
		r := chain([3]int{RegCapPtr, 0x43, 0})
		r[0x40] = CapIDPCIe
		caps, err := Caps(r)
		require.NoError(t, err)
		assert.Equal(t, []Cap{{0x40, uint16(CapIDPCIe)}}, caps)
	})
	t.Run("short notify cap", func(t *testing.T) {
		r := chain([3]int{RegCapPtr, 0x40, int(CapIDVendor)})
		r[0x40+VirtioCapLen] = 16
		r[0x40+VirtioCapCfgType] = byte(spec.VirtioPCICapNotifyCfg)
		_, _, err := FindVirtioCap(r, spec.VirtioPCICapNotifyCfg)
		require.ErrorIs(t, err, ErrCapChain)
		assert.Contains(t, err.Error(), "cap_len 16, want at least 20")
	})
	t.Run("virtio cap with bad BAR skipped", func(t *testing.T) {
		r := chain([3]int{RegCapPtr, 0x40, int(CapIDVendor)})
		r[0x40+VirtioCapLen] = 16
		r[0x40+VirtioCapCfgType] = byte(spec.VirtioPCICapCommonCfg)
		r[0x40+VirtioCapBAR] = 6
		_, found, err := FindVirtioCap(r, spec.VirtioPCICapCommonCfg)
		require.NoError(t, err)
		assert.False(t, found)
	})
	t.Run("not a vendor cap", func(t *testing.T) {
		_, err := ReadVirtioCap(testPF(t), PCIeCapOffset)
		require.ErrorIs(t, err, ErrCapChain)
		assert.Contains(t, err.Error(), "at 0x48 has ID 0x10")
	})
	t.Run("read past end", func(t *testing.T) {
		_, err := ReadVirtioCap(testPF(t), ConfigSpaceSize-2)
		assert.ErrorIs(t, err, ErrOutOfRange)
	})
}

func TestExtCapabilityChainMalformed(t *testing.T) {
	tests := []struct {
		name    string
		headers map[int]uint32
		want    string
	}{
		{"next below 0x100", map[int]uint32{0x100: 0x0801_0010}, "points to 0x80"},
		{"loop", map[int]uint32{0x100: 0x1001_0010}, "longer than"},
		{"next to empty header", map[int]uint32{0x100: 0x2001_0010}, "header at 0x200 is 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &rawConfig{}
			for o, h := range tt.headers {
				binary.LittleEndian.PutUint32(r[o:], h)
			}
			_, err := ExtCaps(r)
			require.ErrorIs(t, err, ErrCapChain)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	r := &rawConfig{}
	binary.LittleEndian.PutUint32(r[0x100:], 0xFFFFFFFF)
	caps, err := ExtCaps(r)
	require.NoError(t, err)
	assert.Empty(t, caps, "all-ones header means none")
}
