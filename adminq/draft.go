package adminq

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// This file holds the draft-2023 command structures as migsim defines them
// (spec-reference §6; opcode values and layouts are simulator-assigned).
// The context bytes stay raw here; package devctx decodes them.

// DraftMode is the data of the draft DEV_MODE_SET and the result of
// DEV_MODE_GET: {u8 mode; u8 reserved[7]}.
type DraftMode struct {
	Mode     spec.Mode
	Reserved [7]byte
}

func decodeDraftMode(b []byte) (Payload, error) {
	p := DraftMode{Mode: spec.Mode(u8At(b, 0))}
	copy(p.Reserved[:], at(b, 1, 7))
	return p, nil
}

func decodeDraftModeResult(b []byte, _ Payload) (Payload, error) { return decodeDraftMode(b) }

// Encode returns the 8 bytes.
func (p DraftMode) Encode() []byte { return append([]byte{uint8(p.Mode)}, p.Reserved[:]...) }

// Fields lists the mode by name and reserved bytes if non-zero.
func (p DraftMode) Fields() []Field {
	f := []Field{{"mode", fmt.Sprintf("%s (%d)", p.Mode, uint8(p.Mode))}}
	return reservedField(f, "reserved", p.Reserved[:])
}

// CtxSizeGet is the data of DEV_CTX_SIZE_GET: {u8 freeze_mode; u8 reserved[7]}.
type CtxSizeGet struct {
	FreezeMode uint8
	Reserved   [7]byte
}

func decodeCtxSizeGet(b []byte) (Payload, error) {
	p := CtxSizeGet{FreezeMode: u8At(b, 0)}
	copy(p.Reserved[:], at(b, 1, 7))
	return p, nil
}

// Encode returns the 8 bytes.
func (p CtxSizeGet) Encode() []byte { return append([]byte{p.FreezeMode}, p.Reserved[:]...) }

// Fields lists freeze_mode and reserved bytes if non-zero.
func (p CtxSizeGet) Fields() []Field {
	f := []Field{{"freeze_mode", dec(uint64(p.FreezeMode))}}
	return reservedField(f, "reserved", p.Reserved[:])
}

// CtxSize is the DEV_CTX_SIZE_GET result: {le64 size}.
type CtxSize struct{ Size uint64 }

func decodeCtxSize(b []byte, _ Payload) (Payload, error) { return CtxSize{Size: u64At(b, 0)}, nil }

// Encode returns the 8 bytes.
func (p CtxSize) Encode() []byte { return binary.LittleEndian.AppendUint64(nil, p.Size) }

// Fields lists the size.
func (p CtxSize) Fields() []Field { return []Field{{"size", dec(p.Size)}} }

// CtxRead is the DEV_CTX_READ result: {le32 size; le32 remaining_ctx_size;
// u8 ctx[size]}; size is len(Ctx).
type CtxRead struct {
	Remaining uint32
	Ctx       []byte
}

func decodeCtxRead(b []byte, _ Payload) (Payload, error) {
	size := int64(u32At(b, 0))
	avail := int64(len(b)) - 8
	if avail < 0 {
		avail = 0
	}
	if size > avail {
		return nil, &FormatError{What: "DEV_CTX_READ result", Field: "size", Offset: 0,
			Msg: fmt.Sprintf("%d context bytes, %d present", size, avail)}
	}
	p := CtxRead{Remaining: u32At(b, 4)}
	if size > 0 {
		p.Ctx = append([]byte(nil), b[8:8+size]...)
	}
	return p, nil
}

// Encode returns size, remaining_ctx_size and the context bytes.
func (p CtxRead) Encode() []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(p.Ctx)))
	b = binary.LittleEndian.AppendUint32(b, p.Remaining)
	return append(b, p.Ctx...)
}

// Fields lists size, remaining_ctx_size and the raw context.
func (p CtxRead) Fields() []Field {
	return []Field{
		{"size", dec(uint64(len(p.Ctx)))},
		{"remaining_ctx_size", dec(uint64(p.Remaining))},
		{"ctx", hex.EncodeToString(p.Ctx)},
	}
}

// FieldEntry is one DEV_CTX_FIELDS_QUERY entry:
// {le16 type; u8 reserved[2]; le32 length}.
type FieldEntry struct {
	Type     uint16
	Reserved [2]byte
	Length   uint32
}

// FieldsQuery is the DEV_CTX_FIELDS_QUERY result: {le32 count; le32
// reserved; entries[count]}; count is len(Entries).
type FieldsQuery struct {
	Reserved uint32
	Entries  []FieldEntry
}

func decodeFieldsQuery(b []byte, _ Payload) (Payload, error) {
	count := int64(u32At(b, 0))
	avail := int64(len(b)) - 8
	if avail < 0 {
		avail = 0
	}
	if count*spec.DraftFieldsQueryEntrySize > avail {
		return nil, &FormatError{What: "DEV_CTX_FIELDS_QUERY result", Field: "count", Offset: 0,
			Msg: fmt.Sprintf("%d entries need %d bytes, %d present", count, count*spec.DraftFieldsQueryEntrySize, avail)}
	}
	p := FieldsQuery{Reserved: u32At(b, 4)}
	if count > 0 {
		p.Entries = make([]FieldEntry, count)
	}
	for i := range p.Entries {
		o := 8 + i*spec.DraftFieldsQueryEntrySize
		e := &p.Entries[i]
		e.Type, e.Length = u16At(b, o), u32At(b, o+4)
		copy(e.Reserved[:], b[o+2:o+4])
	}
	return p, nil
}

// Encode returns count, reserved and the entries.
func (p FieldsQuery) Encode() []byte {
	b := binary.LittleEndian.AppendUint32(nil, uint32(len(p.Entries)))
	b = binary.LittleEndian.AppendUint32(b, p.Reserved)
	for _, e := range p.Entries {
		b = binary.LittleEndian.AppendUint16(b, e.Type)
		b = append(b, e.Reserved[:]...)
		b = binary.LittleEndian.AppendUint32(b, e.Length)
	}
	return b
}

// Fields lists the count and every entry's type (named) and length.
func (p FieldsQuery) Fields() []Field {
	f := []Field{{"count", dec(uint64(len(p.Entries)))}}
	if p.Reserved != 0 {
		f = append(f, Field{"reserved", fmt.Sprintf("%#x", p.Reserved)})
	}
	for i, e := range p.Entries {
		pre := fmt.Sprintf("entry[%d].", i)
		f = append(f, Field{pre + "type", fmt.Sprintf("%s (%#x, simulator-assigned)", spec.FieldType(e.Type), e.Type)})
		f = reservedField(f, pre+"reserved", e.Reserved[:])
		f = append(f, Field{pre + "length", dec(uint64(e.Length))})
	}
	return f
}
