package compat

import (
	"testing"

	"github.com/migsim/migsim/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCompatJSON_SourceDescriptionToHeader(t *testing.T) {
	d, err := ParseSourceDescription([]byte(`{
  "model": "virtio-spec.org/pci/virtio-net",
  "state_version": 3,
  "impl": "migsim-ref/1.5.0",
  "params": [
    {"name": "rss", "type": "bool", "value": false, "off": false},
    {"name": "num-queues", "type": "int", "value": 4},
    {"name": "mac", "type": "str", "value": "52:54:00:00:00:01", "off": ""}
  ],
  "device_features": ["VIRTIO_F_VERSION_1", "VIRTIO_NET_F_MRG_RXBUF", 60],
  "driver_features": ["VIRTIO_F_VERSION_1"],
  "parts": [{"type": "DEV_FEATURES"}, {"type": "0x300", "optional": true}, {"type": 261}, {"type": "PART_0x0301"}]
}`))
	require.NoError(t, err)
	h, err := d.Header()
	require.NoError(t, err)
	df := compatBits(32)
	assert.Equal(t, CompatHeader{
		FmtMajor: CompatFmtMajor, FmtMinor: CompatFmtMinor, Model: ModelNet, VirtioDeviceID: 1, StateVersion: 3,
		Params:         []Param{{"mac", StrValue("52:54:00:00:00:01")}, {"num-queues", IntValue(4)}},
		DeviceFeatures: compatBits(32, 15, 60), Impl: "migsim-ref/1.5.0", DriverFeatures: &df,
		Parts: []PartEntry{{Type: spec.PartDevFeatures}, {Type: 0x300, Flags: spec.PartFlagOptional},
			{Type: spec.PartVQNotifyCfg}, {Type: 0x301}},
	}, h, "rss at its off value is omitted; params sorted")
}

func TestCompatJSON_DestinationDescriptionToCaps(t *testing.T) {
	c, err := ParseDestinationDescription([]byte(`{
  "impl": "migsim-ref/1.5.0",
  "models": [{
    "model": "virtio-spec.org/pci/virtio-net",
    "state_versions": {"min": 1, "max": 3},
    "params": [
      {"name": "num-queues", "type": "int", "allowed": ["1-4", 8, "-3--1"], "init": 1},
      {"name": "rss", "type": "bool", "init": true, "off": false},
      {"name": "mode", "type": "str", "allowed": ["fast", "slow"], "off": null}
    ],
    "features": ["VIRTIO_F_VERSION_1", "VIRTIO_NET_F_RSS"],
    "parts": ["DEV_FEATURES", "0x300"],
    "aliases": [{"version": 2, "params": {"rss": true, "num-queues": 4}}]
  }]
}`))
	require.NoError(t, err)
	require.Len(t, c.Models, 1)
	m := c.Models[0]
	assert.Equal(t, "migsim-ref/1.5.0", c.Impl)
	assert.Equal(t, uint16(1), m.MinVersion)
	assert.Equal(t, uint16(3), m.MaxVersion)
	assert.Equal(t, []Allowed{AllowRange(1, 4), AllowValue(IntValue(8)), AllowRange(-3, -1)}, m.Params[0].Allowed)
	assert.Equal(t, compatVal(IntValue(1)), m.Params[0].Init)
	assert.Nil(t, m.Params[0].Off)
	assert.Equal(t, compatVal(BoolValue(false)), m.Params[1].Off)
	assert.Nil(t, m.Params[2].Off, "null off means cannot be disabled")
	assert.Equal(t, compatBits(32, 60), m.Features)
	assert.Equal(t, []spec.PartType{spec.PartDevFeatures, 0x300}, m.Parts)
	assert.Equal(t, []VersionAlias{{Version: 2, Params: []Param{{"num-queues", IntValue(4)}, {"rss", BoolValue(true)}}}}, m.Aliases)
	assert.Equal(t, "1-4, 8, -3--1", formatAllowed(m.Params[0].Allowed))
}

// TestCompatJSON_ErrorsNameWhere: every error names the line and column
// and the JSON path of the bad value, and for a number its bounds.
func TestCompatJSON_ErrorsNameWhere(t *testing.T) {
	const (
		src = "devctx: source description: "
		dst = "devctx: destination description: "
	)
	net := func(params string) string {
		return `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 3},
 "params": [` + params + `]}]}`
	}
	cases := []struct {
		name string
		src  bool
		in   string
		want string // the whole error
	}{
		{"syntax", true, "{\n  \"model\": \"m/x\",\n  ]", src + "line 3, column 3: invalid character ']' looking for beginning of object key string"},
		{"empty", true, "", src + "empty input"},
		{"truncated", true, "{\n  \"model\": \"m/x\",\n  \"state_version\": [1,\n", src + "line 4, column 1 (byte offset 43): the JSON ends before its value does (a truncated file?)"},
		{"truncated mid-line", true, `{"model": "m/`, src + "line 1, column 14 (byte offset 13): the JSON ends before its value does (a truncated file?)"},
		{"byte-order mark", true, "\ufeff{\"model\": \"m/x\"}", src + "line 1, column 1: the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow: save it without one"},
		{"byte-order mark, destination", false, "\ufeff{}", dst + "line 1, column 1: the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow: save it without one"},
		{"trailing", true, `{"model": "m/x", "state_version": 1} {}`, src + "line 1, column 39: trailing data after the JSON object"},
		{"missing_model", true, `{"state_version": 1}`, src + "line 1, column 1: model: missing"},
		{"missing_version", true, `{"model": "m/x"}`, src + "line 1, column 1: state_version: missing"},
		{"version_too_big", true, `{"model": "m/x",
  "state_version": 70000}`, src + "line 2, column 20: state_version: 70000 outside 0-65535 (a le16 of the compatibility header)"},
		{"version_negative", true, `{"model": "m/x", "state_version": -1}`, src + "line 1, column 35: state_version: -1 outside 0-65535 (a le16 of the compatibility header)"},
		{"version_fraction", true, `{"model": "m/x", "state_version": 1.5}`, src + "line 1, column 35: state_version: 1.5 is not an integer 0-65535"},
		{"version_string", true, `{"model": "m/x", "state_version": "3"}`, src + `line 1, column 35: state_version: "3" is not an integer 0-65535`},
		{"device_id_too_big", true, `{"model": "m/x", "state_version": 1, "virtio_device_id": 65536}`,
			src + "line 1, column 58: virtio_device_id: 65536 outside 0-65535 (a le16 of the compatibility header)"},
		{"value_type", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "int", "value": "four"}]}`,
			src + `line 1, column 87: params[0] (q): value: "four" is not an int`},
		{"value_fraction", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "int", "value": 4.5}]}`,
			src + `line 1, column 87: params[0] (q): value: 4.5 is not an int`},
		{"value_huge", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "int", "value": 99999999999999999999}]}`,
			src + `line 1, column 87: params[0] (q): value: 99999999999999999999 is not an int: outside -9223372036854775808..9223372036854775807`},
		{"bad_type", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "float", "value": 1}]}`,
			src + `line 1, column 71: params[0] (q): type: "float": want bool, int or str`},
		{"off_type", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "bool", "value": true, "off": 0}]}`,
			src + `line 1, column 101: params[0] (q): off: 0 is not a bool`},
		{"missing_name", true, `{"model": "m/x", "state_version": 1, "params": [{"type": "int", "value": 1}]}`,
			src + `line 1, column 49: params[0]: name: missing`},
		{"duplicate_param", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "int", "value": 1},
  {"name": "q", "type": "int", "value": 2}]}`, src + `line 2, column 12: params[1] (q): name: duplicate of params[0] (a parameter is listed once, in any order)`},
		{"unknown_feature", true, `{"model": "m/x", "state_version": 1, "device_features": ["VIRTIO_NET_F_RSS"]}`,
			src + `line 1, column 58: device_features[0]: unknown feature "VIRTIO_NET_F_RSS" for model m/x (use the bit number)`},
		{"feature_range", true, `{"model": "m/x", "state_version": 1, "device_features": [1, 64]}`,
			src + `line 1, column 61: device_features[1]: bit 64 outside 0-63: the compatibility header carries feature bits 0-63 (docs/compat.md, "Feature bits above 63")`},
		{"feature_range_string", true, `{"model": "m/x", "state_version": 1, "driver_features": ["127"]}`,
			src + `line 1, column 58: driver_features[0]: bit 127 outside 0-63: the compatibility header carries feature bits 0-63 (docs/compat.md, "Feature bits above 63")`},
		{"unknown_part", true, `{"model": "m/x", "state_version": 1, "parts": [{"type": "NOPE"}]}`,
			src + `line 1, column 57: parts[0]: type: unknown part type "NOPE"`},
		{"part_range", true, `{"model": "m/x", "state_version": 1, "parts": [{"type": 70000}]}`,
			src + `line 1, column 57: parts[0]: type: 70000 outside 0-65535 (part_type is a le16)`},
		// A value of the wrong type is named by its path with list
		// indexes (the decoder says params.name for every parameter),
		// an object or a list in its place by its own path, each where
		// it starts.
		{"wrong_field_type", true, `{"model": 5}`, src + "line 1, column 11 (byte offset 10): model: got JSON number, want string"},
		{"wrong_type_in_second_param", true, `{"model": "m/x", "state_version": 1,
 "params": [{"name": "q"}, {"name": 7}]}`, src + "line 2, column 37 (byte offset 73): params[1].name: got JSON number, want string"},
		{"object_for_a_list", true, `{"model": "m/x", "params": {"name": "q"}}`, src + "line 1, column 28 (byte offset 27): params: got JSON object, want array"},
		{"list_for_an_element", true, `{"model": "m/x", "params": [{"name": "q"}, ["x"]]}`, src + "line 1, column 44 (byte offset 43): params[1]: got JSON array, want object"},
		{"wrong_type_bool", true, `{"parts": [{"optional": true}, {"optional": "yes"}]}`, src + "line 1, column 45 (byte offset 44): parts[1].optional: got JSON string, want boolean"},
		{"not_an_object", true, `[1]`, src + "line 1, column 1: not a JSON object: the description holds a JSON array"},
		{"a_boolean_for_an_object", true, `true`, src + "line 1, column 1: not a JSON object: the description holds a JSON boolean"},
		{"null_for_an_object", true, " null\n", src + "line 1, column 1: not a JSON object: the description holds JSON null"},
		{"dst_null_for_an_object", false, `null`, dst + "line 1, column 1: not a JSON object: the description holds JSON null"},
		{"dst_nested_list_type", false, `{"models": [{"model": "a"},
  {"state_versions": {"min": 1}, "params": [{"name": "x", "allowed": {}}]}]}`,
			dst + "line 2, column 70 (byte offset 97): models[1].params[0].allowed: got JSON object, want array"},
		{"dst_alias_params_type", false, `{"models": [{"aliases": [{"params": {"a": 1}}, {"params": []}]}]}`,
			dst + "line 1, column 59 (byte offset 58): models[0].aliases[1].params: got JSON array, want object"},
		{"dst_empty", false, `{}`, dst + "line 1, column 1: models: missing (a destination accepts at least one model)"},
		{"dst_no_models", false, `{"impl": "x/1", "models": []}`, dst + "line 1, column 27: models: missing (a destination accepts at least one model)"},
		{"dst_versions", false, `{"models": [{"model": "m/x"}]}`, dst + `line 1, column 13: models[0] (m/x): state_versions: want {"min": N, "max": M}`},
		{"dst_version_range", false, `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 65536}}]}`,
			dst + `line 1, column 66: models[0] (m/x): state_versions.max: 65536 outside 0-65535 (a le16 of the compatibility header)`},
		{"dst_empty_range", false, `{"models": [{"model": "m/x", "state_versions": {"min": 3, "max": 1}}]}`,
			dst + "line 1, column 48: models[0] (m/x): state_versions: min 3 > max 1: no state version is accepted"},
		{"dst_alias_unknown_param", false, `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 1}, "aliases": [{"version": 1, "params": {"q": 1}}]}]}`,
			dst + "line 1, column 113: models[0] (m/x): aliases[0]: params.q: not a parameter of the model"},
		{"dst_alias_value_not_allowed", false, `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 1},
 "params": [{"name": "q", "type": "int", "allowed": ["1-4"]}], "aliases": [{"version": 1, "params": {"q": 8}}]}]}`,
			dst + "line 2, column 107: models[0] (m/x): aliases[0]: params.q: 8 is not allowed (allowed 1-4)"},
		{"dst_alias_version_twice", false, `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 1},
 "aliases": [{"version": 1, "params": {}}, {"version": 1, "params": {}}]}]}`,
			dst + "line 2, column 56: models[0] (m/x): aliases[1]: version: 1, duplicate of aliases[0] (a version has one alias)"},
		{"dst_duplicate_model", false, `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 1}},
 {"model": "m/x", "state_versions": {"min": 1, "max": 1}}]}`,
			dst + "line 2, column 12: models[1] (m/x): model: duplicate of models[0] (a model is listed once)"},
		{"dst_allowed_type", false, net(`{"name": "b", "type": "bool", "allowed": ["yes"]}`),
			dst + `line 2, column 55: models[0] (m/x): params[0] (b): allowed[0]: "yes" is not a bool`},
		{"dst_init_not_allowed", false, net(`{"name": "q", "type": "int", "allowed": ["1-4"], "init": 9}`),
			dst + `line 2, column 70: models[0] (m/x): params[0] (q): init: 9 is not allowed (allowed 1-4)`},
		{"dst_off_not_allowed", false, net(`{"name": "mtu", "type": "int", "allowed": ["1500-9000"], "init": 1500, "off": 0}`),
			dst + `line 2, column 91: models[0] (m/x): params[0] (mtu): off: 0 is not allowed (allowed 1500-9000)`},
		{"dst_param_twice", false, net(`{"name": "q", "type": "int"}, {"name": "q", "type": "str"}`),
			dst + `line 2, column 52: models[0] (m/x): params[1] (q): name: duplicate of params[0] (a parameter is listed once, in any order)`},
		{"dst_param_no_name", false, net(`{"type": "int"}`), dst + `line 2, column 13: models[0] (m/x): params[0]: name: missing`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			if tc.src {
				var d DeviceDescription
				d, err = ParseSourceDescription([]byte(tc.in))
				if err == nil {
					_, err = d.Header()
				}
			} else {
				_, err = ParseDestinationDescription([]byte(tc.in))
			}
			assert.EqualError(t, err, tc.want)
		})
	}
}

// TestCompatJSON_UnsortedParamsAreFine: the JSON lists parameters in any
// order; the header sorts them.
func TestCompatJSON_UnsortedParamsAreFine(t *testing.T) {
	d, err := ParseSourceDescription([]byte(`{"model": "m/x", "state_version": 1,
 "params": [{"name": "z", "type": "int", "value": 1}, {"name": "a", "type": "bool", "value": true}]}`))
	require.NoError(t, err)
	h, err := d.Header()
	require.NoError(t, err)
	assert.Equal(t, []Param{{"a", BoolValue(true)}, {"z", IntValue(1)}}, h.Params)
}

func TestCompatValue_ParseAllowed(t *testing.T) {
	cases := []struct {
		t     ParamType
		in    string
		want  Allowed
		isErr bool
	}{
		{ParamInt, "8", AllowValue(IntValue(8)), false},
		{ParamInt, "1-4", AllowRange(1, 4), false},
		{ParamInt, "-5", AllowValue(IntValue(-5)), false},
		{ParamInt, "-5-5", AllowRange(-5, 5), false},
		{ParamInt, "4-1", Allowed{}, true},
		{ParamInt, "x", Allowed{}, true},
		{ParamInt, "", Allowed{}, true},
		{ParamBool, "true", AllowValue(BoolValue(true)), false},
		{ParamBool, "1", Allowed{}, true},
		{ParamStr, "fast", AllowValue(StrValue("fast")), false},
		{ParamType(9), "x", Allowed{}, true},
	}
	for _, tc := range cases {
		got, err := ParseAllowed(tc.t, tc.in)
		if tc.isErr {
			assert.Error(t, err, "%s %q", tc.t, tc.in)
			continue
		}
		require.NoError(t, err, "%s %q", tc.t, tc.in)
		assert.Equal(t, tc.want, got)
	}
}

func TestCompatFeatures_Names(t *testing.T) {
	assert.Equal(t, "VIRTIO_NET_F_RSS", FeatureName(ModelNet, 60))
	assert.Equal(t, "VIRTIO_F_VERSION_1", FeatureName(ModelNet, 32))
	assert.Equal(t, "VIRTIO_BLK_F_FLUSH", FeatureName(ModelBlk, 9))
	assert.Equal(t, "FEATURE_30", FeatureName(ModelNet, 30), "unnamed bit")
	assert.Equal(t, "FEATURE_9", FeatureName("vendor.com/x", 9), "blk names do not leak to other models")
	for _, tc := range []struct {
		model, s string
		bit      int
		ok       bool
	}{
		{ModelNet, "VIRTIO_NET_F_MQ", 22, true},
		{ModelNet, "17", 17, true},
		{ModelNet, "FEATURE_30", 30, true},
		{ModelNet, "64", 64, false},
		{ModelBlk, "VIRTIO_NET_F_MQ", 0, false},
	} {
		b, ok := ParseFeature(tc.model, tc.s)
		assert.Equal(t, tc.ok, ok, tc.s)
		if tc.ok {
			assert.Equal(t, tc.bit, b, tc.s)
		}
	}
}

// TestParamTypeString pins the type names (the description files and
// mismatch messages use them) and the fallback of an undefined type.
func TestParamTypeString(t *testing.T) {
	assert.Equal(t, []string{"bool", "int", "str", "type(0)", "type(4)"},
		[]string{ParamBool.String(), ParamInt.String(), ParamStr.String(), ParamType(0).String(), ParamType(4).String()})
	for _, pt := range []ParamType{ParamBool, ParamInt, ParamStr} {
		got, err := ParseParamType(pt.String())
		assert.NoError(t, err)
		assert.Equal(t, pt, got)
	}
}

// TestCompatJSON_TrialFiles: the descriptions of testdata/trial that a new
// user wrote are refused with the line, column, JSON path and bound.
func TestCompatJSON_TrialFiles(t *testing.T) {
	const net = "models[0] (virtio-spec.org/pci/virtio-net): "
	cases := []struct {
		file string
		want string // the error after "devctx: source description: " or "devctx: destination description: "
	}{
		{"s-bit64.json", `line 3, column 43: device_features[1]: bit 64 outside 0-63: the compatibility header carries feature bits 0-63 (docs/compat.md, "Feature bits above 63")`},
		{"s-bit127.json", `line 3, column 43: device_features[1]: bit 127 outside 0-63: the compatibility header carries feature bits 0-63 (docs/compat.md, "Feature bits above 63")`},
		{"s-dupparam.json", "line 1, column 124: params[1] (num-queues): name: duplicate of params[0] (a parameter is listed once, in any order)"},
		{"s-floatint.json", "line 1, column 113: params[0] (num-queues): value: 4.5 is not an int"},
		{"s-hugeint.json", "line 1, column 113: params[0] (num-queues): value: 99999999999999999999 is not an int: outside -9223372036854775808..9223372036854775807"},
		{"s-valtype.json", `line 1, column 113: params[0] (num-queues): value: "four" is not an int`},
		{"s-ver70000.json", "line 1, column 59: state_version: 70000 outside 0-65535 (a le16 of the compatibility header)"},
		{"s-verneg.json", "line 1, column 59: state_version: -1 outside 0-65535 (a le16 of the compatibility header)"},
		{"d-badrange.json", "line 1, column 84: " + net + "state_versions: min 3 > max 1: no state version is accepted"},
		{"d-minmax.json", "line 1, column 84: " + net + "state_versions: min 3 > max 1: no state version is accepted"},
		{"d-dupmodel.json", "line 2, column 10: models[1] (virtio-spec.org/pci/virtio-net): model: duplicate of models[0] (a model is listed once)"},
		{"d-initbad.json", "line 2, column 71: " + net + "params[0] (num-queues): init: 9 is not allowed (allowed 1-4)"},
		{"d-offbad.json", "line 2, column 120: " + net + "params[1] (rss): off: 7 is not a bool"},
		{"d-offnotallowed.json", "line 2, column 143: " + net + "params[1] (mtu): off: 0 is not allowed (allowed 1500-9000)"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data := trialFile(t, c.file)
			var err error
			prefix := "devctx: destination description: "
			if c.file[0] == 's' {
				prefix = "devctx: source description: "
				_, err = ParseSourceDescription(data)
			} else {
				_, err = ParseDestinationDescription(data)
			}
			assert.EqualError(t, err, prefix+c.want)
		})
	}
	_, err := ParseDestinationDescription(trialFile(t, "d-nomq.json"))
	assert.NoError(t, err, "a valid destination")
}
