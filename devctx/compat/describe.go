package compat

import (
	"fmt"
	"slices"
	"strings"
)

// DeviceDescription describes a source device as its implementation knows
// it: every parameter with its current value and off value. Header turns it
// into the CompatHeader that travels with the saved state.
type DeviceDescription struct {
	Model string
	// VirtioDeviceID zero means the id of the model (ModelDeviceID).
	VirtioDeviceID uint16
	StateVersion   uint16
	Impl           string
	Params         []ParamSetting
	DeviceFeatures uint64
	// DriverFeatures, when non-nil, are carried in the header TLV.
	DriverFeatures *uint64
	Parts          []PartEntry
}

// ParamSetting is a source parameter: its value and, when the parameter
// can be disabled, its off value (nil: it cannot).
type ParamSetting struct {
	Name  string
	Value Value
	Off   *Value
}

// Header builds the compatibility header (docs/compat.md, "Header
// layout"): params sorted by name, holding only values that differ from
// their off value plus every parameter without an off value (a new
// parameter left off is omitted, so an older destination accepts the
// state: docs/compat.md, "Newer and older implementations").
func (d DeviceDescription) Header() (CompatHeader, error) {
	h := CompatHeader{
		FmtMajor: CompatFmtMajor, FmtMinor: CompatFmtMinor,
		Model: d.Model, VirtioDeviceID: d.VirtioDeviceID, StateVersion: d.StateVersion,
		DeviceFeatures: d.DeviceFeatures, Impl: d.Impl,
		Parts: append([]PartEntry(nil), d.Parts...),
	}
	if h.VirtioDeviceID == 0 {
		h.VirtioDeviceID, _ = ModelDeviceID(d.Model)
	}
	if d.DriverFeatures != nil {
		df := *d.DriverFeatures
		h.DriverFeatures = &df
	}
	for i, p := range d.Params {
		if p.Off != nil && p.Off.Type != p.Value.Type {
			return CompatHeader{}, fmt.Errorf("devctx: description: param %d (%s): off value %s is not a %s", i, p.Name, p.Off, p.Value.Type)
		}
		if p.Off != nil && *p.Off == p.Value {
			continue
		}
		h.Params = append(h.Params, Param{Name: p.Name, Value: p.Value})
	}
	slices.SortStableFunc(h.Params, func(a, b Param) int { return strings.Compare(a.Name, b.Name) })
	if err := h.Validate(); err != nil {
		return CompatHeader{}, err
	}
	return h, nil
}
