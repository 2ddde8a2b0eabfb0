package devctx

import (
	"fmt"
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

func TestDraftContextRoundTrip(t *testing.T) {
	cases := []struct {
		name string
		ctx  DraftContext
		size int
	}{
		{"empty", DraftContext{}, 8},
		{"empty value", DraftContext{Fields: []Field{{Type: spec.FieldDevCfg, Value: []byte{}}}}, 24},
		{"padded value", DraftContext{Fields: []Field{{Type: spec.FieldDevCfg, Value: []byte{1, 2, 3}}}}, 32},
		{"aligned value", DraftContext{Fields: []Field{DeviceStatusField(1)}}, 32},
		{"device-type range ends", DraftContext{Fields: []Field{{Type: spec.FieldDeviceTypeFirst, Value: []byte{1}},
			{Type: spec.FieldDeviceTypeLast, Value: []byte{2}}}}, 8 + 2*24},
		{"every known type", sampleContext(), sampleContext().EncodedSize()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := EncodeDraftContext(tc.ctx)
			require.Len(t, b, tc.size)
			assert.Zero(t, len(b)%8, "8-byte aligned")
			got, err := DecodeDraftContext(b)
			require.NoError(t, err)
			require.Len(t, got.Fields, len(tc.ctx.Fields))
			for i := range got.Fields {
				assert.Equal(t, tc.ctx.Fields[i].Type, got.Fields[i].Type)
				assert.Equal(t, string(tc.ctx.Fields[i].Value), string(got.Fields[i].Value))
			}
			assert.Equal(t, b, EncodeDraftContext(got))
			h := fnv.New64a()
			h.Write(b)
			assert.Equal(t, h.Sum64(), tc.ctx.FNV64a(), "FNV64a hashes the encoding")
		})
	}
}

func TestDraftContextLayout(t *testing.T) {
	b := EncodeDraftContext(DraftContext{Fields: []Field{{Type: spec.FieldDevCfg, Value: []byte{0xa, 0xb, 0xc}}}})
	want := []byte{
		1, 0, 0, 0, 0, 0, 0, 0, // field_count 1, reserved
		9, 0, 0, 0, 0, 0, 0, 0, // type DEV_CFG, reserved
		3, 0, 0, 0, 0, 0, 0, 0, // le64 length 3
		0xa, 0xb, 0xc, 0, 0, 0, 0, 0, // value, zero padding
	}
	assert.Equal(t, want, b)
}

func TestDraftContextErrors(t *testing.T) {
	pad3 := []byte{1, 2, 3, 0, 0, 0, 0, 0}
	devCfg := uint32(spec.FieldDevCfg)
	cases := []struct {
		name    string
		in      []byte
		want    error
		index   int
		offset  int
		typ     spec.FieldType
		hasType bool
		msg     string
	}{
		{"field header truncated", append(ctxHeader(1), make([]byte, 10)...), ErrTruncated, 0, 8, 0, true,
			"header needs 16 bytes, 10 left"},
		{"field header of two bytes", append(ctxHeader(1), 9, 0), ErrTruncated, 0, 8, 0, false,
			"devctx: field 0 at offset 8: truncated"},
		{"field_count larger than the fields", append(ctxHeader(3), append(rawField(devCfg, 3, pad3), rawField(devCfg+0x1000, 3, pad3)...)...),
			ErrCount, 2, 56, 0, false, "devctx: field 2 at offset 56: count: field_count 3, only 2 fields present"},
		{"hostile field_count", ctxHeader(0xFFFFFFFF), ErrCount, 0, 8, 0, false, "field_count 4294967295, only 0 fields present"},
		{"length past the end", append(ctxHeader(1), rawField(devCfg, 100, pad3)...), ErrTruncated, 0, 8, spec.FieldDevCfg, true,
			"length 100 runs past the end (8 bytes left)"},
		{"hostile length 2^64-1", append(ctxHeader(1), rawField(devCfg, ^uint64(0), pad3)...), ErrTruncated, 0, 8, spec.FieldDevCfg, true,
			"length 18446744073709551615 runs past the end"},
		{"hostile length 2^63", append(ctxHeader(1), rawField(devCfg, 1<<63, pad3)...), ErrTruncated, 0, 8, spec.FieldDevCfg, true,
			"length 9223372036854775808 runs past the end"},
		{"missing padding", append(ctxHeader(1), rawField(devCfg, 3, pad3[:5])...), ErrTruncated, 0, 8, spec.FieldDevCfg, true,
			"padding after the 3-byte value needs 5 bytes, 2 left"},
		{"non-zero padding", append(ctxHeader(1), rawField(devCfg, 3, []byte{1, 2, 3, 0, 7, 0, 0, 0})...), ErrPadding, 0, 8, spec.FieldDevCfg, true,
			"padding byte 1 at offset 28: non-zero padding: 0x07"},
		{"unknown type 0xb", append(ctxHeader(1), rawField(0xb, 0, nil)...), ErrUnknownField, 0, 8, 0xb, true,
			"devctx: field 0 (FIELD_0x000b) at offset 8: unknown field type 0xb"},
		{"unknown type 0", append(ctxHeader(1), rawField(0, 0, nil)...), ErrUnknownField, 0, 8, 0, true,
			"unknown field type 0x0"},
		{"unknown type past the device-type range", append(ctxHeader(2), append(rawField(devCfg, 0, nil), rawField(0x2000, 0, nil)...)...),
			ErrUnknownField, 1, 24, 0x2000, true, "unknown field type 0x2000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecodeDraftContext(tc.in)
			require.Error(t, err)
			assert.Empty(t, c.Fields)
			assert.ErrorIs(t, err, tc.want)
			var fe *FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tc.index, fe.Index, "index")
			assert.Equal(t, tc.offset, fe.Offset, "offset")
			assert.Equal(t, tc.hasType, fe.HasType, "has type")
			if tc.hasType {
				assert.Equal(t, tc.typ, fe.Type, "type")
				assert.Contains(t, err.Error(), fmt.Sprintf("devctx: field %d (%s) at offset %d: ", tc.index, tc.typ, tc.offset))
			}
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestDraftContextFramingErrors(t *testing.T) {
	two := EncodeDraftContext(DraftContext{Fields: []Field{DeviceStatusField(1), DeviceStatusField(2)}})
	two[0] = 1 // field_count 1, two fields present
	cases := []struct {
		name string
		in   []byte
		want error
		msg  string
	}{
		{"context header truncated", []byte{1, 0, 0}, ErrTruncated, "devctx: context header at offset 0: truncated: need 8 bytes, have 3"},
		{"trailing bytes", two, ErrTrailing, "devctx: context at offset 32: trailing bytes: 24 bytes after the 1 fields of field_count"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeDraftContext(tc.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.EqualError(t, err, tc.msg)
		})
	}
}

func TestFieldsQueryRoundTrip(t *testing.T) {
	q := FieldsQuery{Entries: []FieldInfo{{Type: spec.FieldPCICommonCfg, Length: 64}, {Type: spec.FieldDeviceTypeLast, Length: 3}}}
	b := q.Encode()
	assert.Equal(t, []byte{
		2, 0, 0, 0, 0, 0, 0, 0,
		1, 0, 0, 0, 64, 0, 0, 0,
		0xff, 0x1f, 0, 0, 3, 0, 0, 0,
	}, b)
	reserved := FieldsQuery{Reserved: 7, Entries: []FieldInfo{{Type: spec.FieldDevCfg, Reserved: [2]byte{1, 2}, Length: 3}}}
	got, err := DecodeFieldsQuery(reserved.Encode())
	require.NoError(t, err)
	assert.Equal(t, reserved, got, "reserved values are kept")
	got, err = DecodeFieldsQuery(b)
	require.NoError(t, err)
	assert.Equal(t, q, got)
	got, err = DecodeFieldsQuery(append(b, 0, 0, 0))
	require.NoError(t, err, "a larger result buffer is accepted")
	assert.Equal(t, q, got)
}

func TestCtxReadResultRoundTrip(t *testing.T) {
	ctx := EncodeDraftContext(sampleContext())
	r := CtxReadResult{Remaining: 40, Ctx: ctx}
	b := r.Encode()
	require.Len(t, b, 8+len(ctx))
	got, err := DecodeCtxReadResult(b)
	require.NoError(t, err)
	assert.Equal(t, r, got)
	c, err := DecodeDraftContext(got.Ctx)
	require.NoError(t, err)
	assert.Len(t, c.Fields, len(sampleContext().Fields))
}

// TestAVQ_DRV_02_DraftResultsShortReadAsZero checks that results shorter
// than their fixed head read zero-extended (AVQ-DRV-02).
func TestAVQ_DRV_02_DraftResultsShortReadAsZero(t *testing.T) {
	q, err := DecodeFieldsQuery(make([]byte, 5))
	require.NoError(t, err)
	assert.Equal(t, FieldsQuery{}, q)
	r, err := DecodeCtxReadResult(make([]byte, 7))
	require.NoError(t, err)
	assert.Equal(t, CtxReadResult{}, r)
	assert.Equal(t, CtxSizeResult{Size: 0x40}, DecodeCtxSizeResult([]byte{0x40}))
}

func TestDraftResultErrors(t *testing.T) {
	cases := []struct {
		name   string
		decode func() error
		want   error
		field  string
		msg    string
	}{
		{"fields query count larger", func() error {
			_, err := DecodeFieldsQuery(append(ctxHeader(2), make([]byte, 12)...))
			return err
		}, ErrCount, "count", "devctx: DEV_CTX_FIELDS_QUERY result: count at byte 0: count 2, only 1 entries present"},
		{"fields query hostile count", func() error { _, err := DecodeFieldsQuery(ctxHeader(0xFFFFFFFF)); return err },
			ErrCount, "count", "count 4294967295, only 0 entries present"},
		{"ctx read size in 2 bytes", func() error { _, err := DecodeCtxReadResult([]byte{1, 0}); return err },
			ErrTruncated, "size", "size 1 needs 1 context bytes, 0 present"},
		{"ctx read size past the end", func() error {
			_, err := DecodeCtxReadResult(append(ctxHeader(0xFFFFFFFF), 1, 2))
			return err
		}, ErrTruncated, "size", "devctx: DEV_CTX_READ result: size at byte 0: truncated: size 4294967295 needs 4294967295 context bytes, 2 present"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.decode()
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			var re *ResultError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tc.field, re.Field)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

// TestFNV64aWrite: the hash state written eight bytes at a time is
// hash/fnv's FNV-64a for every length and for a write split anywhere.
func TestFNV64aWrite(t *testing.T) {
	buf := make([]byte, 40)
	for i := range buf {
		if i < 8 || i >= 24 { // zero words too, which take a shortcut
			buf[i] = byte(i*37 + 11)
		}
	}
	p8 := fnv64a(1)
	for range 8 {
		p8 *= fnvPrime64
	}
	assert.Equal(t, p8, fnv64a(fnvPrime64Pow8))
	for n := range len(buf) + 1 {
		for split := range n + 1 {
			want := fnv.New64a()
			want.Write(buf[:n])
			h := fnv64a(fnvOffset64)
			h.write(buf[:split])
			h.write(buf[split:n])
			assert.Equal(t, want.Sum64(), uint64(h), "length %d split at %d", n, split)
		}
	}
}
