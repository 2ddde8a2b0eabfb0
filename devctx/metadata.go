package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// MetadataSize is the DEV_PARTS_METADATA_GET SIZE result:
// {le32 size; le32 reserved}, the maximum bytes of all parts.
type MetadataSize struct{ Size uint32 }

// MetadataCount is the DEV_PARTS_METADATA_GET COUNT result:
// {le32 count; le32 reserved}.
type MetadataCount struct{ Count uint32 }

// MetadataList is the DEV_PARTS_METADATA_GET LIST result:
// {le32 count; le32 reserved; virtio_dev_part_hdr hdrs[count]}.
type MetadataList struct {
	Count   uint32
	Headers []PartHeader
}

// metadataHeaderSize is the {le32; le32 reserved} prefix of every METADATA
// result.
const metadataHeaderSize = 8

// Encode returns the 8-byte result.
func (m MetadataSize) Encode() []byte { return encodeLE32Pair(m.Size) }

// Encode returns the 8-byte result.
func (m MetadataCount) Encode() []byte { return encodeLE32Pair(m.Count) }

// Encode returns the count, the reserved word and the headers. Count is
// written as given (normally len(Headers)).
func (m MetadataList) Encode() []byte {
	b := encodeLE32Pair(m.Count)
	for _, h := range m.Headers {
		b = h.Append(b)
	}
	return b
}

// encodeLE32Pair returns {le32 v; le32 reserved=0}.
func encodeLE32Pair(v uint32) []byte {
	b := make([]byte, metadataHeaderSize, metadataHeaderSize+spec.PartHeaderSize)
	binary.LittleEndian.PutUint32(b, v)
	return b
}

// decodeLE32 reads the leading le32 of an 8-byte METADATA result; what
// names the result in errors. Bytes past the 8 are ignored.
func decodeLE32(what string, b []byte) (uint32, error) {
	if len(b) < metadataHeaderSize {
		return 0, fmt.Errorf("devctx: metadata %s at offset 0: %w: need %d bytes, have %d",
			what, ErrTruncated, metadataHeaderSize, len(b))
	}
	return binary.LittleEndian.Uint32(b), nil
}

// DecodeMetadataSize reads a SIZE result (at least 8 bytes; extra ignored).
func DecodeMetadataSize(b []byte) (MetadataSize, error) {
	v, err := decodeLE32("SIZE", b)
	return MetadataSize{Size: v}, err
}

// DecodeMetadataCount reads a COUNT result (at least 8 bytes; extra ignored).
func DecodeMetadataCount(b []byte) (MetadataCount, error) {
	v, err := decodeLE32("COUNT", b)
	return MetadataCount{Count: v}, err
}

// DecodeMetadataList reads a LIST result. A count larger than the headers
// present is an ErrCount error naming the offset where the first missing
// header should start; bytes after count headers are ignored (the result
// buffer may be larger than the result).
func DecodeMetadataList(b []byte) (MetadataList, error) {
	n, err := decodeLE32("LIST", b)
	if err != nil {
		return MetadataList{}, err
	}
	have := (len(b) - metadataHeaderSize) / spec.PartHeaderSize
	if uint64(n) > uint64(have) {
		return MetadataList{}, fmt.Errorf("devctx: metadata LIST at offset %d: %w %d, only %d headers present",
			metadataHeaderSize+have*spec.PartHeaderSize, ErrCount, n, have)
	}
	hs, err := DecodePartHeaders(b[metadataHeaderSize : metadataHeaderSize+int(n)*spec.PartHeaderSize])
	if err != nil {
		return MetadataList{}, fmt.Errorf("devctx: metadata LIST: %w", err)
	}
	return MetadataList{Count: n, Headers: hs}, nil
}
