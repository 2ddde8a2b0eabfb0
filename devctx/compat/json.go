package compat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"sync"

	"github.com/migsim/migsim/spec"
)

// Device description files (docs/compat.md "Description files"): a source
// description names what the source device runs with, a destination
// description what the destination accepts.

type jsonSource struct {
	Model          string            `json:"model"`
	VirtioDeviceID uint16            `json:"virtio_device_id"`
	StateVersion   *uint16           `json:"state_version"`
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
	Model          string `json:"model"`
	VirtioDeviceID uint16 `json:"virtio_device_id"`
	StateVersions  struct {
		Min *uint16 `json:"min"`
		Max *uint16 `json:"max"`
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
	Version *int64                     `json:"version"`
	Params  map[string]json.RawMessage `json:"params"`
}

// ParseSourceDescription parses a source description (JSON). Errors name
// the line and column of a syntax error or the JSON path of a bad value.
func ParseSourceDescription(data []byte) (DeviceDescription, error) {
	var js jsonSource
	if err := decodeStrictJSON(data, &js); err != nil {
		return DeviceDescription{}, fmt.Errorf("devctx: source description: %w", err)
	}
	d, err := js.description()
	if err != nil {
		return DeviceDescription{}, fmt.Errorf("devctx: source description: %w", err)
	}
	return d, nil
}

// ParseDestinationDescription parses a destination description (JSON)
// into validated capabilities.
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
		return DeviceCaps{}, fmt.Errorf("devctx: destination description: %w", err)
	}
	return c, nil
}

func (js jsonSource) description() (DeviceDescription, error) {
	if js.Model == "" {
		return DeviceDescription{}, errors.New("model: missing")
	}
	if js.StateVersion == nil {
		return DeviceDescription{}, errors.New("state_version: missing")
	}
	d := DeviceDescription{Model: js.Model, VirtioDeviceID: js.VirtioDeviceID, StateVersion: *js.StateVersion, Impl: js.Impl}
	for i, p := range js.Params {
		where := fmt.Sprintf("params[%d] (%s)", i, p.Name)
		if p.Name == "" {
			return DeviceDescription{}, fmt.Errorf("params[%d]: name: missing", i)
		}
		t, err := ParseParamType(p.Type)
		if err != nil {
			return DeviceDescription{}, fmt.Errorf("%s: type %q: want bool, int or str", where, p.Type)
		}
		if len(p.Value) == 0 {
			return DeviceDescription{}, fmt.Errorf("%s: value: missing", where)
		}
		s := ParamSetting{Name: p.Name}
		if s.Value, err = jsonValue(p.Value, t, where+": value"); err != nil {
			return DeviceDescription{}, err
		}
		if s.Off, err = jsonOptValue(p.Off, t, where+": off"); err != nil {
			return DeviceDescription{}, err
		}
		d.Params = append(d.Params, s)
	}
	var err error
	if d.DeviceFeatures, err = jsonFeatures(js.DeviceFeatures, js.Model, "device_features"); err != nil {
		return DeviceDescription{}, err
	}
	if js.DriverFeatures != nil {
		df, err := jsonFeatures(js.DriverFeatures, js.Model, "driver_features")
		if err != nil {
			return DeviceDescription{}, err
		}
		d.DriverFeatures = &df
	}
	for i, p := range js.Parts {
		t, err := jsonPartType(p.Type, fmt.Sprintf("parts[%d]: type", i))
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
	if len(jd.Models) == 0 {
		// A destination that accepts no model describes no device: every
		// check against it would fail on the model, which reads as an
		// incompatible pair instead of the empty file it is.
		return DeviceCaps{}, errors.New("models: missing (a destination accepts at least one model)")
	}
	c := DeviceCaps{Impl: jd.Impl}
	for i, jm := range jd.Models {
		where := fmt.Sprintf("models[%d] (%s)", i, jm.Model)
		if jm.Model == "" {
			return DeviceCaps{}, fmt.Errorf("models[%d]: model: missing", i)
		}
		if jm.StateVersions.Min == nil || jm.StateVersions.Max == nil {
			return DeviceCaps{}, fmt.Errorf("%s: state_versions: want {\"min\": N, \"max\": M}", where)
		}
		m := ModelCaps{Model: jm.Model, DeviceID: jm.VirtioDeviceID,
			MinVersion: *jm.StateVersions.Min, MaxVersion: *jm.StateVersions.Max}
		for j, jp := range jm.Params {
			pw := fmt.Sprintf("%s: params[%d] (%s)", where, j, jp.Name)
			t, err := ParseParamType(jp.Type)
			if err != nil {
				return DeviceCaps{}, fmt.Errorf("%s: type %q: want bool, int or str", pw, jp.Type)
			}
			pc := ParamCaps{Name: jp.Name, Type: t}
			for k, raw := range jp.Allowed {
				a, err := jsonAllowed(raw, t, fmt.Sprintf("%s: allowed[%d]", pw, k))
				if err != nil {
					return DeviceCaps{}, err
				}
				pc.Allowed = append(pc.Allowed, a)
			}
			if pc.Init, err = jsonOptValue(jp.Init, t, pw+": init"); err != nil {
				return DeviceCaps{}, err
			}
			if pc.Off, err = jsonOptValue(jp.Off, t, pw+": off"); err != nil {
				return DeviceCaps{}, err
			}
			m.Params = append(m.Params, pc)
		}
		var err error
		if m.Features, err = jsonFeatures(jm.Features, jm.Model, where+": features"); err != nil {
			return DeviceCaps{}, err
		}
		for j, raw := range jm.Parts {
			t, err := jsonPartType(raw, fmt.Sprintf("%s: parts[%d]", where, j))
			if err != nil {
				return DeviceCaps{}, err
			}
			m.Parts = append(m.Parts, t)
		}
		for j, ja := range jm.Aliases {
			aw := fmt.Sprintf("%s: aliases[%d]", where, j)
			if ja.Version == nil {
				return DeviceCaps{}, fmt.Errorf("%s: version: missing", aw)
			}
			a := VersionAlias{Version: *ja.Version}
			names := make([]string, 0, len(ja.Params))
			for n := range ja.Params {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				pc, ok := m.Param(n)
				if !ok {
					return DeviceCaps{}, fmt.Errorf("%s: params.%s: not a parameter of the model", aw, n)
				}
				v, err := jsonValue(ja.Params[n], pc.Type, fmt.Sprintf("%s: params.%s", aw, n))
				if err != nil {
					return DeviceCaps{}, err
				}
				a.Params = append(a.Params, Param{Name: n, Value: v})
			}
			m.Aliases = append(m.Aliases, a)
		}
		c.Models = append(c.Models, m)
	}
	return c, nil
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
		case errors.As(err, &se):
			return fmt.Errorf("%s: %w", lineCol(data, se.Offset-1), err)
		case errors.As(err, &te):
			return fmt.Errorf("%s: field %s: %w", lineCol(data, te.Offset), te.Field, err)
		}
		return fmt.Errorf("%s: %w", lineCol(data, dec.InputOffset()), err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: trailing data after the JSON object", lineCol(data, dec.InputOffset()))
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

func jsonValue(raw json.RawMessage, t ParamType, where string) (Value, error) {
	var err error
	v := Value{Type: t}
	switch t {
	case ParamBool:
		err = json.Unmarshal(raw, &v.Bool)
	case ParamInt:
		err = json.Unmarshal(raw, &v.Int)
	case ParamStr:
		err = json.Unmarshal(raw, &v.Str)
	}
	if err != nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return Value{}, fmt.Errorf("%s: %s is not a %s", where, raw, t)
	}
	return v, nil
}

// jsonOptValue parses an optional value; absent or null gives nil.
func jsonOptValue(raw json.RawMessage, t ParamType, where string) (*Value, error) {
	if len(raw) == 0 || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil
	}
	v, err := jsonValue(raw, t, where)
	if err != nil {
		return nil, err
	}
	return &v, nil
}

// jsonAllowed parses an allowed entry: a value of the type or, for int, a
// string "8" or "lo-hi".
func jsonAllowed(raw json.RawMessage, t ParamType, where string) (Allowed, error) {
	var s string
	if t == ParamInt && json.Unmarshal(raw, &s) == nil {
		a, err := ParseAllowed(t, s)
		if err != nil {
			return Allowed{}, fmt.Errorf("%s: %w", where, err)
		}
		return a, nil
	}
	v, err := jsonValue(raw, t, where)
	if err != nil {
		return Allowed{}, err
	}
	return AllowValue(v), nil
}

// jsonFeatures parses a list of feature names or bit numbers.
func jsonFeatures(raws []json.RawMessage, model, where string) (uint64, error) {
	var fs uint64
	for i, raw := range raws {
		var n int
		var s string
		switch {
		case json.Unmarshal(raw, &n) == nil:
			if n < 0 || n > 63 {
				return 0, fmt.Errorf("%s[%d]: bit %d outside 0-63", where, i, n)
			}
		case json.Unmarshal(raw, &s) == nil:
			b, ok := ParseFeature(model, s)
			if !ok {
				return 0, fmt.Errorf("%s[%d]: unknown feature %q for model %s (use the bit number)", where, i, s, model)
			}
			n = b
		default:
			return 0, fmt.Errorf("%s[%d]: %s is neither a feature name nor a bit number", where, i, raw)
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

// jsonPartType parses a part type given as a name (VQ_CFG, PART_0x0300),
// a "0x…" string or a number.
func jsonPartType(raw json.RawMessage, where string) (spec.PartType, error) {
	var n uint16
	if json.Unmarshal(raw, &n) == nil {
		return spec.PartType(n), nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return 0, fmt.Errorf("%s: %s is neither a part name nor a number", where, raw)
	}
	if u, err := strconv.ParseUint(s, 0, 16); err == nil {
		return spec.PartType(u), nil
	}
	if t, ok := partTypeNames()[s]; ok {
		return t, nil
	}
	var u uint16
	if _, err := fmt.Sscanf(s, "PART_%v", &u); err == nil && spec.PartType(u).String() == s {
		return spec.PartType(u), nil
	}
	return 0, fmt.Errorf("%s: unknown part type %q", where, s)
}
