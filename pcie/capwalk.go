package pcie

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// ErrCapChain is a capability list or extended capability list that is
// malformed: a pointer outside its area, a loop, or a virtio capability too
// short for its type.
var ErrCapChain = errors.New("malformed capability chain")

// ConfigReader reads a function's configuration space: a *ConfigSpace, or a
// guest driver's view that turns each read into a configuration read TLP.
type ConfigReader interface {
	Read(off, size int) (uint32, error)
}

// Cap is one entry of a capability list.
type Cap struct {
	Offset int
	ID     uint16 // 8-bit ID for the capability list, 16-bit for extended
}

// maxCaps bounds a walk of the capability list, like Linux's
// PCI_FIND_CAP_TTL: a chain longer than this loops.
const maxCaps = 48

// Caps walks the capability list from the Capabilities Pointer (0x34), as
// PCI software does: nothing if Status bit 4 is clear; the low two bits of
// each pointer are ignored. A pointer into the header (below 0x40), or a
// chain that loops, is an error wrapping ErrCapChain.
func Caps(r ConfigReader) ([]Cap, error) {
	st, err := r.Read(RegStatus, 2)
	if err != nil {
		return nil, fmt.Errorf("pcie: capability list: %w", err)
	}
	if uint16(st)&StatusCapList == 0 {
		return nil, nil
	}
	p, err := r.Read(RegCapPtr, 1)
	if err != nil {
		return nil, fmt.Errorf("pcie: capability list: %w", err)
	}
	var caps []Cap
	from := RegCapPtr
	for ptr := int(p) &^ 3; ptr != 0; {
		if ptr < 0x40 {
			return caps, fmt.Errorf("pcie: capability pointer %#x at %#x points into the header: %w", ptr, from, ErrCapChain)
		}
		if len(caps) == maxCaps {
			return caps, fmt.Errorf("pcie: capability list longer than %d entries (loop at %#x): %w", maxCaps, ptr, ErrCapChain)
		}
		h, err := r.Read(ptr, 2)
		if err != nil {
			return caps, fmt.Errorf("pcie: capability at %#x: %w", ptr, err)
		}
		caps = append(caps, Cap{Offset: ptr, ID: uint16(h & 0xFF)})
		from = ptr + 1
		ptr = int(h>>8) &^ 3
	}
	return caps, nil
}

// ExtCaps walks the extended capabilities from 0x100. A header of 0 (or all
// ones) at 0x100 means there are none. A next pointer below 0x100, or a
// chain that loops, is an error wrapping ErrCapChain.
func ExtCaps(r ConfigReader) ([]Cap, error) {
	var caps []Cap
	const maxExt = (ConfigSpaceSize - 0x100) / 8
	for ptr := 0x100; ; {
		h, err := r.Read(ptr, 4)
		if err != nil {
			return caps, fmt.Errorf("pcie: extended capability at %#x: %w", ptr, err)
		}
		if h == 0 || h == 0xFFFFFFFF {
			if ptr == 0x100 {
				return nil, nil
			}
			return caps, fmt.Errorf("pcie: extended capability header at %#x is %#x: %w", ptr, h, ErrCapChain)
		}
		if len(caps) == maxExt {
			return caps, fmt.Errorf("pcie: extended capability list longer than %d entries (loop at %#x): %w", maxExt, ptr, ErrCapChain)
		}
		caps = append(caps, Cap{Offset: ptr, ID: uint16(h)})
		next := int(h>>20) & 0xFFC
		if next == 0 {
			return caps, nil
		}
		if next < 0x100 {
			return caps, fmt.Errorf("pcie: extended capability at %#x points to %#x, below 0x100: %w", ptr, next, ErrCapChain)
		}
		ptr = next
	}
}

// FindCap returns the offset of the first capability with the given ID, or
// 0 if there is none.
func FindCap(r ConfigReader, id uint8) (int, error) {
	caps, err := Caps(r)
	if err != nil {
		return 0, err
	}
	for _, c := range caps {
		if c.ID == uint16(id) {
			return c.Offset, nil
		}
	}
	return 0, nil
}

// FindExtCap returns the offset of the first extended capability with the
// given ID, or 0 if there is none.
func FindExtCap(r ConfigReader, id uint16) (int, error) {
	caps, err := ExtCaps(r)
	if err != nil {
		return 0, err
	}
	for _, c := range caps {
		if c.ID == id {
			return c.Offset, nil
		}
	}
	return 0, nil
}

// VirtioCap is a decoded struct virtio_pci_cap.
type VirtioCap struct {
	// CapOffset is where the capability sits in configuration space.
	CapOffset int
	CfgType   spec.VirtioPCICapType
	BAR       uint8
	ID        uint8
	// Offset and Length locate the structure inside the BAR.
	Offset uint32
	Length uint32
	// NotifyOffMultiplier is set for NOTIFY_CFG only.
	NotifyOffMultiplier uint32
}

// ReadVirtioCap decodes the virtio PCI capability at off. A cap_len shorter
// than the structure (16 bytes, 20 for NOTIFY_CFG) is an error wrapping
// ErrCapChain.
func ReadVirtioCap(r ConfigReader, off int) (VirtioCap, error) {
	hdr, err := r.Read(off, 4)
	if err != nil {
		return VirtioCap{}, fmt.Errorf("pcie: virtio capability at %#x: %w", off, err)
	}
	if id := uint8(hdr); id != CapIDVendor {
		return VirtioCap{}, fmt.Errorf("pcie: capability at %#x has ID %#x, not vendor-specific %#x: %w", off, id, CapIDVendor, ErrCapChain)
	}
	v := VirtioCap{CapOffset: off, CfgType: spec.VirtioPCICapType(hdr >> 24)}
	capLen := int(hdr>>16) & 0xFF
	want := virtioCapSize
	if v.CfgType == spec.VirtioPCICapNotifyCfg {
		want = virtioNotifyCapSize
	}
	if capLen < want {
		return VirtioCap{}, fmt.Errorf("pcie: virtio capability %s at %#x: cap_len %d, want at least %d: %w", v.CfgType, off, capLen, want, ErrCapChain)
	}
	w, err := r.Read(off+VirtioCapBAR, 2)
	if err != nil {
		return VirtioCap{}, fmt.Errorf("pcie: virtio capability at %#x: %w", off, err)
	}
	v.BAR, v.ID = uint8(w), uint8(w>>8)
	if v.Offset, err = r.Read(off+VirtioCapOffset, 4); err == nil {
		v.Length, err = r.Read(off+VirtioCapLength, 4)
	}
	if err == nil && v.CfgType == spec.VirtioPCICapNotifyCfg {
		v.NotifyOffMultiplier, err = r.Read(off+VirtioCapNotifyMult, 4)
	}
	if err != nil {
		return VirtioCap{}, fmt.Errorf("pcie: virtio capability at %#x: %w", off, err)
	}
	return v, nil
}

// FindVirtioCap probes for the virtio capability of the given cfg_type the
// way Linux's virtio_pci_find_capability does: the first vendor-specific
// capability of that type whose bar names one of BAR0..5. found is false
// if there is none.
func FindVirtioCap(r ConfigReader, cfgType spec.VirtioPCICapType) (c VirtioCap, found bool, err error) {
	caps, err := Caps(r)
	if err != nil {
		return VirtioCap{}, false, err
	}
	for _, cp := range caps {
		if cp.ID != uint16(CapIDVendor) {
			continue
		}
		w, err := r.Read(cp.Offset+VirtioCapCfgType, 2)
		if err != nil {
			return VirtioCap{}, false, fmt.Errorf("pcie: virtio capability at %#x: %w", cp.Offset, err)
		}
		if spec.VirtioPCICapType(w) != cfgType || uint8(w>>8) > 5 {
			continue
		}
		v, err := ReadVirtioCap(r, cp.Offset)
		if err != nil {
			return VirtioCap{}, false, err
		}
		return v, true, nil
	}
	return VirtioCap{}, false, nil
}
