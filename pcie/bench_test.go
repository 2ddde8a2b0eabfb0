package pcie

import (
	"errors"
	"testing"
)

func BenchmarkConfigWrite(b *testing.B) {
	c, err := NewPFConfig(PFOptions{RID: 0x0100, DeviceID: 0x1042, TotalVFs: 8, FirstVFOffset: 1, VFStride: 1, MSIXVectors: 4})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := c.Write(RegCommand, 2, uint32(CmdBusMaster)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVFTemplateNew(b *testing.B) {
	t, err := NewVFTemplate(VFOptions{MSIXVectors: 2})
	if err != nil {
		b.Fatal(err)
	}
	var sink *ConfigSpace
	for b.Loop() {
		sink = t.New(0x0101)
	}
	_ = sink
}

// FuzzConfigAccess checks that no access panics and that only the access
// itself (offset, size) or the NumVFs rule can make one fail.
func FuzzConfigAccess(f *testing.F) {
	f.Add(0, 4, uint32(0))
	f.Add(SRIOVCapOffset+SRIOVNumVFs, 2, uint32(0xFFFF))
	f.Add(PCIeCapOffset+PCIeDevCtl, 2, uint32(0x8000))
	f.Add(ConfigSpaceSize-1, 4, uint32(1))
	f.Fuzz(func(t *testing.T, off, size int, val uint32) {
		c, err := NewPFConfig(PFOptions{RID: 0x0100, DeviceID: 0x1042, TotalVFs: 8, FirstVFOffset: 1, VFStride: 1, MSIXVectors: 4})
		if err != nil {
			t.Fatal(err)
		}
		_, werr := c.Write(off, size, val)
		_, rerr := c.Read(off, size)
		if (rerr == nil) != (checkAccess(off, size) == nil) {
			t.Fatalf("read at %#x size %d: %v", off, size, rerr)
		}
		if werr != nil && rerr == nil && !errors.Is(werr, ErrNumVFsTooLarge) {
			t.Fatalf("write at %#x size %d: unexpected %v", off, size, werr)
		}
		if _, err := Caps(c); err != nil {
			t.Fatalf("chain broken by write at %#x: %v", off, err)
		}
	})
}
