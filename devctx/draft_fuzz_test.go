package devctx

import (
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// FuzzDecodeDraftContext checks that decoding a draft-2023 context never
// panics and that decode → encode → decode is stable. The long runs are the
// lead's:
//
//	go test ./devctx -run '^$' -fuzz FuzzDecodeDraftContext -fuzztime 2m
func FuzzDecodeDraftContext(f *testing.F) {
	f.Add(EncodeDraftContext(sampleContext()))
	f.Add(EncodeDraftContext(DraftContext{}))
	f.Add(EncodeDraftContext(DraftContext{Fields: []Field{DevCfgField([]byte{1, 2, 3})}}))
	f.Add(append(ctxHeader(1), rawField(uint32(spec.FieldDevCfg), ^uint64(0), make([]byte, 8))...))
	f.Add(append(ctxHeader(1), rawField(uint32(spec.FieldDevCfg), 1<<63, nil)...))
	f.Add(ctxHeader(0xFFFFFFFF))
	f.Add(append(ctxHeader(1), rawField(uint32(spec.FieldDevCfg), 3, []byte{1, 2, 3, 0, 7, 0, 0, 0})...))
	// What the docs forbid: a field type twice, a split write with both or
	// no halves, a DEVICE_STATUS of one byte, a NET_CVQ with PROMISC 2.
	f.Add(EncodeDraftContext(DraftContext{Fields: []Field{DeviceStatusField(0x0f), DeviceStatusField(0)}}))
	f.Add(EncodeDraftContext(DraftContext{Fields: []Field{CommonRuntimeCfg{Writes: []SplitWrite{
		{Field: spec.CfgQueueDescLo, Flags: 3}}}.Field()}}))
	f.Add(EncodeDraftContext(DraftContext{Fields: []Field{CommonRuntimeCfg{Writes: []SplitWrite{
		{Field: spec.CfgQueueDescLo}}}.Field()}}))
	f.Add(EncodeDraftContext(DraftContext{Fields: []Field{{Type: spec.FieldDeviceStatus, Value: []byte{0x0f}}}}))
	f.Add(EncodeDraftContext(DraftContext{Fields: []Field{{Type: spec.FieldNetCVQ,
		Value: EncodeParts([]Part{{Type: spec.PartNetCVQCfg, Value: []byte{2}}})}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		prefix, perr := DecodeDraftContextPrefix(b)
		c, err := DecodeDraftContext(b)
		assert.Equal(t, err == nil, perr == nil)
		checkFieldAttrs(t, prefix, len(b))
		if err != nil {
			at, ok := ErrorOffset(err)
			assert.True(t, ok, "%v names an offset", err)
			assert.LessOrEqual(t, at, len(b))
			return
		}
		enc := EncodeDraftContext(c)
		h := fnv.New64a()
		h.Write(enc)
		assert.Equal(t, h.Sum64(), c.FNV64a(), "FNV64a hashes the encoding")
		// Reserved words are ignored on decode and written as zero, so the
		// encoding may differ from b only there; its length may not.
		assert.Len(t, enc, len(b))
		again, err := DecodeDraftContext(enc)
		require.NoError(t, err)
		assert.Equal(t, enc, EncodeDraftContext(again))
		for _, f := range again.Fields {
			assert.NotEmpty(t, f.Describe())
		}
	})
}

// checkFieldAttrs decodes the value of every field of c (as laid out from
// the start of an input of n bytes) for every device type: never a panic,
// and an error names an offset inside the value (or its end).
func checkFieldAttrs(t *testing.T, c DraftContext, n int) {
	t.Helper()
	off := spec.DraftCtxHeaderSize
	for _, f := range c.Fields {
		at := off + spec.DraftFieldHeaderSize
		for _, dev := range []uint16{0, spec.VirtioDeviceIDBlk, spec.VirtioDeviceIDNet} {
			as, err := f.DecodeAttrs(dev, at)
			assert.NotEmpty(t, as)
			if err != nil {
				got, ok := ErrorOffset(err)
				require.True(t, ok, "%v names an offset", err)
				assert.GreaterOrEqual(t, got, at, "%v", err)
				assert.LessOrEqual(t, got, at+len(f.Value), "%v", err)
				assert.LessOrEqual(t, got, n)
			}
		}
		off += f.EncodedSize()
	}
}
