package devctx

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// valueCodec decodes a part, field or result value and, when it decodes,
// encodes what it read and decodes that again: the second decode must
// succeed and give the same value.
type valueCodec struct {
	name  string
	field spec.FieldType // the draft field whose values seed it, 0 for none
	part  spec.PartType  // the part whose values seed it, 0 for none
	check func(t *testing.T, b []byte)
}

// roundTrip is the check of a decoder and its encoder.
func roundTrip[T any](dec func([]byte) (T, error), enc func(T) []byte) func(*testing.T, []byte) {
	return func(t *testing.T, b []byte) {
		v, err := dec(b)
		if err != nil {
			require.NotEmpty(t, err.Error())
			return
		}
		again, err := dec(enc(v))
		require.NoError(t, err, "the encoding of what decoded decodes")
		require.Equal(t, v, again, "decode → encode → decode")
	}
}

// valueCodecs lists every value decoder that has an encoder.
var valueCodecs = []valueCodec{
	{"VQCfg", 0, spec.PartVQCfg, roundTrip(DecodeVQCfg, VQCfg.Encode)},
	{"VQNotifyCfg", 0, spec.PartVQNotifyCfg, roundTrip(DecodeVQNotifyCfg, VQNotifyCfg.Encode)},
	{"FeatureWords", spec.FieldDevFeatures, spec.PartDrvFeatures, roundTrip(DecodeFeatureWords, FeatureWords.Encode)},
	{"DeviceStatus", spec.FieldDeviceStatus, spec.PartDeviceStatus, roundTrip(DecodeDeviceStatus,
		func(s spec.DeviceStatus) []byte { return AppendDeviceStatus(nil, s) })},
	{"CommonCfgImage", spec.FieldPCICommonCfg, 0, roundTrip(DecodeCommonCfgImage,
		func(c CommonCfgImage) []byte { return c.AppendValue(nil) })},
	{"PendingEvents", spec.FieldPendingEvents, 0, roundTrip(DecodePendingEvents, PendingEvents.Encode)},
	{"CommonRuntimeCfg", spec.FieldPCICommonRuntimeCfg, 0, roundTrip(DecodeCommonRuntimeCfg, CommonRuntimeCfg.Encode)},
	{"VQCfgList", spec.FieldPCIVQCfg, 0, roundTrip(DecodeVQCfgList, VQCfgList.Encode)},
	{"VQSplitRuntimeList", spec.FieldVQSplitRuntimeCfg, 0, roundTrip(DecodeVQSplitRuntimeList, VQSplitRuntimeList.Encode)},
	{"DevOwnDescList", spec.FieldVQSplitDevOwnDesc, 0, roundTrip(DecodeDevOwnDescList, DevOwnDescList.Encode)},
	{"NetInflightList", spec.FieldNetInflight, 0, roundTrip(DecodeNetInflightList, NetInflightList.Encode)},
	{"NetCVQField", spec.FieldNetCVQ, 0, roundTrip(DecodeNetCVQField, EncodeParts)},
	{"MetadataList", 0, 0, roundTrip(DecodeMetadataList, MetadataList.Encode)},
	{"FieldsQuery", 0, 0, roundTrip(DecodeFieldsQuery, FieldsQuery.Encode)},
	{"CtxReadResult", 0, 0, roundTrip(DecodeCtxReadResult, CtxReadResult.Encode)},
	{"PartHeader", 0, 0, roundTrip(DecodePartHeader, PartHeader.Encode)},
	{"PartHeaders", 0, 0, roundTrip(DecodePartHeaders, func(hs []PartHeader) []byte {
		var b []byte
		for _, h := range hs {
			b = h.Append(b)
		}
		return b
	})},
}

// FuzzDecodeValues runs one value decoder (which, modulo the number of
// decoders) on b: never a panic, and what decodes survives encode and
// decode unchanged. Seeds: the values of the sample context's fields and
// of the spec's part vectors (testdata/admin-v1.4.json), each for its
// decoder, and the whole part vectors for the header decoders.
func FuzzDecodeValues(f *testing.F) {
	vs := loadVectors(f)
	for i, c := range valueCodecs {
		f.Add(uint8(i), []byte{})
		for _, fl := range sampleContext().Fields {
			if c.field != 0 && fl.Type == c.field {
				f.Add(uint8(i), fl.Value)
			}
		}
		for _, name := range partVectorNames(vs) {
			b := vs[name]
			h, err := DecodePartHeader(b)
			require.NoError(f, err, name)
			switch {
			case c.part != 0 && h.Type == c.part:
				f.Add(uint8(i), b[spec.PartHeaderSize:])
			case c.name == "PartHeader" || c.name == "PartHeaders":
				f.Add(uint8(i), b)
			}
		}
	}
	// Values the docs forbid, each for its decoder: a split write with no
	// or both halves written, and entry lists that name a queue (or a
	// queue and head) twice.
	for i, c := range valueCodecs {
		switch c.name {
		case "CommonRuntimeCfg":
			f.Add(uint8(i), CommonRuntimeCfg{Writes: []SplitWrite{{Field: spec.CfgQueueDescLo, Flags: 3}}}.Encode())
			f.Add(uint8(i), CommonRuntimeCfg{Writes: []SplitWrite{{Field: spec.CfgQueueDescLo}}}.Encode())
			w := SplitWrite{Field: spec.CfgQueueDriverLo, Flags: SplitHiWritten}
			f.Add(uint8(i), CommonRuntimeCfg{Writes: []SplitWrite{w, w}}.Encode())
		case "VQCfgList":
			f.Add(uint8(i), VQCfgList{Queues: []VQCfgEntry{{Index: 1}, {Index: 1}}}.Encode())
		case "VQSplitRuntimeList":
			f.Add(uint8(i), VQSplitRuntimeList{Queues: []VQSplitRuntimeEntry{{Index: 2}, {Index: 2}}}.Encode())
		case "DevOwnDescList":
			f.Add(uint8(i), DevOwnDescList{Descs: []DevOwnDesc{{Queue: 0, Head: 3}, {Queue: 0, Head: 3}}}.Encode())
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, b []byte) {
		c := valueCodecs[int(which)%len(valueCodecs)]
		t.Run(c.name, func(t *testing.T) { c.check(t, b) })
	})
}
