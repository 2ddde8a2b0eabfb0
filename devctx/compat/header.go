package compat

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/spec"
)

// CompatMagic opens every saved state: "MGSC" (MiGSim Compatibility).
const CompatMagic = "MGSC"

// Compatibility header format version written by this package. A reader
// accepts any fmt_minor with an equal fmt_major (docs/compat.md, "Header
// layout").
const (
	CompatFmtMajor uint16 = 1
	CompatFmtMinor uint16 = 0
)

// Header TLV types known to format 1.0.
const (
	// TLVDriverFeatures carries the driver-acknowledged feature bits (le64)
	// at save time; CheckLoad checks them against device_features.
	TLVDriverFeatures uint16 = 1
)

// TLVFlagOptional is bit 0 of a header TLV's flags: a reader that does not
// know the TLV type skips it. An unknown TLV without it is a format error.
const TLVFlagOptional uint16 = 1 << 0

// PartEntry is one entry of the parts manifest: a part type the payload
// holds and its flags (bit 0 = spec.PartFlagOptional).
type PartEntry struct {
	Type  spec.PartType
	Flags uint8
}

// Optional reports whether the OPTIONAL flag is set.
func (p PartEntry) Optional() bool { return p.Flags&spec.PartFlagOptional != 0 }

// HeaderTLV is a header extension added by a newer fmt_minor that this
// reader does not know; it is kept so that re-encoding preserves it.
type HeaderTLV struct {
	Type  uint16
	Flags uint16
	Value []byte
}

// CompatHeader is the device identity carried with every saved state
// (docs/compat.md, "Header layout"). Params are sorted by name and hold only values
// that differ from the parameter's off value, plus every parameter that has
// no off value. Impl is informational and never a reason to reject.
type CompatHeader struct {
	FmtMajor, FmtMinor uint16
	Model              string
	VirtioDeviceID     uint16
	StateVersion       uint16
	Params             []Param
	DeviceFeatures     uint64
	Impl               string
	Parts              []PartEntry
	// DriverFeatures, when non-nil, are the driver-acknowledged features
	// (header TLV TLVDriverFeatures).
	DriverFeatures *uint64
	// Extensions are unknown OPTIONAL header TLVs, in input order.
	Extensions []HeaderTLV
	// PayloadLen and CRC32C describe the payload; EncodeSavedState fills
	// them and DecodeSavedState reports what the input claims.
	PayloadLen uint32
	CRC32C     uint32
}

// Param returns the parameter called name and whether it is listed.
func (h CompatHeader) Param(name string) (Value, bool) {
	for _, p := range h.Params {
		if p.Name == name {
			return p.Value, true
		}
	}
	return Value{}, false
}

// Validate checks what the encoding requires of a header: a model, params
// sorted by name without duplicates and with valid types, manifest entries
// whose flags hold no bit but OPTIONAL, and extension TLVs that are
// OPTIONAL and not of a known type.
func (h CompatHeader) Validate() error {
	if h.Model == "" {
		return fmt.Errorf("devctx: compat header: empty model")
	}
	for i, p := range h.Params {
		if p.Name == "" {
			return fmt.Errorf("devctx: compat header: param %d: empty name", i)
		}
		if !p.Value.Type.Valid() {
			return fmt.Errorf("devctx: compat header: param %d (%s): invalid type %s", i, p.Name, p.Value.Type)
		}
		if i > 0 && h.Params[i-1].Name >= p.Name {
			return fmt.Errorf("devctx: compat header: param %d (%s): not sorted after %q or duplicate", i, p.Name, h.Params[i-1].Name)
		}
	}
	for i, pe := range h.Parts {
		if pe.Flags&^spec.PartFlagOptional != 0 {
			return fmt.Errorf("devctx: compat header: part %d (%s): flags %#02x, only bit 0 (OPTIONAL) is defined", i, pe.Type, pe.Flags)
		}
	}
	for i, x := range h.Extensions {
		if x.Flags&TLVFlagOptional == 0 {
			return fmt.Errorf("devctx: compat header: extension %d (type %d): not OPTIONAL", i, x.Type)
		}
		if x.Type == TLVDriverFeatures {
			return fmt.Errorf("devctx: compat header: extension %d: type %d is known, use its field", i, x.Type)
		}
	}
	return nil
}

// SortParams returns a sorted copy of ps (by name).
func SortParams(ps []Param) []Param {
	out := append([]Param(nil), ps...)
	// slices' sort: sort.SliceStable's reflection costs two allocations
	// a call, and the hypervisor describes a device at every compat check.
	slices.SortStableFunc(out, func(a, b Param) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// modelDeviceIDs maps the model URIs migsim knows to their virtio device id;
// a header naming one of them with another id is corrupt.
var modelDeviceIDs = map[string]uint16{
	ModelNet: 1,
	ModelBlk: 2,
}

// Model URIs of the device types migsim knows.
const (
	ModelNet = "virtio-spec.org/pci/virtio-net"
	ModelBlk = "virtio-spec.org/pci/virtio-blk"
)

// ModelDeviceID returns the virtio device id of a known model URI.
func ModelDeviceID(model string) (uint16, bool) {
	id, ok := modelDeviceIDs[model]
	return id, ok
}
