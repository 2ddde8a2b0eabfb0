package devctx

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func draftReq(op spec.DraftOpcode) ResultRequest {
	return ResultRequest{Edition: spec.Draft2023, Opcode: uint16(op)}
}

func metadataReq(t spec.MetadataType) ResultRequest {
	return ResultRequest{Edition: spec.Virtio14, Opcode: uint16(spec.OpDevPartsMetadataGet), Metadata: t, MetadataKnown: true}
}

// TestADM_DEV_01_EveryContextResult decodes and re-encodes the result of
// every command whose result is a context or parts result, and checks the
// typed value and its attributes.
func TestADM_DEV_01_EveryContextResult(t *testing.T) {
	status := NewPart(spec.PartDeviceStatus, []byte{0x0f})
	tests := []struct {
		name  string
		req   ResultRequest
		in    []byte
		want  Result
		attrs []Attr
	}{
		{"DEV_CTX_SIZE_GET", draftReq(spec.DraftOpDevCtxSizeGet), []byte{0x40, 0, 0, 0, 0, 0, 0, 0},
			CtxSizeResult{Size: 0x40}, []Attr{{"size", "64"}}},
		{"DEV_CTX_READ", draftReq(spec.DraftOpDevCtxRead), cat(le32(3), le32(5), []byte{7, 8, 9}),
			CtxReadResult{Remaining: 5, Ctx: []byte{7, 8, 9}},
			[]Attr{{"size", "3"}, {"remaining_ctx_size", "5"}, {"ctx", "070809"}}},
		{"DEV_CTX_FIELDS_QUERY", draftReq(spec.DraftOpDevCtxFieldsQuery),
			cat(le32(2), le32(0), []byte{1, 0, 0, 0, 64, 0, 0, 0, 0x00, 0x10, 0, 0, 8, 0, 0, 0}),
			FieldsQuery{Entries: []FieldInfo{{Type: spec.FieldPCICommonCfg, Length: 64}, {Type: 0x1000, Length: 8}}},
			[]Attr{{"count", "2"}, {"entry[0].type", "PCI_COMMON_CFG (0x1, simulator-assigned)"}, {"entry[0].length", "64"},
				{"entry[1].type", "DEVICE_TYPE_0x1000 (0x1000, simulator-assigned)"}, {"entry[1].length", "8"}}},
		{"METADATA SIZE", metadataReq(spec.MetadataSize), cat(le32(200), le32(0)),
			MetadataSize{Size: 200}, []Attr{{"size", "200"}}},
		{"METADATA COUNT", metadataReq(spec.MetadataCount), cat(le32(4), le32(9)),
			MetadataCount{Count: 4, Reserved: 9}, []Attr{{"count", "4"}, {"reserved", "0x9"}}},
		{"METADATA LIST", metadataReq(spec.MetadataList), cat(le32(1), le32(0), status.Header().Encode()),
			MetadataList{Count: 1, Headers: []PartHeader{status.Header()}},
			[]Attr{{"count", "1"}, {"hdrs[0]", "0301000000000000000000000100000" + "0"}}},
		{"METADATA of an undefined type reads as COUNT", metadataReq(7), cat(le32(4), le32(0)),
			MetadataCount{Count: 4}, []Attr{{"count", "4"}}},
		{"METADATA without the request", ResultRequest{Edition: spec.Virtio14, Opcode: uint16(spec.OpDevPartsMetadataGet)},
			cat(le32(200), le32(0), []byte{1}), MetadataHead{Value: 200},
			[]Attr{{"size_or_count", "200 (type unknown: give the request)"}}},
		{"DEV_PARTS_GET", ResultRequest{Edition: spec.Virtio14, Opcode: uint16(spec.OpDevPartsGet), Complete: true},
			EncodeParts([]Part{status}), PartsResult{Parts{List: []Part{status}}},
			[]Attr{{"parts", "03010000000000000000000001000000" + "0f"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.True(t, OwnsResult(tt.req.Edition, tt.req.Opcode))
			r, err := DecodeResult(tt.req, tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r)
			assert.Equal(t, tt.attrs, r.Attrs())
			enc := r.Encode()
			require.LessOrEqual(t, len(enc), len(tt.in))
			assert.Equal(t, tt.in[:len(enc)], enc, "re-encode byte for byte")
		})
	}
}

// TestOwnsResult checks which results are devctx's: the context and parts
// results, and nothing else of either edition.
func TestOwnsResult(t *testing.T) {
	var got []string
	for _, ed := range spec.Editions {
		for op := uint16(0); op < 0x20; op++ {
			if OwnsResult(ed, op) {
				got = append(got, ed.String()+" "+ed.OpcodeName(op))
			}
		}
	}
	assert.Equal(t, []string{
		"draft-2023 DEV_CTX_SIZE_GET", "draft-2023 DEV_CTX_READ", "draft-2023 DEV_CTX_FIELDS_QUERY",
		"virtio-1.4 DEV_PARTS_METADATA_GET", "virtio-1.4 DEV_PARTS_GET",
	}, got)
	_, err := DecodeResult(ResultRequest{Edition: spec.Virtio14, Opcode: uint16(spec.OpListQuery)}, nil)
	assert.ErrorContains(t, err, "not a context or parts result")
}

// TestDP_DEV_03_PartsResultComplete checks that an ALL result must hold
// DEVICE_STATUS, a SELECTED one need not, and that part errors keep their
// offsets.
func TestDP_DEV_03_PartsResultComplete(t *testing.T) {
	get := ResultRequest{Edition: spec.Virtio14, Opcode: uint16(spec.OpDevPartsGet)}
	run := EncodeParts([]Part{NewPart(spec.PartDrvFeatures, make([]byte, 8))})
	_, err := DecodeResult(get, run)
	require.NoError(t, err)
	get.Complete = true
	_, err = DecodeResult(get, run)
	assert.ErrorIs(t, err, ErrMissing)
	_, err = DecodeResult(get, run[:20])
	var pe *PartError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, 0, pe.Offset)
}
