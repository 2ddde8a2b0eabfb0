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
	m, err := DecodeMetadataSize(b[resultStart:])
	require.NoError(t, err)
	assert.Equal(t, MetadataSize{Size: 200}, m)
	assert.Equal(t, b[resultStart:], m.Encode())
}

func TestMetadataRoundTrip(t *testing.T) {
	c, err := DecodeMetadataCount(MetadataCount{Count: 7}.Encode())
	require.NoError(t, err)
	assert.Equal(t, MetadataCount{Count: 7}, c)

	l := MetadataList{Count: 2, Headers: []PartHeader{
		{Type: spec.PartDeviceStatus, Length: 1},
		{Type: spec.PartVQCfg, Selector: [8]byte{1}, Length: 32},
	}}
	b := l.Encode()
	require.Len(t, b, 8+2*spec.PartHeaderSize)
	got, err := DecodeMetadataList(b)
	require.NoError(t, err)
	assert.Equal(t, l, got)

	got, err = DecodeMetadataList(append(b, make([]byte, 24)...))
	require.NoError(t, err, "a larger result buffer is accepted")
	assert.Equal(t, l, got)

	empty, err := DecodeMetadataList(MetadataList{}.Encode())
	require.NoError(t, err)
	assert.Equal(t, uint32(0), empty.Count)
	assert.Empty(t, empty.Headers)
}

func TestMetadataErrors(t *testing.T) {
	list3 := MetadataList{Count: 3, Headers: []PartHeader{{Type: spec.PartDeviceStatus, Length: 1}}}.Encode()
	hostile := MetadataList{Count: 0xFFFFFFFF}.Encode()
	cases := []struct {
		name   string
		decode func() error
		want   error
		msg    string
	}{
		{"size truncated", func() error { _, err := DecodeMetadataSize(make([]byte, 4)); return err },
			ErrTruncated, "devctx: metadata SIZE at offset 0: truncated: need 8 bytes, have 4"},
		{"count truncated", func() error { _, err := DecodeMetadataCount(nil); return err },
			ErrTruncated, "devctx: metadata COUNT at offset 0: truncated"},
		{"list truncated", func() error { _, err := DecodeMetadataList(make([]byte, 7)); return err },
			ErrTruncated, "devctx: metadata LIST at offset 0: truncated"},
		{"list count larger than the headers", func() error { _, err := DecodeMetadataList(list3); return err },
			ErrCount, "devctx: metadata LIST at offset 24: count 3, only 1 headers present"},
		{"list count hostile", func() error { _, err := DecodeMetadataList(hostile); return err },
			ErrCount, "at offset 8: count 4294967295, only 0 headers present"},
		{"list partial header", func() error { _, err := DecodeMetadataList(list3[:20]); return err },
			ErrCount, "at offset 8: count 3, only 0 headers present"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.decode()
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}
