package compat

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	compatNet    = ModelNet
	compatBlk    = ModelBlk
	compatBitRSS = 60
)

func compatVal(v Value) *Value { return &v }

func compatHdr(model string, version uint16, params ...Param) CompatHeader {
	id, _ := ModelDeviceID(model)
	return CompatHeader{FmtMajor: CompatFmtMajor, Model: model, VirtioDeviceID: id, StateVersion: version, Params: SortParams(params)}
}

func compatCaps(model string, min, max uint16, params ...ParamCaps) DeviceCaps {
	return DeviceCaps{Models: []ModelCaps{{Model: model, MinVersion: min, MaxVersion: max, Params: params, Features: ^uint64(0)}}}
}

func compatNumQueues(allowed ...Allowed) ParamCaps {
	return ParamCaps{Name: "num-queues", Type: ParamInt, Allowed: allowed, Init: compatVal(IntValue(1))}
}

var compatRSSCaps = ParamCaps{Name: "rss", Type: ParamBool, Init: compatVal(BoolValue(true)), Off: compatVal(BoolValue(false))}

func compatWithFeatures(c DeviceCaps, fs uint64) DeviceCaps {
	c.Models[0].Features = fs
	return c
}

func compatHeaderFeatures(h CompatHeader, fs uint64) CompatHeader {
	h.DeviceFeatures = fs
	return h
}

func compatBits(bs ...int) uint64 {
	var fs uint64
	for _, b := range bs {
		fs |= 1 << uint(b)
	}
	return fs
}

type compatCase struct {
	name  string
	src   CompatHeader
	dst   DeviceCaps
	codes []MismatchCode
	field []string // fields of the mismatches, in order (optional)
}

// compatRefCases are the 15 reference cases of docs/compat.md ("Reference
// cases"), in its order.
func compatRefCases() []compatCase {
	nq := compatNumQueues(AllowRange(1, 8))
	return []compatCase{
		{name: "01_accept", src: compatHdr(compatNet, 3, Param{"num-queues", IntValue(4)}), dst: compatCaps(compatNet, 1, 3, nq)},
		{name: "02_model_vendor", src: CompatHeader{FmtMajor: 1, Model: "vendor-a.com/my-nic", StateVersion: 1},
			dst: compatCaps("vendor-b.com/my-nic", 1, 1), codes: []MismatchCode{CodeModel}, field: []string{"model"}},
		{name: "03_model_net_vs_blk", src: compatHdr(compatNet, 2), dst: compatCaps(compatBlk, 1, 3), codes: []MismatchCode{CodeModel}},
		{name: "04_version_too_new", src: compatHdr(compatNet, 4), dst: compatCaps(compatNet, 1, 3), codes: []MismatchCode{CodeVersionTooNew}},
		{name: "05_version_too_old", src: compatHdr(compatNet, 1), dst: compatCaps(compatNet, 2, 3), codes: []MismatchCode{CodeVersionTooOld}},
		{name: "06_old_impl_no_rss", src: compatHdr(compatNet, 2), dst: compatCaps(compatNet, 2, 2, compatRSSCaps)},
		{name: "07_new_impl_rss_off_to_old", src: compatHdr(compatNet, 2), dst: compatCaps(compatNet, 2, 2)},
		{name: "08_new_impl_rss_on_to_old", src: compatHdr(compatNet, 2, Param{"rss", BoolValue(true)}), dst: compatCaps(compatNet, 2, 2),
			codes: []MismatchCode{CodeParamUnknown}, field: []string{"rss"}},
		{name: "09_param_value", src: compatHdr(compatNet, 1, Param{"num-queues", IntValue(8)}), dst: compatCaps(compatNet, 1, 1, compatNumQueues(AllowRange(1, 4))),
			codes: []MismatchCode{CodeParamValue}, field: []string{"num-queues"}},
		{name: "10_allowed_mixed", src: compatHdr(compatNet, 1, Param{"num-queues", IntValue(4)}),
			dst: compatCaps(compatNet, 1, 1, compatNumQueues(AllowRange(1, 4), AllowValue(IntValue(8))))},
		{name: "11_param_type", src: compatHdr(compatNet, 1, Param{"num-queues", StrValue("four")}), dst: compatCaps(compatNet, 1, 1, compatNumQueues()),
			codes: []MismatchCode{CodeParamType}, field: []string{"num-queues"}},
		{name: "12_param_required", src: compatHdr(compatNet, 1),
			dst:   compatCaps(compatNet, 1, 1, ParamCaps{Name: "num-resources", Type: ParamInt, Allowed: []Allowed{AllowValue(IntValue(64))}}),
			codes: []MismatchCode{CodeParamRequired}, field: []string{"num-resources"}},
		{name: "13_features_subset", src: compatHeaderFeatures(compatHdr(compatNet, 1), compatBits(32, 15, 17)), dst: compatWithFeatures(compatCaps(compatNet, 1, 1), compatBits(32, 15, 17, 22, compatBitRSS))},
		{name: "14_features_missing_rss", src: compatHeaderFeatures(compatHdr(compatNet, 1), compatBits(32, compatBitRSS)), dst: compatWithFeatures(compatCaps(compatNet, 1, 1), compatBits(32, 15)),
			codes: []MismatchCode{CodeFeatures}, field: []string{"VIRTIO_NET_F_RSS"}},
		{name: "15_unknown_then_value", src: compatHdr(compatNet, 1, Param{"rss", BoolValue(true)}, Param{"num-queues", IntValue(8)}),
			dst:   compatCaps(compatNet, 1, 1, compatNumQueues(AllowRange(1, 4))),
			codes: []MismatchCode{CodeParamUnknown, CodeParamValue}, field: []string{"rss", "num-queues"}},
	}
}

// ownCases go beyond the reference cases: ordering across stages, stop
// rules, aliases.
func compatOwnCases() []compatCase {
	nq := compatNumQueues(AllowRange(1, 4))
	return []compatCase{
		{name: "fmt_major_stops", src: CompatHeader{FmtMajor: 2, Model: compatNet, VirtioDeviceID: 1, StateVersion: 9},
			dst: compatCaps(compatBlk, 1, 1), codes: []MismatchCode{CodeFormat}},
		{name: "unsorted_params_format", src: CompatHeader{FmtMajor: 1, Model: compatNet, VirtioDeviceID: 1,
			Params: []Param{{"z", IntValue(1)}, {"a", IntValue(1)}}}, dst: compatCaps(compatNet, 0, 1), codes: []MismatchCode{CodeFormat}},
		{name: "device_id_vs_model_corrupt", src: CompatHeader{FmtMajor: 1, Model: compatNet, VirtioDeviceID: 2, StateVersion: 1},
			dst: compatCaps(compatNet, 1, 1), codes: []MismatchCode{CodeCorrupt}},
		{name: "dst_device_id_corrupt", src: CompatHeader{FmtMajor: 1, Model: "vendor-a.com/nic", VirtioDeviceID: 7, StateVersion: 1},
			dst: DeviceCaps{Models: []ModelCaps{{Model: "vendor-a.com/nic", DeviceID: 1, MinVersion: 1, MaxVersion: 1}}}, codes: []MismatchCode{CodeCorrupt}},
		{name: "model_stops_before_params", src: compatHdr(compatNet, 9, Param{"rss", BoolValue(true)}), dst: compatCaps(compatBlk, 1, 1), codes: []MismatchCode{CodeModel}},
		{name: "version_stops_before_params", src: compatHeaderFeatures(compatHdr(compatNet, 9, Param{"rss", BoolValue(true)}), compatBits(compatBitRSS)),
			dst: compatWithFeatures(compatCaps(compatNet, 1, 3), 0), codes: []MismatchCode{CodeVersionTooNew}},
		{name: "all_stages_4_to_7_sorted",
			src: compatHeaderFeatures(compatHdr(compatNet, 1, Param{"zeta", IntValue(1)}, Param{"alpha", IntValue(1)},
				Param{"num-queues", IntValue(9)}, Param{"mtu", StrValue("x")}), compatBits(compatBitRSS, 3)),
			dst: compatWithFeatures(compatCaps(compatNet, 1, 1, nq, ParamCaps{Name: "mtu", Type: ParamInt},
				ParamCaps{Name: "b-req", Type: ParamInt}, ParamCaps{Name: "a-req", Type: ParamBool}), 0),
			codes: []MismatchCode{CodeParamUnknown, CodeParamUnknown, CodeParamType, CodeParamValue,
				CodeParamRequired, CodeParamRequired, CodeFeatures, CodeFeatures},
			field: []string{"alpha", "zeta", "mtu", "num-queues", "a-req", "b-req", "VIRTIO_NET_F_MTU", "VIRTIO_NET_F_RSS"}},
		{name: "alias_expands_to_known", src: compatHdr(compatNet, 1, Param{"version", IntValue(2)}),
			dst: compatAliasCaps(), codes: nil},
		{name: "alias_explicit_wins", src: compatHdr(compatNet, 1, Param{"version", IntValue(2)}, Param{"num-queues", IntValue(9)}),
			dst: compatAliasCaps(), codes: []MismatchCode{CodeParamValue}, field: []string{"num-queues"}},
		{name: "alias_unknown_version", src: compatHdr(compatNet, 1, Param{"version", IntValue(7)}),
			dst: compatAliasCaps(), codes: []MismatchCode{CodeParamValue, CodeParamRequired}, field: []string{"version", "num-queues"}},
		{name: "alias_without_table_is_unknown_param", src: compatHdr(compatNet, 1, Param{"version", IntValue(2)}),
			dst: compatCaps(compatNet, 1, 1), codes: []MismatchCode{CodeParamUnknown}, field: []string{"version"}},
		{name: "impl_never_rejects", src: func() CompatHeader { h := compatHdr(compatNet, 1); h.Impl = "other-vendor/99"; return h }(),
			dst: DeviceCaps{Impl: "migsim-ref/1.0.0", Models: compatCaps(compatNet, 1, 1).Models}},
		{name: "no_models", src: compatHdr(compatNet, 1), dst: DeviceCaps{}, codes: []MismatchCode{CodeModel}},
	}
}

// aliasCaps: version=2 means {rss=true, num-queues=4}; num-queues has no
// off value, so version=2 supplies the required parameter.
func compatAliasCaps() DeviceCaps {
	c := compatCaps(compatNet, 1, 1, compatNumQueues(AllowRange(1, 4)), compatRSSCaps)
	c.Models[0].Aliases = []VersionAlias{
		{Version: 1, Params: []Param{{"num-queues", IntValue(1)}}},
		{Version: 2, Params: []Param{{"num-queues", IntValue(4)}, {"rss", BoolValue(true)}}},
	}
	return c
}

func TestCompatReferenceCases(t *testing.T) {
	runCompatCases(t, compatRefCases())
}

func TestCompat_OwnCases(t *testing.T) {
	runCompatCases(t, compatOwnCases())
}

func runCompatCases(t *testing.T, cases []compatCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCompatible(tc.src, tc.dst, Where{Phase: PhasePrecheck, Member: 3})
			if len(tc.codes) == 0 {
				assert.NoError(t, err)
				return
			}
			var ie *IncompatibleError
			require.True(t, errors.As(err, &ie), "want *IncompatibleError, got %v", err)
			assert.Equal(t, tc.codes, ie.Codes())
			assert.Equal(t, PhasePrecheck, ie.Phase)
			assert.Equal(t, uint64(3), ie.Member)
			assert.Equal(t, tc.src.Model, ie.Model)
			if tc.field != nil {
				fields := make([]string, len(ie.Mismatches))
				for i, m := range ie.Mismatches {
					fields[i] = m.Field
				}
				assert.Equal(t, tc.field, fields)
			}
		})
	}
}

func TestCompatErrorContract_ExactMessages(t *testing.T) {
	cases := []struct {
		name string
		src  CompatHeader
		dst  DeviceCaps
		at   Where
		want string
	}{
		{"param_value", compatHdr(compatNet, 1, Param{"num-queues", IntValue(8)}), compatCaps(compatNet, 1, 1, compatNumQueues(AllowRange(1, 4))),
			Where{PhasePrecheck, 3},
			"devctx: incompatible (precheck, member 3, model virtio-spec.org/pci/virtio-net): param-value num-queues: source 8, destination allows 1-4"},
		{"too_new", compatHdr(compatNet, 4), compatCaps(compatNet, 1, 3), Where{PhaseLoad, 0},
			"devctx: incompatible (load, member 0, model virtio-spec.org/pci/virtio-net): version: state version 4 is too new for destination (max 3)"},
		{"too_old", compatHdr(compatNet, 1), compatCaps(compatNet, 2, 3), Where{PhasePrecheck, 1},
			"devctx: incompatible (precheck, member 1, model virtio-spec.org/pci/virtio-net): version: state version 1 is too old for destination (min 2)"},
		{"model", CompatHeader{FmtMajor: 1, Model: "vendor-a.com/my-nic", StateVersion: 1, Impl: "vendor-a/2.1"},
			compatCaps("vendor-b.com/my-nic", 1, 1), Where{PhasePrecheck, 2},
			"devctx: incompatible (precheck, member 2, model vendor-a.com/my-nic, impl vendor-a/2.1): model: source vendor-a.com/my-nic, destination vendor-b.com/my-nic"},
		{"several", compatHeaderFeatures(compatHdr(compatNet, 1, Param{"rss", BoolValue(true)}, Param{"num-queues", StrValue("four")}), compatBits(compatBitRSS)),
			compatWithFeatures(compatCaps(compatNet, 1, 1, compatNumQueues(), ParamCaps{Name: "num-resources", Type: ParamInt, Allowed: []Allowed{AllowValue(IntValue(64))}}), 0),
			Where{PhasePrecheck, 3},
			"devctx: incompatible (precheck, member 3, model virtio-spec.org/pci/virtio-net): " +
				"param-unknown rss: source true, destination does not know it; " +
				"param-type num-queues: source str \"four\", destination expects int; " +
				"param-required num-resources: source omits it, destination has no off value (allows 64); " +
				"features bit 60 (VIRTIO_NET_F_RSS): source offers it, destination does not support it"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckCompatible(tc.src, tc.dst, tc.at)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}

func TestCompatErrorContract_ByteIdenticalMessages(t *testing.T) {
	for _, tc := range append(compatRefCases(), compatOwnCases()...) {
		if len(tc.codes) == 0 {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			first := CheckCompatible(tc.src, tc.dst, Where{PhaseLoad, 5})
			require.Error(t, first)
			for i := 0; i < 20; i++ {
				again := CheckCompatible(tc.src, tc.dst, Where{PhaseLoad, 5})
				require.Error(t, again)
				assert.Equal(t, first.Error(), again.Error())
			}
		})
	}
}

func TestCompatDecision_CheckDoesNotMutate(t *testing.T) {
	for _, tc := range append(compatRefCases(), compatOwnCases()...) {
		t.Run(tc.name, func(t *testing.T) {
			src, dst := compatCopyHeader(tc.src), compatCopyCaps(tc.dst)
			_ = CheckCompatible(tc.src, tc.dst, Where{PhasePrecheck, 1})
			assert.Equal(t, src, tc.src)
			assert.Equal(t, dst, tc.dst)
			m, ok := tc.dst.Model(tc.src.Model)
			if ok {
				_, _ = EffectiveParams(tc.src, m)
				assert.Equal(t, src, tc.src)
				assert.Equal(t, dst, tc.dst)
			}
		})
	}
}

func compatCopyHeader(h CompatHeader) CompatHeader {
	c := h
	c.Params = append([]Param(nil), h.Params...)
	c.Parts = append([]PartEntry(nil), h.Parts...)
	if h.DriverFeatures != nil {
		df := *h.DriverFeatures
		c.DriverFeatures = &df
	}
	c.Extensions = nil
	for _, x := range h.Extensions {
		c.Extensions = append(c.Extensions, HeaderTLV{x.Type, x.Flags, append([]byte(nil), x.Value...)})
	}
	return c
}

func compatCopyCaps(d DeviceCaps) DeviceCaps {
	c := d
	c.Models = nil
	for _, m := range d.Models {
		mc := m
		mc.Params = nil
		for _, p := range m.Params {
			pc := p
			pc.Allowed = append([]Allowed(nil), p.Allowed...)
			if p.Init != nil {
				pc.Init = compatVal(*p.Init)
			}
			if p.Off != nil {
				pc.Off = compatVal(*p.Off)
			}
			mc.Params = append(mc.Params, pc)
		}
		mc.Parts = append(mc.Parts[:0:0], m.Parts...)
		mc.Aliases = nil
		for _, a := range m.Aliases {
			mc.Aliases = append(mc.Aliases, VersionAlias{a.Version, append([]Param(nil), a.Params...)})
		}
		c.Models = append(c.Models, mc)
	}
	return c
}

func TestCompatNewerOlder_EffectiveParamsSetsOmittedToOff(t *testing.T) {
	// Case 6: an old source without rss runs with rss=false on a new
	// destination that would initialise it to true.
	src := compatHdr(compatNet, 2, Param{"num-queues", IntValue(2)})
	dst := compatCaps(compatNet, 2, 2, compatNumQueues(AllowRange(1, 4)), compatRSSCaps)
	require.NoError(t, CheckCompatible(src, dst, Where{PhasePrecheck, 0}))
	params, off := EffectiveParams(src, dst.Models[0])
	assert.Equal(t, []Param{{"rss", BoolValue(false)}}, off)
	assert.Equal(t, []Param{{"num-queues", IntValue(2)}, {"rss", BoolValue(false)}}, params)
}

func TestCompatNewerOlder_AliasExpansion(t *testing.T) {
	params, ms := expandAliases([]Param{{"version", IntValue(2)}}, compatAliasCaps().Models[0])
	assert.Empty(t, ms)
	assert.Equal(t, []Param{{"num-queues", IntValue(4)}, {"rss", BoolValue(true)}}, params)
	_, ms = expandAliases([]Param{{"version", StrValue("2")}}, compatAliasCaps().Models[0])
	require.Len(t, ms, 1)
	assert.Equal(t, CodeParamType, ms[0].Code)
}

func TestCompatDecision_Step7_NegotiatedFeaturesIsSourceBitmap(t *testing.T) {
	src := compatHeaderFeatures(compatHdr(compatNet, 1), compatBits(32, 15, 17))
	dst := compatWithFeatures(compatCaps(compatNet, 1, 1), compatBits(32, 15, 17, 22, compatBitRSS))
	require.NoError(t, CheckCompatible(src, dst, Where{PhasePrecheck, 0}))
	assert.Equal(t, compatBits(32, 15, 17), NegotiatedFeatures(src, dst))
	assert.Equal(t, uint64(0), NegotiatedFeatures(compatHdr(compatBlk, 1), dst))
}

func TestCompat_MismatchCodeNames(t *testing.T) {
	want := map[MismatchCode]string{
		CodeFormat: "format", CodeModel: "model", CodeVersionTooNew: "version", CodeVersionTooOld: "version",
		CodeParamUnknown: "param-unknown", CodeParamType: "param-type", CodeParamValue: "param-value",
		CodeParamRequired: "param-required", CodeFeatures: "features", CodeCorrupt: "corrupt",
		CodeContext: "context", CodePartUnknown: "part-unknown", MismatchCode(99): "code(99)",
	}
	for c, s := range want {
		assert.Equal(t, s, c.String(), "code %d", uint8(c))
	}
}
