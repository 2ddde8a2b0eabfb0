package devctx

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// The DEV_PARTS_METADATA_GET results (virtio spec, Device parts, "Device
// Parts Metadata Get"): every one starts with {le32 size or count;
// le32 reserved}; LIST adds the part headers.

// MetadataSize is the SIZE result: {le32 size; le32 reserved}, the maximum
// bytes of all parts.
type MetadataSize struct {
	Size     uint32
	Reserved uint32
}

// MetadataCount is the COUNT result: {le32 count; le32 reserved}.
type MetadataCount struct {
	Count    uint32
	Reserved uint32
}

// MetadataList is the LIST result:
// {le32 count; le32 reserved; virtio_dev_part_hdr hdrs[count]}.
type MetadataList struct {
	Count    uint32
	Reserved uint32
	Headers  []PartHeader
}

// MetadataHead is a METADATA result whose request is unknown: only the
// common head {le32 size or count; le32 reserved} decodes.
type MetadataHead struct {
	Value    uint32
	Reserved uint32
}

// metadataHeaderSize is the {le32; le32 reserved} head of every METADATA
// result.
const metadataHeaderSize = 8

// encodeLE32Pair returns {le32 v; le32 reserved}.
func encodeLE32Pair(v, reserved uint32) []byte {
	b := make([]byte, metadataHeaderSize, metadataHeaderSize+spec.PartHeaderSize)
	binary.LittleEndian.PutUint32(b, v)
	binary.LittleEndian.PutUint32(b[4:], reserved)
	return b
}

// Encode returns the 8-byte result.
func (m MetadataSize) Encode() []byte { return encodeLE32Pair(m.Size, m.Reserved) }

// Encode returns the 8-byte result.
func (m MetadataCount) Encode() []byte { return encodeLE32Pair(m.Count, m.Reserved) }

// Encode returns the 8-byte head.
func (m MetadataHead) Encode() []byte { return encodeLE32Pair(m.Value, m.Reserved) }

// Encode returns the count, the reserved word and the headers. Count is
// written as given (normally len(Headers)).
func (m MetadataList) Encode() []byte {
	b := encodeLE32Pair(m.Count, m.Reserved)
	for _, h := range m.Headers {
		b = h.Append(b)
	}
	return b
}

// DecodeMetadataSize reads a SIZE result; missing bytes read as zero and
// extra bytes are ignored.
func DecodeMetadataSize(b []byte) MetadataSize {
	return MetadataSize{Size: le32At(b, 0), Reserved: le32At(b, 4)}
}

// DecodeMetadataCount reads a COUNT result; missing bytes read as zero and
// extra bytes are ignored.
func DecodeMetadataCount(b []byte) MetadataCount {
	return MetadataCount{Count: le32At(b, 0), Reserved: le32At(b, 4)}
}

// DecodeMetadataHead reads the head of a METADATA result of unknown type.
func DecodeMetadataHead(b []byte) MetadataHead {
	return MetadataHead{Value: le32At(b, 0), Reserved: le32At(b, 4)}
}

// DecodeMetadataList reads a LIST result. A count larger than the whole
// headers present is a *ResultError (ErrCount) naming the count; bytes
// after count headers are ignored (the result buffer may be larger than the
// result).
func DecodeMetadataList(b []byte) (MetadataList, error) {
	n := le32At(b, 0)
	body := after(b, metadataHeaderSize)
	have := len(body) / spec.PartHeaderSize
	if uint64(n) > uint64(have) {
		return MetadataList{}, &ResultError{Result: "DEV_PARTS_METADATA_GET LIST result", Field: "count", Offset: 0,
			Err: fmt.Errorf("%w %d, only %d headers present", ErrCount, n, have)}
	}
	l := MetadataList{Count: n, Reserved: le32At(b, 4)}
	if n > 0 {
		l.Headers = make([]PartHeader, n)
	}
	for i := range l.Headers {
		l.Headers[i] = decodeHeader(body[i*spec.PartHeaderSize:])
	}
	return l, nil
}

// Attrs lists the size and the reserved word when non-zero.
func (m MetadataSize) Attrs() []Attr {
	return reservedAttr([]Attr{{"size", fmt.Sprint(m.Size)}}, "reserved", m.Reserved)
}

// Attrs lists the count and the reserved word when non-zero.
func (m MetadataCount) Attrs() []Attr {
	return reservedAttr([]Attr{{"count", fmt.Sprint(m.Count)}}, "reserved", m.Reserved)
}

// Attrs lists the value, which is a size or a count depending on the
// request, and the reserved word when non-zero.
func (m MetadataHead) Attrs() []Attr {
	as := []Attr{{"size_or_count", fmt.Sprintf("%d (type unknown: give the request)", m.Value)}}
	return reservedAttr(as, "reserved", m.Reserved)
}

// Attrs lists the count, the reserved word when non-zero and every header
// in hex (PartHeader.Describe names their fields).
func (m MetadataList) Attrs() []Attr {
	as := reservedAttr([]Attr{{"count", fmt.Sprint(m.Count)}}, "reserved", m.Reserved)
	for i, h := range m.Headers {
		as = append(as, Attr{fmt.Sprintf("hdrs[%d]", i), hex.EncodeToString(h.Encode())})
	}
	return as
}
