package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// PartHeader is struct virtio_dev_part_hdr (16 bytes; virtio spec, Device
// parts, "Device Part Header"): le16 part_type; u8 flags; u8 reserved;
// u8 selector[8]; le32 length. The reserved byte is kept as decoded, so a
// header list re-encodes byte for byte; a Part built from a header drops it.
type PartHeader struct {
	Type     spec.PartType
	Flags    uint8
	Reserved uint8
	Selector [8]byte
	Length   uint32
}

// Append appends the 16-byte header to b.
func (h PartHeader) Append(b []byte) []byte {
	var w [spec.PartHeaderSize]byte
	binary.LittleEndian.PutUint16(w[0:2], uint16(h.Type))
	w[2] = h.Flags
	w[3] = h.Reserved
	copy(w[4:12], h.Selector[:])
	binary.LittleEndian.PutUint32(w[12:16], h.Length)
	return append(b, w[:]...)
}

// Encode returns the 16-byte header.
func (h PartHeader) Encode() []byte { return h.Append(make([]byte, 0, spec.PartHeaderSize)) }

// DecodePartHeader reads one header from the start of b; b shorter than 16
// bytes is an ErrTruncated error.
func DecodePartHeader(b []byte) (PartHeader, error) {
	if len(b) < spec.PartHeaderSize {
		return PartHeader{}, fmt.Errorf("devctx: part header at offset 0: %w: need %d bytes, have %d",
			ErrTruncated, spec.PartHeaderSize, len(b))
	}
	return decodeHeader(b), nil
}

// decodeHeader reads a header from b, which holds at least 16 bytes.
func decodeHeader(b []byte) PartHeader {
	h := PartHeader{
		Type:     spec.PartType(binary.LittleEndian.Uint16(b[0:2])),
		Flags:    b[2],
		Reserved: b[3],
		Length:   binary.LittleEndian.Uint32(b[12:16]),
	}
	copy(h.Selector[:], b[4:12])
	return h
}

// Optional reports whether the OPTIONAL flag is set.
func (h PartHeader) Optional() bool { return h.Flags&spec.PartFlagOptional != 0 }

// Part is struct virtio_dev_part: the header fields and the value. Its
// length is len(Value); the reserved header byte is ignored on decode and
// written as zero. A decoded Value aliases the input.
type Part struct {
	Type     spec.PartType
	Flags    uint8
	Selector [8]byte
	Value    []byte
}

// Header returns the part's header, Length = len(Value).
func (p Part) Header() PartHeader {
	return PartHeader{Type: p.Type, Flags: p.Flags, Selector: p.Selector, Length: uint32(len(p.Value))}
}

// Optional reports whether the OPTIONAL flag is set.
func (p Part) Optional() bool { return p.Flags&spec.PartFlagOptional != 0 }

// CommonCfgOffset is selector pci_common_cfg.offset (le32 at selector
// byte 0), meaningful for PCI_COMMON_CFG parts.
func (p Part) CommonCfgOffset() uint32 { return binary.LittleEndian.Uint32(p.Selector[0:4]) }

// VQIndex is selector vq_index.index (le16 at selector byte 0), meaningful
// for VQ_CFG and VQ_NOTIFY_CFG parts.
func (p Part) VQIndex() uint16 { return binary.LittleEndian.Uint16(p.Selector[0:2]) }

// NewCommonCfgPart returns a PCI_COMMON_CFG part for one common
// configuration field. The value should be the field's size (the decoder
// checks it).
func NewCommonCfgPart(field spec.CommonCfgField, value []byte) Part {
	p := Part{Type: spec.PartPCICommonCfg, Value: value}
	binary.LittleEndian.PutUint32(p.Selector[0:4], uint32(field))
	return p
}

// NewVQPart returns a part of type t (VQ_CFG or VQ_NOTIFY_CFG) selecting
// virtqueue vq.
func NewVQPart(t spec.PartType, vq uint16, value []byte) Part {
	p := Part{Type: t, Value: value}
	binary.LittleEndian.PutUint16(p.Selector[0:2], vq)
	return p
}

// NewPart returns a part with an empty selector (DEV_FEATURES,
// DRV_FEATURES, DEVICE_STATUS).
func NewPart(t spec.PartType, value []byte) Part { return Part{Type: t, Value: value} }

// EncodeParts writes the parts back to back (no padding), each as its
// 16-byte header followed by its value.
func EncodeParts(parts []Part) []byte {
	n := 0
	for _, p := range parts {
		n += spec.PartHeaderSize + len(p.Value)
	}
	b := make([]byte, 0, n)
	for _, p := range parts {
		b = p.Header().Append(b)
		b = append(b, p.Value...)
	}
	return b
}

// DecodePartHeaders reads a run of 16-byte part headers (the hdr_list of a
// DEV_PARTS_GET SELECTED command, the hdrs of a METADATA LIST result). A
// partial header at the end is an ErrTruncated *PartError.
func DecodePartHeaders(b []byte) ([]PartHeader, error) {
	hs := make([]PartHeader, 0, len(b)/spec.PartHeaderSize)
	for off := 0; off < len(b); off += spec.PartHeaderSize {
		if len(b)-off < spec.PartHeaderSize {
			return nil, truncatedHeader(b, off, len(hs))
		}
		hs = append(hs, decodeHeader(b[off:]))
	}
	return hs, nil
}

// truncatedHeader builds the error for a header cut short at off.
func truncatedHeader(b []byte, off, index int) *PartError {
	e := &PartError{Offset: off, Index: index,
		Err: fmt.Errorf("%w: header needs %d bytes, %d left", ErrTruncated, spec.PartHeaderSize, len(b)-off)}
	if len(b)-off >= 2 {
		e.Type, e.HasType = spec.PartType(binary.LittleEndian.Uint16(b[off:])), true
	}
	return e
}
