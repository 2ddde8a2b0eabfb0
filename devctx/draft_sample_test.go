package devctx

import (
	"encoding/binary"
	"math/rand/v2"

	"github.com/migsim/migsim/spec"
)

// sampleContext is a context with one field of every known type, typed
// values built with the encoders, in canonical order.
func sampleContext() DraftContext {
	var cc CommonCfgImage
	cc.Set(spec.CfgQueueSelect, 1)
	cc.Set(spec.CfgNumQueues, 2)
	cc.Set(spec.CfgDeviceStatus, 0x0f)
	cc.Set(spec.CfgQueueDescLo, 0x1000)
	return DraftContext{Fields: []Field{
		cc.Field(),
		CommonRuntimeCfg{Writes: []SplitWrite{{Queue: 1, Field: spec.CfgQueueDescLo, Flags: SplitLoWritten, Lo: 0x2000}}}.Field(),
		FeaturesField(spec.FieldDevFeatures, FeatureWords{0x130000046}),
		FeaturesField(spec.FieldDrvFeatures, FeatureWords{0x100000006}),
		DeviceStatusField(0x0f),
		VQCfgList{Queues: []VQCfgEntry{{Index: 0, Size: 256, MSIXVector: 1, Enabled: 1, Desc: 0x1000, Driver: 0x2000, Device: 0x3000},
			{Index: 1, Size: 128, MSIXVector: 2, NotifyOff: 1}}}.Field(),
		VQSplitRuntimeList{Queues: []VQSplitRuntimeEntry{{Index: 0, LastAvailIdx: 5, UsedIdx: 4, Flags: RuntimeNotifyLatched, LatchedAvailIdx: 6}}}.Field(),
		DevOwnDescList{Descs: []DevOwnDesc{{Queue: 0, Head: 3}, {Queue: 0, Head: 7}}}.Field(),
		DevCfgField([]byte{1, 2, 3, 4, 5}),
		PendingEvents{Flags: PendingConfigIRQ, HeldIRQs: 0b10}.Field(),
		{Type: spec.FieldDeviceTypeFirst, Value: []byte{0xaa}},
	}}
}

// knownFieldTypes lists the field types randContext draws from.
var knownFieldTypes = []spec.FieldType{
	spec.FieldPCICommonCfg, spec.FieldPCICommonRuntimeCfg, spec.FieldDevFeatures, spec.FieldDrvFeatures,
	spec.FieldDeviceStatus, spec.FieldPCIVQCfg, spec.FieldVQSplitRuntimeCfg, spec.FieldVQSplitDevOwnDesc,
	spec.FieldDevCfg, spec.FieldPendingEvents, spec.FieldDeviceTypeFirst, 0x1234, spec.FieldDeviceTypeLast,
}

// randValue returns a value of 0..40 random bytes.
func randValue(r *rand.Rand) []byte {
	v := make([]byte, r.IntN(41))
	for i := range v {
		v[i] = byte(r.Uint32())
	}
	return v
}

// randContext returns a canonical context holding each type of types at
// most once (each kept with probability 1/2 unless all is set), random
// values.
func randContext(r *rand.Rand, all bool) DraftContext {
	var c DraftContext
	for _, t := range knownFieldTypes {
		if all || r.IntN(2) == 0 {
			c.Fields = append(c.Fields, Field{Type: t, Value: randValue(r)})
		}
	}
	return c
}

// mutate returns a copy of c with each field's value replaced with
// probability 1/3 (sometimes by an equal copy).
func mutate(r *rand.Rand, c DraftContext) DraftContext {
	out := DraftContext{Fields: make([]Field, len(c.Fields))}
	for i, f := range c.Fields {
		switch r.IntN(3) {
		case 0:
			out.Fields[i] = Field{Type: f.Type, Value: randValue(r)}
		case 1:
			out.Fields[i] = Field{Type: f.Type, Value: append([]byte{}, f.Value...)}
		default:
			out.Fields[i] = f
		}
	}
	return out
}

// rawField builds a TLV header with an arbitrary length followed by raw
// bytes (no padding added), to build hostile input.
func rawField(t uint32, length uint64, rest []byte) []byte {
	h := make([]byte, spec.DraftFieldHeaderSize)
	binary.LittleEndian.PutUint32(h, t)
	binary.LittleEndian.PutUint64(h[8:], length)
	return append(h, rest...)
}

// ctxHeader builds {le32 field_count; le32 reserved}.
func ctxHeader(count uint32) []byte {
	h := make([]byte, spec.DraftCtxHeaderSize)
	binary.LittleEndian.PutUint32(h, count)
	return h
}
