package devctx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

func TestMetadataSizeVector(t *testing.T) {
	vs := loadVectors(t)
	b := vs["res-metadata-size"]
	const resultStart = 8 // status, status_qualifier, reserved
	m := DecodeMetadataSize(b[resultStart:])
	assert.Equal(t, MetadataSize{Size: 200}, m)
	assert.Equal(t, b[resultStart:], m.Encode())
}

func TestMetadataRoundTrip(t *testing.T) {
	assert.Equal(t, MetadataCount{Count: 7}, DecodeMetadataCount(MetadataCount{Count: 7}.Encode()))
	withReserved := MetadataSize{Size: 9, Reserved: 0xabcd}
	assert.Equal(t, withReserved, DecodeMetadataSize(withReserved.Encode()), "the reserved word is kept")

	l := MetadataList{Count: 2, Headers: []PartHeader{
		{Type: spec.PartDeviceStatus, Length: 1},
		{Type: spec.PartVQCfg, Reserved: 0x5a, Selector: [8]byte{1}, Length: 32},
	}}
	b := l.Encode()
	require.Len(t, b, 8+2*spec.PartHeaderSize)
	got, err := DecodeMetadataList(b)
	require.NoError(t, err)
	assert.Equal(t, l, got)
	assert.Equal(t, b, got.Encode(), "re-encode byte for byte, reserved header byte included")

	got, err = DecodeMetadataList(append(b, make([]byte, 24)...))
	require.NoError(t, err, "a larger result buffer is accepted")
	assert.Equal(t, l, got)

	empty, err := DecodeMetadataList(MetadataList{}.Encode())
	require.NoError(t, err)
	assert.Equal(t, uint32(0), empty.Count)
	assert.Empty(t, empty.Headers)
}

// TestAVQ_DRV_02_MetadataShortReadsAsZero checks that a result shorter than
// its 8-byte head reads zero-extended: what the device did not write reads
// as zero (AVQ-DRV-02).
func TestAVQ_DRV_02_MetadataShortReadsAsZero(t *testing.T) {
	assert.Equal(t, MetadataSize{Size: 0x0201}, DecodeMetadataSize([]byte{1, 2}))
	assert.Equal(t, MetadataCount{}, DecodeMetadataCount(nil))
	assert.Equal(t, MetadataHead{Value: 3}, DecodeMetadataHead([]byte{3}))
	l, err := DecodeMetadataList(make([]byte, 7))
	require.NoError(t, err)
	assert.Equal(t, MetadataList{}, l)
}

func TestMetadataErrors(t *testing.T) {
	list3 := MetadataList{Count: 3, Headers: []PartHeader{{Type: spec.PartDeviceStatus, Length: 1}}}.Encode()
	hostile := MetadataList{Count: 0xFFFFFFFF}.Encode()
	cases := []struct {
		name string
		in   []byte
		msg  string
	}{
		{"list count larger than the headers", list3,
			"devctx: DEV_PARTS_METADATA_GET LIST result: count at byte 0: count 3, only 1 headers present"},
		{"list count hostile", hostile, "count 4294967295, only 0 headers present"},
		{"list partial header", list3[:20], "count 3, only 0 headers present"},
		{"list count in 2 bytes", []byte{1, 0}, "count 1, only 0 headers present"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DecodeMetadataList(tc.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrCount)
			var re *ResultError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, "count", re.Field)
			assert.Equal(t, 0, re.Offset)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}
