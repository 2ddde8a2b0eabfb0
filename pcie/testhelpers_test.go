package pcie

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// testPF builds the PF most tests use: RID 01:00.0, 8 VFs at offset 1
// stride 1, 4 MSI-X vectors.
func testPF(t *testing.T) *ConfigSpace {
	t.Helper()
	c, err := NewPFConfig(PFOptions{RID: 0x0100, DeviceID: 0x1042, TotalVFs: 8, FirstVFOffset: 1, VFStride: 1, MSIXVectors: 4})
	require.NoError(t, err)
	return c
}

// testVF builds a VF of testPF.
func testVF(t *testing.T) *ConfigSpace {
	t.Helper()
	c, err := NewVFConfig(VFOptions{RID: 0x0101, MSIXVectors: 2})
	require.NoError(t, err)
	return c
}

func mustRead(t *testing.T, c ConfigReader, off, size int) uint32 {
	t.Helper()
	v, err := c.Read(off, size)
	require.NoError(t, err)
	return v
}

func mustWrite(t *testing.T, c *ConfigSpace, off, size int, val uint32) WriteEffect {
	t.Helper()
	e, err := c.Write(off, size, val)
	require.NoError(t, err)
	return e
}
