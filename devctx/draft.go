package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// Field is one draft-2023 context TLV: le32 type; le32 reserved;
// le64 length; u8 value[length]; zero padding to 8 bytes. A decoded Value
// aliases the input.
type Field struct {
	Type  spec.FieldType
	Value []byte
}

// DraftContext is a draft-2023 device context: le32 field_count;
// le32 reserved; fields[field_count] (docs/context-format.md, "draft-2023
// device context").
type DraftContext struct {
	Fields []Field
}

// padTo8 is the zero padding after a value of n bytes.
func padTo8(n uint64) uint64 {
	return (spec.DraftFieldAlign - n%spec.DraftFieldAlign) % spec.DraftFieldAlign
}

// EncodedSize returns the number of bytes EncodeDraftContext writes.
func (c DraftContext) EncodedSize() int {
	n := spec.DraftCtxHeaderSize
	for _, f := range c.Fields {
		n += f.EncodedSize()
	}
	return n
}

// EncodedSize returns the TLV size of the field: header, value, padding.
func (f Field) EncodedSize() int {
	return spec.DraftFieldHeaderSize + len(f.Value) + int(padTo8(uint64(len(f.Value))))
}

// AppendField appends the field's TLV (with zero padding) to b.
func AppendField(b []byte, f Field) []byte {
	var h [spec.DraftFieldHeaderSize]byte
	binary.LittleEndian.PutUint32(h[0:], uint32(f.Type))
	binary.LittleEndian.PutUint64(h[8:], uint64(len(f.Value)))
	b = append(b, h[:]...)
	b = append(b, f.Value...)
	var pad [spec.DraftFieldAlign]byte
	return append(b, pad[:padTo8(uint64(len(f.Value)))]...)
}

// EncodeDraftContext writes the context: field_count = len(c.Fields),
// reserved words zero, every value padded with zeros to 8 bytes.
func EncodeDraftContext(c DraftContext) []byte {
	b := make([]byte, spec.DraftCtxHeaderSize, c.EncodedSize())
	binary.LittleEndian.PutUint32(b, uint32(len(c.Fields)))
	for _, f := range c.Fields {
		b = AppendField(b, f)
	}
	return b
}

// DecodeDraftContext reads a whole draft-2023 context. It rejects, with a
// *FieldError naming the field's byte offset, index and type: a truncated
// header, a length past the end (any le64 value, without allocating or
// overflowing), a missing or non-zero padding, a type outside the known and
// device-type ranges, a type given by an earlier field (ErrDuplicate: a
// context holds each field type once), a field_count larger than the fields
// present (ErrCount) and bytes after the last counted field (ErrTrailing).
// The reserved words are ignored. Values alias b; they are not decoded (the
// typed decoders and Field.DecodeAttrs do that).
func DecodeDraftContext(b []byte) (DraftContext, error) {
	c, err := DecodeDraftContextPrefix(b)
	if err != nil {
		return DraftContext{}, err
	}
	return c, nil
}

// DecodeDraftContextPrefix is DecodeDraftContext for tools that show what
// they could read: on error it also returns the fields before the one at
// fault.
func DecodeDraftContextPrefix(b []byte) (DraftContext, error) {
	if len(b) < spec.DraftCtxHeaderSize {
		return DraftContext{}, valueError("context header", 0, fmt.Errorf("%w: need %d bytes, have %d",
			ErrTruncated, spec.DraftCtxHeaderSize, len(b)))
	}
	count := binary.LittleEndian.Uint32(b)
	// Every field takes at least a header: cap the preallocation by the input.
	capHint := min(uint64(count), uint64(len(b)/spec.DraftFieldHeaderSize))
	c := DraftContext{Fields: make([]Field, 0, capHint)}
	var seen seenSet // field type → index
	off := spec.DraftCtxHeaderSize
	for i := 0; uint64(i) < uint64(count); i++ {
		f, next, err := decodeField(b, off, i)
		if err != nil {
			if e, ok := err.(*FieldError); ok && off == len(b) && !e.HasType {
				e.Err = fmt.Errorf("%w: field_count %d, only %d fields present", ErrCount, count, i)
			}
			return c, err
		}
		if prev, dup := seen.add(uint32(f.Type), i); dup {
			return c, &FieldError{Offset: off, Index: i, Type: f.Type, HasType: true,
				Err: fmt.Errorf("%w: %s already given by field %d (a context holds each field type once)", ErrDuplicate, f.Type, prev)}
		}
		c.Fields = append(c.Fields, f)
		off = next
	}
	if off != len(b) {
		return c, valueError("context", off, fmt.Errorf("%w: %d bytes after the %d fields of field_count",
			ErrTrailing, len(b)-off, count))
	}
	return c, nil
}

// decodeField reads the TLV at off (field index i) and returns it with the
// offset of the next field.
func decodeField(b []byte, off, i int) (Field, int, error) {
	left := len(b) - off
	if left < spec.DraftFieldHeaderSize {
		e := &FieldError{Offset: off, Index: i,
			Err: fmt.Errorf("%w: header needs %d bytes, %d left", ErrTruncated, spec.DraftFieldHeaderSize, left)}
		if left >= 4 {
			e.Type, e.HasType = spec.FieldType(binary.LittleEndian.Uint32(b[off:])), true
		}
		return Field{}, 0, e
	}
	t := spec.FieldType(binary.LittleEndian.Uint32(b[off:]))
	ferr := func(err error) error { return &FieldError{Offset: off, Index: i, Type: t, HasType: true, Err: err} }
	if !t.Known() {
		return Field{}, 0, ferr(fmt.Errorf("%w %#x (known 0x1-0xa, device-type 0x1000-0x1fff)", ErrUnknownField, uint32(t)))
	}
	n := binary.LittleEndian.Uint64(b[off+8:])
	start := off + spec.DraftFieldHeaderSize
	avail := uint64(len(b) - start)
	if n > avail {
		return Field{}, 0, ferr(fmt.Errorf("%w: length %d runs past the end (%d bytes left)", ErrTruncated, n, avail))
	}
	end := start + int(n)
	pad := int(padTo8(n))
	if len(b)-end < pad {
		return Field{}, 0, ferr(fmt.Errorf("%w: padding after the %d-byte value needs %d bytes, %d left",
			ErrTruncated, n, pad, len(b)-end))
	}
	for j := end; j < end+pad; j++ {
		if b[j] != 0 {
			return Field{}, 0, ferr(&OffsetError{What: fmt.Sprintf("padding byte %d", j-end), Offset: j,
				Err: fmt.Errorf("%w: %#02x", ErrPadding, b[j])})
		}
	}
	return Field{Type: t, Value: b[start:end:end]}, end + pad, nil
}
