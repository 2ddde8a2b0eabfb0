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

func TestCompatJSON_ErrorsNameWhere(t *testing.T) {
	cases := []struct {
		name string
		src  bool
		in   string
		want string
	}{
		{"syntax", true, "{\n  \"model\": \"m/x\",\n  ]", "line 3, column 3"},
		{"empty", true, "", "empty input"},
		{"trailing", true, `{"model": "m/x", "state_version": 1} {}`, "trailing data"},
		{"missing_model", true, `{"state_version": 1}`, "model: missing"},
		{"missing_version", true, `{"model": "m/x"}`, "state_version: missing"},
		{"value_type", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "int", "value": "four"}]}`,
			`params[0] (q): value: "four" is not a int`},
		{"bad_type", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "float", "value": 1}]}`,
			`params[0] (q): type "float"`},
		{"off_type", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "bool", "value": true, "off": 0}]}`,
			`params[0] (q): off: 0 is not a bool`},
		{"unknown_feature", true, `{"model": "m/x", "state_version": 1, "device_features": ["VIRTIO_NET_F_RSS"]}`,
			`device_features[0]: unknown feature "VIRTIO_NET_F_RSS" for model m/x`},
		{"feature_range", true, `{"model": "m/x", "state_version": 1, "device_features": [64]}`, "bit 64 outside 0-63"},
		{"unknown_part", true, `{"model": "m/x", "state_version": 1, "parts": [{"type": "NOPE"}]}`, `parts[0]: type: unknown part type "NOPE"`},
		{"duplicate_param", true, `{"model": "m/x", "state_version": 1, "params": [{"name": "q", "type": "int", "value": 1}, {"name": "q", "type": "int", "value": 2}]}`,
			"duplicate"},
		{"wrong_field_type", true, `{"model": 5}`, "field model"},
		{"dst_empty", false, `{}`, "models: missing (a destination accepts at least one model)"},
		{"dst_no_models", false, `{"impl": "x/1", "models": []}`, "models: missing"},
		{"dst_versions", false, `{"models": [{"model": "m/x"}]}`, `models[0] (m/x): state_versions`},
		{"dst_empty_range", false, `{"models": [{"model": "m/x", "state_versions": {"min": 3, "max": 1}}]}`, "empty range"},
		{"dst_alias_unknown_param", false, `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 1}, "aliases": [{"version": 1, "params": {"q": 1}}]}]}`,
			"aliases[0]: params.q: not a parameter"},
		{"dst_duplicate_model", false, `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 1}}, {"model": "m/x", "state_versions": {"min": 1, "max": 1}}]}`,
			"duplicate"},
		{"dst_allowed_type", false, `{"models": [{"model": "m/x", "state_versions": {"min": 1, "max": 1}, "params": [{"name": "b", "type": "bool", "allowed": ["yes"]}]}]}`,
			`allowed[0]: "yes" is not a bool`},
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
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Regexp(t, `^devctx: `, err.Error())
		})
	}
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
