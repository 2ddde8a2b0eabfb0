package compat

import (
	"fmt"

	"github.com/migsim/migsim/spec"
)

// DeviceCaps is what a destination accepts (docs/compat.md, "The model").
// Impl is informational.
type DeviceCaps struct {
	Impl   string
	Models []ModelCaps
}

// ModelCaps is what a destination accepts for one model.
type ModelCaps struct {
	// Model is the model URI, matched exactly.
	Model string
	// DeviceID, when non-zero, is the virtio device id the destination
	// expects for the model; a source header with another id is corrupt.
	DeviceID uint16
	// MinVersion..MaxVersion is the accepted state_version range.
	MinVersion, MaxVersion uint16
	// Params are the parameters the destination knows.
	Params []ParamCaps
	// Features is the supported device feature bitmap.
	Features uint64
	// Parts are the known part types; empty means the types spec knows
	// (spec.PartType.Known).
	Parts []spec.PartType
	// Aliases expand a source parameter version=N into a parameter set
	// (machine-type style) before checking.
	Aliases []VersionAlias
}

// ParamCaps describes one destination parameter.
type ParamCaps struct {
	Name string
	Type ParamType
	// Allowed lists the admitted values and int ranges; empty admits every
	// value of Type.
	Allowed []Allowed
	// Init is the value a freshly created device starts with (nil: none
	// given). It plays no part in the check.
	Init *Value
	// Off is the value that means "feature off / old behaviour"; a source
	// that omits the parameter runs with it. Nil means the parameter
	// cannot be disabled, so a source must list it.
	Off *Value
}

// Admits reports whether v has the parameter's type and is allowed.
func (p ParamCaps) Admits(v Value) bool {
	if v.Type != p.Type {
		return false
	}
	if len(p.Allowed) == 0 {
		return true
	}
	for _, a := range p.Allowed {
		if a.Contains(v) {
			return true
		}
	}
	return false
}

// VersionAlias is one version=N alias: the parameter set N stands for.
type VersionAlias struct {
	Version int64
	Params  []Param
}

// AliasParam is the parameter name that selects a version alias.
const AliasParam = "version"

// Model returns the capabilities for model and whether there are any.
func (c DeviceCaps) Model(model string) (ModelCaps, bool) {
	for _, m := range c.Models {
		if m.Model == model {
			return m, true
		}
	}
	return ModelCaps{}, false
}

// Param returns the destination parameter called name.
func (m ModelCaps) Param(name string) (ParamCaps, bool) {
	for _, p := range m.Params {
		if p.Name == name {
			return p, true
		}
	}
	return ParamCaps{}, false
}

// KnowsPart reports whether the destination knows part type t.
func (m ModelCaps) KnowsPart(t spec.PartType) bool {
	if len(m.Parts) == 0 {
		return t.Known()
	}
	for _, k := range m.Parts {
		if k == t {
			return true
		}
	}
	return false
}

// Validate checks the capabilities for internal consistency: unique
// models, min ≤ max, unique parameter names with valid types, allowed,
// init and off values of the parameter's type, init and off values the
// parameter allows, aliases naming known parameters.
func (c DeviceCaps) Validate() error {
	seen := map[string]bool{}
	for i, m := range c.Models {
		if m.Model == "" {
			return fmt.Errorf("devctx: caps: model %d: empty model", i)
		}
		if seen[m.Model] {
			return fmt.Errorf("devctx: caps: model %d (%s): duplicate", i, m.Model)
		}
		seen[m.Model] = true
		if m.MinVersion > m.MaxVersion {
			return fmt.Errorf("devctx: caps: model %s: state versions %d-%d: empty range", m.Model, m.MinVersion, m.MaxVersion)
		}
		names := map[string]bool{}
		for j, p := range m.Params {
			if err := p.validate(); err != nil {
				return fmt.Errorf("devctx: caps: model %s: param %d: %w", m.Model, j, err)
			}
			if names[p.Name] {
				return fmt.Errorf("devctx: caps: model %s: param %d (%s): duplicate", m.Model, j, p.Name)
			}
			names[p.Name] = true
		}
		for j, a := range m.Aliases {
			for _, p := range a.Params {
				pc, ok := m.Param(p.Name)
				if !ok || pc.Type != p.Value.Type {
					return fmt.Errorf("devctx: caps: model %s: alias %d (version=%d): param %s: not a %s parameter of the model",
						m.Model, j, a.Version, p.Name, p.Value.Type)
				}
			}
		}
	}
	return nil
}

func (p ParamCaps) validate() error {
	if p.Name == "" {
		return fmt.Errorf("empty name")
	}
	if !p.Type.Valid() {
		return fmt.Errorf("%s: invalid type %s", p.Name, p.Type)
	}
	for k, a := range p.Allowed {
		if a.Lo.Type != p.Type || a.Hi.Type != p.Type {
			return fmt.Errorf("%s: allowed %d (%s): not a %s", p.Name, k, a, p.Type)
		}
	}
	for _, v := range []struct {
		what string
		v    *Value
	}{{"init", p.Init}, {"off", p.Off}} {
		if v.v != nil && v.v.Type != p.Type {
			return fmt.Errorf("%s: %s value %s: not a %s", p.Name, v.what, v.v, p.Type)
		}
		if v.v != nil && !p.Admits(*v.v) {
			return fmt.Errorf("%s: %s value %s is not allowed (allowed %s)", p.Name, v.what, v.v, formatAllowed(p.Allowed))
		}
	}
	return nil
}
