package compat

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/migsim/migsim/spec"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func compatSampleHeader() CompatHeader {
	df := compatBits(32, 15)
	return CompatHeader{
		FmtMajor: CompatFmtMajor, FmtMinor: CompatFmtMinor,
		Model: ModelNet, VirtioDeviceID: 1, StateVersion: 3,
		Params: []Param{
			{"mac", StrValue("52:54:00:12:34:56")},
			{"num-queues", IntValue(4)},
			{"rss", BoolValue(true)},
		},
		DeviceFeatures: compatBits(32, 15, 17, compatBitRSS),
		Impl:           "migsim-ref/1.5.0",
		Parts: []PartEntry{
			{Type: spec.PartDevFeatures}, {Type: spec.PartDrvFeatures},
			{Type: spec.PartVQCfg}, {Type: 0x300, Flags: spec.PartFlagOptional},
		},
		DriverFeatures: &df,
		Extensions:     []HeaderTLV{{Type: 9, Flags: TLVFlagOptional, Value: []byte("future")}},
	}
}

func TestCompatCodec_RoundTrip(t *testing.T) {
	payload := []byte("device parts go here")
	cases := []struct {
		name string
		h    CompatHeader
		p    []byte
	}{
		{"full", compatSampleHeader(), payload},
		{"minimal", CompatHeader{FmtMajor: 1, Model: ModelBlk, VirtioDeviceID: 2}, nil},
		{"negative_int_and_empty_str", CompatHeader{FmtMajor: 1, FmtMinor: 7, Model: "x/y",
			Params: []Param{{"a", IntValue(-5)}, {"b", StrValue("")}, {"c", BoolValue(false)}}}, []byte{0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := EncodeSavedState(tc.h, tc.p)
			h, p, err := DecodeSavedState(b)
			require.NoError(t, err)
			want := tc.h
			want.PayloadLen = uint32(len(tc.p))
			want.CRC32C = CompatCRC32C(tc.p)
			assert.Equal(t, want, h)
			assert.Equal(t, len(tc.p), len(p))
			assert.Equal(t, b, EncodeSavedState(h, p), "re-encoding is byte-identical")
		})
	}
}

// TestCompatCodec_GoldenLayout pins the byte layout documented in
// docs/compat.md to testdata/compat/sample.hex.
func TestCompatCodec_GoldenLayout(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "compat", "sample.hex"))
	require.NoError(t, err)
	want, err := hex.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	require.NoError(t, err)
	got := EncodeSavedState(compatSampleHeader(), []byte("device parts go here"))
	assert.Equal(t, hex.EncodeToString(want), hex.EncodeToString(got))
	assert.Equal(t, CompatMagic, string(got[:4]))
	assert.Equal(t, uint32(len(got)-20), binary.LittleEndian.Uint32(got[compatOffHeaderLen:]))
	assert.Equal(t, uint32(20), binary.LittleEndian.Uint32(got[compatOffPayloadLen:]))
}

func TestCompatCodec_EncodeSortsParamsWithoutMutating(t *testing.T) {
	h := CompatHeader{FmtMajor: 1, Model: "m/x", Params: []Param{{"z", IntValue(1)}, {"a", IntValue(2)}}}
	before := compatCopyHeader(h)
	got, _, err := DecodeSavedState(EncodeSavedState(h, nil))
	require.NoError(t, err)
	assert.Equal(t, before, h)
	assert.Equal(t, []Param{{"a", IntValue(2)}, {"z", IntValue(1)}}, got.Params)
}

func TestCompatCodec_RejectsBadInput(t *testing.T) {
	good := EncodeSavedState(compatSampleHeader(), []byte("device parts go here"))
	hl := int(binary.LittleEndian.Uint32(good[compatOffHeaderLen:]))
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	put32 := func(off int, v uint32) []byte {
		return mut(func(b []byte) []byte { binary.LittleEndian.PutUint32(b[off:], v); return b })
	}
	modelLenOff := CompatFixedSize
	implLenOff := modelLenOff + 4 + len(ModelNet)
	paramCountOff := implLenOff + 4 + len("migsim-ref/1.5.0")
	cases := []struct {
		name   string
		in     []byte
		code   MismatchCode
		offset int
		what   string
		// notState: the input is not a saved state at all (an input
		// error for a tool, not a verdict).
		notState bool
	}{
		{"empty", nil, CodeFormat, 0, "truncated: 0 bytes, the magic needs 4", true},
		{"short_magic", []byte("MG"), CodeFormat, 2, "truncated", true},
		{"bad_magic", mut(func(b []byte) []byte { b[0] = 'X'; return b }), CodeFormat, 0, "bad magic", true},
		{"truncated_fixed", good[:20], CodeFormat, 20, "fixed header", true},
		{"fmt_major", mut(func(b []byte) []byte { b[compatOffFmtMajor] = 2; return b }), CodeFormat, 4, "fmt_major 2", false},
		{"header_len_huge", put32(compatOffHeaderLen, 0xFFFFFFFF), CodeFormat, 8, "truncated: header_len 4294967295, the input has", true},
		{"header_cut_short", good[:40], CodeFormat, 8, "truncated: header_len " + strconv.Itoa(hl) + ", the input has 40 bytes", true},
		{"header_len_small", put32(compatOffHeaderLen, 4), CodeFormat, 8, "header_len 4 below the 32 bytes of the fixed header", false},
		{"model_len_hostile", put32(modelLenOff, 0xFFFFFFF0), CodeFormat, modelLenOff, "model length", false},
		{"impl_len_hostile", put32(implLenOff, 0x7FFFFFFF), CodeFormat, implLenOff, "impl length", false},
		{"param_count_hostile", put32(paramCountOff, 0xFFFFFFFF), CodeFormat, paramCountOff, "params count", false},
		{"header_len_short_of_fields", put32(compatOffHeaderLen, uint32(hl-1)), CodeFormat, hl - len("future") - 4, "exceeds", false},
		{"payload_truncated", good[:len(good)-1], CodeCorrupt, compatOffPayloadLen, "payload truncated", false},
		{"payload_trailing", append(append([]byte(nil), good...), 0), CodeCorrupt, compatOffPayloadLen, "follow the header", false},
		{"payload_len_hostile", put32(compatOffPayloadLen, 0xFFFFFFFF), CodeCorrupt, compatOffPayloadLen, "payload truncated", false},
		{"crc_flip", mut(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), CodeCorrupt, compatOffCRC, "crc32c", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := DecodeSavedState(tc.in)
			var de *CompatDecodeError
			require.True(t, errors.As(err, &de), "want *CompatDecodeError, got %v", err)
			assert.Equal(t, tc.code, de.Code)
			assert.Equal(t, tc.offset, de.Offset)
			assert.Contains(t, de.Error(), tc.what)
			assert.Equal(t, tc.notState, de.NotState, "NotState")
			assert.True(t, strings.HasPrefix(de.Error(), "devctx: compat header: byte "))
		})
	}
}

func TestCompatCodec_RejectsNonCanonicalFields(t *testing.T) {
	h := CompatHeader{FmtMajor: 1, Model: "m/x", Params: []Param{{"a", BoolValue(true)}}, Parts: []PartEntry{{Type: 0x100}}}
	base := EncodeSavedState(h, nil)
	// offsets: fixed 32, model 4+3, impl 4+0, count 4, name 4+1, type 1, value 1
	boolOff := CompatFixedSize + 7 + 4 + 4 + 5 + 1
	partRsvOff := boolOff + 1 + 4 + 3
	cases := []struct {
		name string
		off  int
		val  byte
		what string
	}{
		{"bool_not_0_or_1", boolOff, 2, "bool value 2"},
		{"param_type_unknown", boolOff - 1, 9, "unknown type 9"},
		{"part_reserved", partRsvOff, 1, "reserved byte"},
		{"part_flags_reserved_bit", partRsvOff - 1, 0x80, "part 0 (DEV_FEATURES): flags 0x80, only bit 0 (OPTIONAL) is defined"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := append([]byte(nil), base...)
			b[tc.off] = tc.val
			_, _, err := DecodeSavedState(b)
			var de *CompatDecodeError
			require.True(t, errors.As(err, &de), "got %v", err)
			assert.Equal(t, CodeFormat, de.Code)
			assert.Equal(t, tc.off, de.Offset)
			assert.Contains(t, de.What, tc.what)
		})
	}
}

func TestCompatCodec_UnknownTLVNeedsOptional(t *testing.T) {
	h := CompatHeader{FmtMajor: 1, FmtMinor: 3, Model: "m/x",
		Extensions: []HeaderTLV{{Type: 42, Flags: TLVFlagOptional, Value: []byte{1, 2}}}}
	b := EncodeSavedState(h, nil)
	got, _, err := DecodeSavedState(b)
	require.NoError(t, err, "a newer fmt_minor with an OPTIONAL TLV decodes")
	assert.Equal(t, h.Extensions, got.Extensions)

	// Clear the OPTIONAL bit: the flags sit 2 bytes into the last TLV.
	tlvOff := len(b) - (8 + 2)
	b[tlvOff+2] = 0
	_, _, err = DecodeSavedState(b)
	var de *CompatDecodeError
	require.True(t, errors.As(err, &de), "got %v", err)
	assert.Equal(t, CodeFormat, de.Code)
	assert.Equal(t, tlvOff, de.Offset)
	assert.Contains(t, de.What, "without the OPTIONAL flag")
}

func TestCompatCodec_DriverFeaturesTLV(t *testing.T) {
	bad := func(mutate func(b []byte)) error {
		df := uint64(1)
		b := EncodeSavedState(CompatHeader{FmtMajor: 1, Model: "m/x", DriverFeatures: &df}, nil)
		mutate(b)
		_, _, err := DecodeSavedState(b)
		return err
	}
	// TLV: type(2) flags(2) len(4) value(8) at the end of the header.
	err := bad(func(b []byte) { binary.LittleEndian.PutUint32(b[len(b)-12:], 4) })
	require.Error(t, err)
	assert.Contains(t, err.Error(), "length 4, want 8")
	assert.NoError(t, bad(func([]byte) {}))
}

// FuzzDecodeCompatHeader: decoding never panics, and whatever decodes
// re-encodes to bytes that decode to the same header.
func FuzzDecodeCompatHeader(f *testing.F) {
	f.Add(EncodeSavedState(compatSampleHeader(), []byte("device parts go here")))
	f.Add(EncodeSavedState(CompatHeader{FmtMajor: 1, Model: ModelBlk, VirtioDeviceID: 2}, nil))
	f.Add(EncodeSavedState(CompatHeader{FmtMajor: 1, FmtMinor: 2, Model: "a/b",
		Params:     []Param{{"x", IntValue(-1)}, {"y", StrValue("s")}},
		Extensions: []HeaderTLV{{Type: 5, Flags: 1, Value: []byte{9}}}}, []byte{1, 2, 3}))
	f.Add([]byte("MGSC"))
	f.Add([]byte{})
	good := EncodeSavedState(compatSampleHeader(), []byte("payload"))
	f.Add(good[:40])                           // a header cut short
	f.Add(append([]byte("MGSX"), good[4:]...)) // another magic
	f.Fuzz(func(t *testing.T, b []byte) {
		h, p, err := DecodeSavedState(b)
		if err != nil {
			var de *CompatDecodeError
			require.True(t, errors.As(err, &de))
			require.True(t, de.Offset >= 0 && de.Offset <= len(b), "offset %d in %d bytes", de.Offset, len(b))
			// Not a saved state: no magic, no whole fixed header, or (a format
			// this reader knows) a header_len past the end of the input.
			fixed := len(b) >= CompatFixedSize && string(b[:4]) == CompatMagic
			notState := !fixed || (binary.LittleEndian.Uint16(b[compatOffFmtMajor:]) == CompatFmtMajor &&
				uint64(binary.LittleEndian.Uint32(b[compatOffHeaderLen:])) > uint64(len(b)))
			require.Equal(t, notState, de.NotState, "%v", de)
			return
		}
		require.NoError(t, h.Validate())
		b2 := EncodeSavedState(h, p)
		h2, p2, err := DecodeSavedState(b2)
		require.NoError(t, err)
		assert.Equal(t, h, h2)
		assert.Equal(t, p, p2)
		assert.Equal(t, b2, EncodeSavedState(h2, p2))
	})
}
