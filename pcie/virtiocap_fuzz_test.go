package pcie

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// FuzzReadVirtioCap walks a configuration space made of the fuzzer's bytes
// (zero past them) and reads a virtio capability at off and at every
// vendor-specific capability the walk finds: never a panic, errors name the
// offset, and FindVirtioCap gives what ReadVirtioCap reads at the offset it
// found. Seeded with the configuration space of a real PF.
func FuzzReadVirtioCap(f *testing.F) {
	pf, err := NewPFConfig(PFOptions{RID: 0x0100, DeviceID: 0x1042, TotalVFs: 8, FirstVFOffset: 1, VFStride: 1, MSIXVectors: 4})
	require.NoError(f, err)
	var real rawConfig
	for off := 0; off < ConfigSpaceSize; off += 4 {
		v, err := pf.Read(off, 4)
		require.NoError(f, err)
		real[off], real[off+1], real[off+2], real[off+3] = byte(v), byte(v>>8), byte(v>>16), byte(v>>24)
	}
	caps, err := Caps(&real)
	require.NoError(f, err)
	for _, c := range caps {
		f.Add(real[:0x100], uint16(c.Offset))
	}
	f.Add(real[:], uint16(0))
	f.Add([]byte{}, uint16(ConfigSpaceSize-2))
	f.Add(chain([3]int{0x40, int(CapIDVendor), 0x40})[:0x100], uint16(0x40))
	f.Fuzz(func(t *testing.T, b []byte, off uint16) {
		var r rawConfig
		copy(r[:], b)
		checkRead := func(off int) {
			v, err := ReadVirtioCap(&r, off)
			if err != nil {
				require.True(t, strings.Contains(err.Error(), fmt.Sprintf("at %#x", off)), "%v", err)
				return
			}
			require.Equal(t, off, v.CapOffset)
		}
		checkRead(int(off))
		caps, err := Caps(&r)
		if err != nil {
			require.True(t, errors.Is(err, ErrCapChain) || strings.HasPrefix(err.Error(), "pcie: "), "%v", err)
			return
		}
		for _, c := range caps {
			if c.ID == uint16(CapIDVendor) && c.Offset < 0x100 {
				checkRead(c.Offset)
			}
		}
		for _, ct := range spec.VirtioPCICapTypes() {
			c, found, err := FindVirtioCap(&r, ct)
			if err != nil || !found {
				continue
			}
			again, err := ReadVirtioCap(&r, c.CapOffset)
			require.NoError(t, err)
			require.Equal(t, c, again)
			require.Equal(t, ct, c.CfgType)
		}
	})
}
