package devctx

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// resultRequests are the requests FuzzDecodeResult decodes every input
// for: each layout DecodeResult knows.
var resultRequests = []ResultRequest{
	draftReq(spec.DraftOpDevCtxSizeGet),
	draftReq(spec.DraftOpDevCtxRead),
	draftReq(spec.DraftOpDevCtxFieldsQuery),
	metadataReq(spec.MetadataSize),
	metadataReq(spec.MetadataCount),
	metadataReq(spec.MetadataList),
	{Edition: spec.Virtio14, Opcode: uint16(spec.OpDevPartsMetadataGet)},
	{Edition: spec.Virtio14, Opcode: uint16(spec.OpDevPartsGet)},
	{Edition: spec.Virtio14, Opcode: uint16(spec.OpDevPartsGet), Complete: true},
}

// FuzzDecodeResult checks, for every context and parts result layout, that
// decoding never panics, fails only with a *ResultError or *PartError whose
// offset lies within the input, and keeps the length rules: the encoding
// is the input up to the structure's end, where the input is long enough,
// and the input zero-extended where it is short. The long runs are the
// lead's:
//
//	go test ./devctx -run '^$' -fuzz FuzzDecodeResult -fuzztime 2m
func FuzzDecodeResult(f *testing.F) {
	vs := loadVectors(f)
	f.Add(vs["res-metadata-size"][spec.AdminResultHeaderSize:])
	f.Add(CtxReadResult{Remaining: 40, Ctx: EncodeDraftContext(sampleContext())}.Encode())
	f.Add(FieldsQuery{Entries: []FieldInfo{{Type: spec.FieldDevCfg, Reserved: [2]byte{1}, Length: 3}}}.Encode())
	f.Add(MetadataList{Count: 1, Headers: []PartHeader{{Type: spec.PartVQCfg, Reserved: 9, Length: 32}}}.Encode())
	f.Add(EncodeParts([]Part{dev8, drv8, qsel, status, vq0, vq1, notify0}))
	f.Add(cat(le32(0xffffffff), le32(0)))
	f.Add(cat(le32(0x10000000), le32(0), make([]byte, 16)))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, req := range resultRequests {
			r, err := DecodeResult(req, b)
			if err != nil {
				var re *ResultError
				var pe *PartError
				switch {
				case errors.As(err, &re):
					assert.LessOrEqual(t, re.Offset, len(b))
				case errors.As(err, &pe):
					assert.LessOrEqual(t, pe.Offset, len(b))
				default:
					t.Fatalf("%+v: error is neither a ResultError nor a PartError: %v", req, err)
				}
				continue
			}
			assert.NotEmpty(t, r.Attrs())
			enc := r.Encode()
			if _, parts := r.(PartsResult); parts {
				// The reserved header byte of a part is written as zero:
				// the length is kept, and the encoding is stable.
				require.Len(t, enc, len(b))
				again, err := DecodeResult(req, enc)
				require.NoError(t, err)
				assert.Equal(t, enc, again.Encode())
				continue
			}
			if len(enc) <= len(b) {
				assert.Equal(t, b[:len(enc)], enc, "%+v", req)
			} else {
				assert.Equal(t, b, enc[:len(b)], "%+v", req)
				assert.Equal(t, make([]byte, len(enc)-len(b)), enc[len(b):], "%+v: short input reads as zero", req)
			}
			again, err := DecodeResult(req, enc)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(enc, again.Encode()), "%+v: stable", req)
		}
	})
}
