package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"sync"

	"github.com/migsim/migsim/internal/inputfile"
	"github.com/migsim/migsim/internal/jsonpath"
	"github.com/migsim/migsim/spec"
)

// Device description files (docs/compat.md "Description files"): a source
// description names what the source device runs with, a destination
// description what the destination accepts. Every error names the JSON
// path of the value and its line and column, and, for a number, its
// bounds.

type jsonSource struct {
	Model          string            `json:"model"`
	VirtioDeviceID json.RawMessage   `json:"virtio_device_id"`
	StateVersion   json.RawMessage   `json:"state_version"`
	Impl           string            `json:"impl"`
	Params         []jsonSrcParam    `json:"params"`
	DeviceFeatures []json.RawMessage `json:"device_features"`
	DriverFeatures []json.RawMessage `json:"driver_features"`
	Parts          []jsonPart        `json:"parts"`
}

type jsonSrcParam struct {
	Name  string          `json:"name"`
	Type  string          `json:"type"`
	Value json.RawMessage `json:"value"`
	Off   json.RawMessage `json:"off"`
}

type jsonPart struct {
	Type     json.RawMessage `json:"type"`
	Optional bool            `json:"optional"`
}

type jsonDest struct {
	Impl   string      `json:"impl"`
	Models []jsonModel `json:"models"`
}

type jsonModel struct {
	Model          string          `json:"model"`
	VirtioDeviceID json.RawMessage `json:"virtio_device_id"`
	StateVersions  struct {
		Min json.RawMessage `json:"min"`
		Max json.RawMessage `json:"max"`
	} `json:"state_versions"`
	Params   []jsonDstParam    `json:"params"`
	Features []json.RawMessage `json:"features"`
	Parts    []json.RawMessage `json:"parts"`
	Aliases  []jsonAlias       `json:"aliases"`
}

type jsonDstParam struct {
	Name    string            `json:"name"`
	Type    string            `json:"type"`
	Allowed []json.RawMessage `json:"allowed"`
	Init    json.RawMessage   `json:"init"`
	Off     json.RawMessage   `json:"off"`
}

type jsonAlias struct {
	Version json.RawMessage            `json:"version"`
	Params  map[string]json.RawMessage `json:"params"`
}

// ParseSourceDescription parses a source description (JSON). Errors name
// the line and column of a syntax error, and the line, column and JSON
// path of a bad value (with the bounds of a number).
func ParseSourceDescription(data []byte) (DeviceDescription, error) {
	var js jsonSource
	if err := decodeStrictJSON(data, &js); err != nil {
		return DeviceDescription{}, fmt.Errorf("devctx: source description: %w", err)
	}
	d, err := js.description()
	if err != nil {
		return DeviceDescription{}, fmt.Errorf("devctx: source description: %w", locate(data, err))
	}
	return d, nil
}

// ParseDestinationDescription parses a destination description (JSON)
// into validated capabilities: beyond the types of the values, every
// number within its bounds, no model or parameter twice, a min state
// version not above the max, init and off values among the allowed ones,
// and aliases naming allowed values of known parameters. Errors are
// located as ParseSourceDescription's.
func ParseDestinationDescription(data []byte) (DeviceCaps, error) {
	var jd jsonDest
	if err := decodeStrictJSON(data, &jd); err != nil {
		return DeviceCaps{}, fmt.Errorf("devctx: destination description: %w", err)
	}
	c, err := jd.caps()
	if err == nil {
		err = c.Validate()
	}
	if err != nil {
		return DeviceCaps{}, fmt.Errorf("devctx: destination description: %w", locate(data, err))
	}
	return c, nil
}

func (js jsonSource) description() (DeviceDescription, error) {
	var root jpath
	if js.Model == "" {
		return DeviceDescription{}, root.key("model").errorf("missing")
	}
	if len(js.StateVersion) == 0 {
		return DeviceDescription{}, root.key("state_version").errorf("missing")
	}
	d := DeviceDescription{Model: js.Model, Impl: js.Impl}
	var err error
	if d.StateVersion, err = jsonUint16(js.StateVersion, root.key("state_version")); err != nil {
		return DeviceDescription{}, err
	}
	if len(js.VirtioDeviceID) > 0 {
		if d.VirtioDeviceID, err = jsonUint16(js.VirtioDeviceID, root.key("virtio_device_id")); err != nil {
			return DeviceDescription{}, err
		}
	}
	seen := map[string]int{}
	for i, p := range js.Params {
		at := root.key("params").index(i, p.Name)
		if p.Name == "" {
			return DeviceDescription{}, at.key("name").errorf("missing")
		}
		if j, dup := seen[p.Name]; dup {
			return DeviceDescription{}, at.key("name").errorf("duplicate of params[%d] (a parameter is listed once, in any order)", j)
		}
		seen[p.Name] = i
		t, err := ParseParamType(p.Type)
		if err != nil {
			return DeviceDescription{}, at.key("type").errorf("%q: want bool, int or str", p.Type)
		}
		if len(p.Value) == 0 {
			return DeviceDescription{}, at.key("value").errorf("missing")
		}
		s := ParamSetting{Name: p.Name}
		if s.Value, err = jsonValue(p.Value, t, at.key("value")); err != nil {
			return DeviceDescription{}, err
		}
		if s.Off, err = jsonOptValue(p.Off, t, at.key("off")); err != nil {
			return DeviceDescription{}, err
		}
		d.Params = append(d.Params, s)
	}
	if d.DeviceFeatures, err = jsonFeatures(js.DeviceFeatures, js.Model, root.key("device_features")); err != nil {
		return DeviceDescription{}, err
	}
	if js.DriverFeatures != nil {
		df, err := jsonFeatures(js.DriverFeatures, js.Model, root.key("driver_features"))
		if err != nil {
			return DeviceDescription{}, err
		}
		d.DriverFeatures = &df
	}
	for i, p := range js.Parts {
		t, err := jsonPartType(p.Type, root.key("parts").index(i, "").key("type"))
		if err != nil {
			return DeviceDescription{}, err
		}
		pe := PartEntry{Type: t}
		if p.Optional {
			pe.Flags |= spec.PartFlagOptional
		}
		d.Parts = append(d.Parts, pe)
	}
	return d, nil
}

func (jd jsonDest) caps() (DeviceCaps, error) {
	var root jpath
	if len(jd.Models) == 0 {
		// A destination that accepts no model describes no device: every
		// check against it would fail on the model, which reads as an
		// incompatible pair instead of the empty file it is.
		return DeviceCaps{}, root.key("models").errorf("missing (a destination accepts at least one model)")
	}
	c := DeviceCaps{Impl: jd.Impl}
	seen := map[string]int{}
	for i, jm := range jd.Models {
		m, err := jm.caps(root.key("models").index(i, jm.Model), root.key("models").index(i, ""))
		if err != nil {
			return DeviceCaps{}, err
		}
		if j, dup := seen[m.Model]; dup {
			return DeviceCaps{}, root.key("models").index(i, m.Model).key("model").errorf("duplicate of models[%d] (a model is listed once)", j)
		}
		seen[m.Model] = i
		c.Models = append(c.Models, m)
	}
	return c, nil
}

// caps reads one model at "at" (bare: its path without the model name).
func (jm jsonModel) caps(at, bare jpath) (ModelCaps, error) {
	if jm.Model == "" {
		return ModelCaps{}, bare.key("model").errorf("missing")
	}
	sv := at.key("state_versions")
	if len(jm.StateVersions.Min) == 0 || len(jm.StateVersions.Max) == 0 {
		return ModelCaps{}, sv.errorf("want {\"min\": N, \"max\": M}")
	}
	m := ModelCaps{Model: jm.Model}
	var err error
	if m.MinVersion, err = jsonUint16(jm.StateVersions.Min, sv.member("min")); err != nil {
		return ModelCaps{}, err
	}
	if m.MaxVersion, err = jsonUint16(jm.StateVersions.Max, sv.member("max")); err != nil {
		return ModelCaps{}, err
	}
	if m.MinVersion > m.MaxVersion {
		return ModelCaps{}, sv.errorf("min %d > max %d: no state version is accepted", m.MinVersion, m.MaxVersion)
	}
	if len(jm.VirtioDeviceID) > 0 {
		if m.DeviceID, err = jsonUint16(jm.VirtioDeviceID, at.key("virtio_device_id")); err != nil {
			return ModelCaps{}, err
		}
	}
	names := map[string]int{}
	for j, jp := range jm.Params {
		pc, err := jp.caps(at.key("params").index(j, jp.Name), at.key("params").index(j, ""))
		if err != nil {
			return ModelCaps{}, err
		}
		if k, dup := names[pc.Name]; dup {
			return ModelCaps{}, at.key("params").index(j, pc.Name).key("name").errorf("duplicate of params[%d] (a parameter is listed once, in any order)", k)
		}
		names[pc.Name] = j
		m.Params = append(m.Params, pc)
	}
	if m.Features, err = jsonFeatures(jm.Features, jm.Model, at.key("features")); err != nil {
		return ModelCaps{}, err
	}
	for j, raw := range jm.Parts {
		t, err := jsonPartType(raw, at.key("parts").index(j, ""))
		if err != nil {
			return ModelCaps{}, err
		}
		m.Parts = append(m.Parts, t)
	}
	versions := map[int64]int{}
	for j, ja := range jm.Aliases {
		a, err := ja.alias(m, at.key("aliases").index(j, ""))
		if err != nil {
			return ModelCaps{}, err
		}
		if k, dup := versions[a.Version]; dup {
			return ModelCaps{}, at.key("aliases").index(j, "").key("version").errorf("%d, duplicate of aliases[%d] (a version has one alias)", a.Version, k)
		}
		versions[a.Version] = j
		m.Aliases = append(m.Aliases, a)
	}
	return m, nil
}

// caps reads one destination parameter at "at" (bare: its path without
// the parameter's name). Init and off values must be allowed: a device
// starting with a value it does not accept, or running a source that
// omits the parameter at one, contradicts its own description.
func (jp jsonDstParam) caps(at, bare jpath) (ParamCaps, error) {
	if jp.Name == "" {
		return ParamCaps{}, bare.key("name").errorf("missing")
	}
	t, err := ParseParamType(jp.Type)
	if err != nil {
		return ParamCaps{}, at.key("type").errorf("%q: want bool, int or str", jp.Type)
	}
	pc := ParamCaps{Name: jp.Name, Type: t}
	for k, raw := range jp.Allowed {
		a, err := jsonAllowed(raw, t, at.key("allowed").index(k, ""))
		if err != nil {
			return ParamCaps{}, err
		}
		pc.Allowed = append(pc.Allowed, a)
	}
	if pc.Init, err = jsonOptValue(jp.Init, t, at.key("init")); err != nil {
		return ParamCaps{}, err
	}
	if pc.Off, err = jsonOptValue(jp.Off, t, at.key("off")); err != nil {
		return ParamCaps{}, err
	}
	for _, v := range []struct {
		name string
		v    *Value
	}{{"init", pc.Init}, {"off", pc.Off}} {
		if v.v != nil && !pc.Admits(*v.v) {
			return ParamCaps{}, at.key(v.name).errorf("%s is not allowed (allowed %s)", v.v, formatAllowed(pc.Allowed))
		}
	}
	return pc, nil
}

// alias reads one version alias of model m at "at": a version, and a
// value allowed by each parameter it sets.
func (ja jsonAlias) alias(m ModelCaps, at jpath) (VersionAlias, error) {
	if len(ja.Version) == 0 {
		return VersionAlias{}, at.key("version").errorf("missing")
	}
	v, err := jsonInteger(ja.Version, math.MinInt64, math.MaxInt64)
	if err != nil {
		return VersionAlias{}, at.key("version").errorf("%s is not an int", ja.Version)
	}
	a := VersionAlias{Version: v}
	names := make([]string, 0, len(ja.Params))
	for n := range ja.Params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		pat := at.key("params").member(n)
		pc, ok := m.Param(n)
		if !ok {
			return VersionAlias{}, pat.errorf("not a parameter of the model")
		}
		v, err := jsonValue(ja.Params[n], pc.Type, pat)
		if err != nil {
			return VersionAlias{}, err
		}
		if !pc.Admits(v) {
			return VersionAlias{}, pat.errorf("%s is not allowed (allowed %s)", v, formatAllowed(pc.Allowed))
		}
		a.Params = append(a.Params, Param{Name: n, Value: v})
	}
	return a, nil
}

// decodeStrictJSON decodes one JSON value, rejecting unknown fields and
// trailing data, and locates errors by line and column.
func decodeStrictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return errors.New("empty input")
		case errors.Is(err, io.ErrUnexpectedEOF):
			// The decoder reads the whole value before it consumes a
			// token, so its input offset is still 0: the place is the
			// end of the input, where the value was cut short.
			return fmt.Errorf("%s (byte offset %d): the JSON ends before its value does (a truncated file?)", lineCol(data, int64(len(data))), len(data))
		case errors.As(err, &se) && se.Offset == 1 && inputfile.HasBOM(data):
			// Saved by an editor that writes a byte-order mark: the
			// decoder names its first byte as the character 'ï'.
			return fmt.Errorf("%s: %w", lineCol(data, 0), inputfile.BOMError("JSON"))
		case errors.As(err, &se):
			return fmt.Errorf("%s: %w", lineCol(data, se.Offset-1), err)
		case errors.As(err, &te) && te.Field == "":
			return fmt.Errorf("%s: not a JSON object: the description holds a JSON %s", lineCol(data, 0), jsonpath.ValueKind(te.Value))
		case errors.As(err, &te):
			// The decoder names the field without its list indexes
			// (params.name for every parameter) and reports the offset
			// past a scalar, or past an object's or a list's opening
			// delimiter: name the value by its path and where it starts.
			m := jsonpath.MismatchOf(data, te)
			return fmt.Errorf("%s (byte offset %d): %s: got JSON %s, want %s", lineCol(data, m.Offset), m.Offset, m.Path, m.Got, m.Want)
		}
		return fmt.Errorf("%s: %w", lineCol(data, dec.InputOffset()), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: trailing data after the JSON object", lineCol(data, dec.InputOffset()))
	}
	if jsonpath.IsNull(data) {
		return fmt.Errorf("%s: not a JSON object: the description holds JSON null", lineCol(data, 0))
	}
	return nil
}

// lineCol renders a byte offset as "line L, column C" (1-based).
func lineCol(data []byte, off int64) string {
	off = max(0, min(off, int64(len(data))))
	line, col := 1, 1
	for _, c := range data[:off] {
		if c == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

// jsonValue parses a value of type t at "at". An int is an integer
// literal within the int64 range.
func jsonValue(raw json.RawMessage, t ParamType, at jpath) (Value, error) {
	v := Value{Type: t}
	var err error
	switch t {
	case ParamBool:
		err = json.Unmarshal(raw, &v.Bool)
	case ParamInt:
		v.Int, err = jsonInteger(raw, math.MinInt64, math.MaxInt64)
		if err != nil && !errors.Is(err, errNotInteger) {
			return Value{}, at.errorf("%s is not an int: outside %s", raw, boundText(math.MinInt64, math.MaxInt64))
		}
	case ParamStr:
		err = json.Unmarshal(raw, &v.Str)
	}
	if err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return Value{}, at.errorf("%s is not %s", raw, article(t))
	}
	return v, nil
}

// article is the type with its article: "a bool", "an int", "a str".
func article(t ParamType) string {
	if t == ParamInt {
		return "an int"
	}
	return "a " + t.String()
}

// jsonOptValue parses an optional value; absent or null gives nil.
func jsonOptValue(raw json.RawMessage, t ParamType, at jpath) (*Value, error) {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil
	}
	v, err := jsonValue(raw, t, at)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// jsonAllowed parses an allowed entry: a value of the type or, for int, a
// string "8" or "lo-hi".
func jsonAllowed(raw json.RawMessage, t ParamType, at jpath) (Allowed, error) {
	var s string
	if t == ParamInt && json.Unmarshal(raw, &s) == nil {
		a, err := ParseAllowed(t, s)
		if err != nil {
			return Allowed{}, at.errorf("%v", err)
		}
		return a, nil
	}
	v, err := jsonValue(raw, t, at)
	if err != nil {
		return Allowed{}, err
	}
	return AllowValue(v), nil
}

// featureBitsLimit says why a feature bit must be below 64.
const featureBitsLimit = "the compatibility header carries feature bits 0-63 (docs/compat.md, \"Feature bits above 63\")"

// jsonFeatures parses a list of feature names or bit numbers at "at".
func jsonFeatures(raws []json.RawMessage, model string, at jpath) (uint64, error) {
	var fs uint64
	for i, raw := range raws {
		ai := at.index(i, "")
		var s string
		var n int
		switch b, err := jsonInteger(raw, 0, 63); {
		case err == nil:
			n = int(b)
		case !errors.Is(err, errNotInteger):
			return 0, ai.errorf("bit %s: %s", err, featureBitsLimit)
		case json.Unmarshal(raw, &s) == nil:
			b, ok := ParseFeature(model, s)
			if _, numErr := strconv.Atoi(s); numErr == nil && !ok {
				return 0, ai.errorf("bit %s outside 0-63: %s", s, featureBitsLimit)
			}
			if !ok {
				return 0, ai.errorf("unknown feature %q for model %s (use the bit number)", s, model)
			}
			n = b
		default:
			return 0, ai.errorf("%s is neither a feature name nor a bit number", raw)
		}
		fs |= 1 << uint(n)
	}
	return fs, nil
}

// partTypeNames maps the name of every part type migsim knows to the
// type, built once: a description's part names are looked up, not
// searched for among the 65,536 types.
var partTypeNames = sync.OnceValue(func() map[string]spec.PartType {
	m := map[string]spec.PartType{}
	for u := 0; u <= 0xffff; u++ {
		if t := spec.PartType(u); t.Known() {
			m[t.String()] = t
		}
	}
	return m
})

// jsonPartType parses a part type at "at", given as a name (VQ_CFG,
// PART_0x0300), a "0x…" string or a number (part_type is a le16).
func jsonPartType(raw json.RawMessage, at jpath) (spec.PartType, error) {
	switch n, err := jsonInteger(raw, 0, math.MaxUint16); {
	case err == nil:
		return spec.PartType(n), nil
	case !errors.Is(err, errNotInteger):
		return 0, at.errorf("%v (part_type is a le16)", err)
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return 0, at.errorf("%s is neither a part name nor a number", raw)
	}
	if u, err := strconv.ParseUint(s, 0, 64); err == nil {
		if u > math.MaxUint16 {
			return 0, at.errorf("%s outside 0-0xffff (part_type is a le16)", s)
		}
		return spec.PartType(u), nil
	}
	if t, ok := partTypeNames()[s]; ok {
		return t, nil
	}
	var u uint16
	if _, err := fmt.Sscanf(s, "PART_%v", &u); err == nil && spec.PartType(u).String() == s {
		return spec.PartType(u), nil
	}
	return 0, at.errorf("unknown part type %q", s)
}
