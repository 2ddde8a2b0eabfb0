package compat

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// CheckCompatible runs steps 1–7 of the decision procedure
// (docs/compat.md, "Decision procedure") for a source header against destination
// capabilities: format, model, version (these stop at the first failure),
// then param-unknown, param-type and param-value, param-required and
// features (all reported, sorted by stage, then parameter name or bit
// number). It returns nil or an *IncompatibleError, and changes neither
// side.
func CheckCompatible(src CompatHeader, dst DeviceCaps, at Where) error {
	if ms := checkCompat(src, dst); len(ms) > 0 {
		return newIncompatible(src, at, ms)
	}
	return nil
}

func newIncompatible(src CompatHeader, at Where, ms []Mismatch) *IncompatibleError {
	return &IncompatibleError{Phase: at.Phase, Member: at.Member, Model: src.Model, Impl: src.Impl, Mismatches: ms}
}

// checkCompat returns the mismatches of steps 1–7, in report order.
func checkCompat(src CompatHeader, dst DeviceCaps) []Mismatch {
	// 1. format
	if src.FmtMajor != CompatFmtMajor {
		return []Mismatch{{Code: CodeFormat, Field: "fmt_major",
			Source: strconv.Itoa(int(src.FmtMajor)), Destination: strconv.Itoa(int(CompatFmtMajor))}}
	}
	if err := src.Validate(); err != nil {
		return []Mismatch{{Code: CodeFormat, Field: "header",
			Source: strings.TrimPrefix(err.Error(), "devctx: compat header: "), Destination: "a valid header"}}
	}
	if id, ok := ModelDeviceID(src.Model); ok && id != src.VirtioDeviceID {
		return []Mismatch{deviceIDMismatch(src.VirtioDeviceID, id)}
	}
	// 2. model
	m, ok := dst.Model(src.Model)
	if !ok {
		return []Mismatch{{Code: CodeModel, Field: "model", Source: src.Model, Destination: dstModels(dst)}}
	}
	if m.DeviceID != 0 && m.DeviceID != src.VirtioDeviceID {
		return []Mismatch{deviceIDMismatch(src.VirtioDeviceID, m.DeviceID)}
	}
	// 3. version
	switch {
	case src.StateVersion > m.MaxVersion:
		return []Mismatch{{Code: CodeVersionTooNew, Field: "state_version",
			Source: strconv.Itoa(int(src.StateVersion)), Destination: strconv.Itoa(int(m.MaxVersion))}}
	case src.StateVersion < m.MinVersion:
		return []Mismatch{{Code: CodeVersionTooOld, Field: "state_version",
			Source: strconv.Itoa(int(src.StateVersion)), Destination: strconv.Itoa(int(m.MinVersion))}}
	}
	// 4–6. parameters, on the alias-expanded list.
	params, ms := expandAliases(src.Params, m)
	listed := make(map[string]bool, len(params))
	for _, p := range params {
		listed[p.Name] = true
		pc, ok := m.Param(p.Name)
		switch {
		case !ok:
			ms = append(ms, Mismatch{Code: CodeParamUnknown, Field: p.Name, Source: p.Value.String(), Destination: "unknown"})
		case pc.Type != p.Value.Type:
			ms = append(ms, Mismatch{Code: CodeParamType, Field: p.Name,
				Source: p.Value.Type.String() + " " + p.Value.String(), Destination: pc.Type.String()})
		case !pc.Admits(p.Value):
			ms = append(ms, Mismatch{Code: CodeParamValue, Field: p.Name, Source: p.Value.String(), Destination: formatAllowed(pc.Allowed)})
		}
	}
	for _, pc := range m.Params {
		if pc.Off == nil && !listed[pc.Name] {
			d := "no off value"
			if len(pc.Allowed) > 0 {
				d += " (allows " + formatAllowed(pc.Allowed) + ")"
			}
			ms = append(ms, Mismatch{Code: CodeParamRequired, Field: pc.Name, Source: "absent", Destination: d})
		}
	}
	// 7. features
	if missing := src.DeviceFeatures &^ m.Features; missing != 0 {
		for b := 0; b < 64; b++ {
			if missing&(1<<uint(b)) != 0 {
				ms = append(ms, Mismatch{Code: CodeFeatures, Field: FeatureName(src.Model, b),
					Source: "offered", Destination: "unsupported", Bit: b})
			}
		}
	}
	sortMismatches(ms)
	return ms
}

func deviceIDMismatch(got, want uint16) Mismatch {
	return Mismatch{Code: CodeCorrupt, Field: "virtio_device_id",
		Source: strconv.Itoa(int(got)), Destination: "expects " + strconv.Itoa(int(want)) + " for the model"}
}

// dstModels lists the destination's models for a model mismatch.
func dstModels(dst DeviceCaps) string {
	if len(dst.Models) == 0 {
		return "(no models)"
	}
	names := make([]string, len(dst.Models))
	for i, m := range dst.Models {
		names[i] = m.Model
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// sortMismatches orders by stage (code), then bit number, then field.
func sortMismatches(ms []Mismatch) {
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := ms[i], ms[j]
		if a.Code != b.Code {
			return a.Code < b.Code
		}
		if a.Bit != b.Bit {
			return a.Bit < b.Bit
		}
		return a.Field < b.Field
	})
}

// expandAliases replaces a source version=N by the destination's parameter
// set for N (docs/compat.md, "Newer and older implementations"), explicit
// source parameters winning
// over the alias. A model without aliases leaves version as an ordinary
// parameter. It returns a new sorted list and the alias mismatches.
func expandAliases(src []Param, m ModelCaps) ([]Param, []Mismatch) {
	out := SortParams(src)
	if len(m.Aliases) == 0 {
		return out, nil
	}
	idx := -1
	for i, p := range out {
		if p.Name == AliasParam {
			idx = i
		}
	}
	if idx < 0 {
		return out, nil
	}
	v := out[idx].Value
	rest := append(append([]Param(nil), out[:idx]...), out[idx+1:]...)
	versions := make([]Allowed, len(m.Aliases))
	for i, a := range m.Aliases {
		versions[i] = AllowValue(IntValue(a.Version))
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i].Lo.Int < versions[j].Lo.Int })
	if v.Type != ParamInt {
		return rest, []Mismatch{{Code: CodeParamType, Field: AliasParam, Source: v.Type.String() + " " + v.String(), Destination: "int"}}
	}
	for _, a := range m.Aliases {
		if a.Version != v.Int {
			continue
		}
		explicit := make(map[string]bool, len(rest))
		for _, p := range rest {
			explicit[p.Name] = true
		}
		for _, p := range a.Params {
			if !explicit[p.Name] {
				rest = append(rest, p)
			}
		}
		return SortParams(rest), nil
	}
	return rest, []Mismatch{{Code: CodeParamValue, Field: AliasParam, Source: v.String(), Destination: formatAllowed(versions)}}
}

// EffectiveParams returns the parameter set a destination runs a source
// with: the source list with aliases expanded, plus every destination
// parameter the source omitted at its off value (docs/compat.md, "Decision
// procedure" and "Newer and older implementations"). setToOff lists the
// latter. Call it after
// CheckCompatible passed.
func EffectiveParams(src CompatHeader, m ModelCaps) (params, setToOff []Param) {
	params, _ = expandAliases(src.Params, m)
	listed := make(map[string]bool, len(params))
	for _, p := range params {
		listed[p.Name] = true
	}
	for _, pc := range m.Params {
		if !listed[pc.Name] && pc.Off != nil {
			setToOff = append(setToOff, Param{Name: pc.Name, Value: *pc.Off})
		}
	}
	setToOff = SortParams(setToOff)
	return SortParams(append(params, setToOff...)), setToOff
}

// NegotiatedFeatures returns the device feature bitmap the destination
// offers to the guest: exactly the source's bitmap, never the
// destination's superset (docs/compat.md, "Decision procedure", step 7). Bits the destination lacks (only
// possible when CheckCompatible failed) are left out; an unknown model
// gives 0.
func NegotiatedFeatures(src CompatHeader, dst DeviceCaps) uint64 {
	m, ok := dst.Model(src.Model)
	if !ok {
		return 0
	}
	return src.DeviceFeatures & m.Features
}

// FormatFeatures renders a bitmap as 0x… (NAME|NAME) for model.
func FormatFeatures(model string, fs uint64) string {
	var names []string
	for b := 0; b < 64; b++ {
		if fs&(1<<uint(b)) != 0 {
			names = append(names, FeatureName(model, b))
		}
	}
	if len(names) == 0 {
		return "0x0"
	}
	return fmt.Sprintf("%#x (%s)", fs, strings.Join(names, "|"))
}
