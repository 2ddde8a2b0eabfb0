package devctx

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// The draft-2023 context results (layouts simulator-assigned; see
// docs/context-format.md, "draft-2023 device context").

// CtxSizeResult is the DEV_CTX_SIZE_GET result: {le64 size}, the most bytes
// a DEV_CTX_READ can return.
type CtxSizeResult struct{ Size uint64 }

// DecodeCtxSizeResult reads the result; missing bytes read as zero.
func DecodeCtxSizeResult(b []byte) CtxSizeResult { return CtxSizeResult{Size: le64At(b, 0)} }

// Encode returns the 8 bytes.
func (r CtxSizeResult) Encode() []byte { return binary.LittleEndian.AppendUint64(nil, r.Size) }

// Attrs lists the size.
func (r CtxSizeResult) Attrs() []Attr { return []Attr{{"size", fmt.Sprint(r.Size)}} }

// FieldInfo is one DEV_CTX_FIELDS_QUERY entry: le16 type; u8 reserved[2];
// le32 length (the field's current value length).
type FieldInfo struct {
	Type     spec.FieldType
	Reserved [2]byte
	Length   uint32
}

// FieldsQuery is the DEV_CTX_FIELDS_QUERY result: le32 count; le32 reserved;
// entries[count].
type FieldsQuery struct {
	Reserved uint32
	Entries  []FieldInfo
}

// Encode returns the result; count = len(Entries). The entry's type field is
// 16 bits wide: only the low 16 bits of Type are written (every known and
// device-type field type fits).
func (q FieldsQuery) Encode() []byte {
	b := make([]byte, 8+len(q.Entries)*spec.DraftFieldsQueryEntrySize)
	binary.LittleEndian.PutUint32(b, uint32(len(q.Entries)))
	binary.LittleEndian.PutUint32(b[4:], q.Reserved)
	for i, e := range q.Entries {
		w := b[8+i*spec.DraftFieldsQueryEntrySize:]
		binary.LittleEndian.PutUint16(w[0:], uint16(e.Type))
		copy(w[2:4], e.Reserved[:])
		binary.LittleEndian.PutUint32(w[4:], e.Length)
	}
	return b
}

// DecodeFieldsQuery reads a FIELDS_QUERY result. A count larger than the
// entries present is a *ResultError (ErrCount) naming the count; bytes
// after count entries are ignored (the result buffer may be larger). Entry
// types are not checked: the query lists what the device has.
func DecodeFieldsQuery(b []byte) (FieldsQuery, error) {
	n := le32At(b, 0)
	have := len(after(b, 8)) / spec.DraftFieldsQueryEntrySize
	if uint64(n) > uint64(have) {
		return FieldsQuery{}, &ResultError{Result: "DEV_CTX_FIELDS_QUERY result", Field: "count", Offset: 0,
			Err: fmt.Errorf("%w %d, only %d entries present", ErrCount, n, have)}
	}
	q := FieldsQuery{Reserved: le32At(b, 4)}
	if n > 0 {
		q.Entries = make([]FieldInfo, n)
	}
	for i := range q.Entries {
		w := b[8+i*spec.DraftFieldsQueryEntrySize:]
		e := &q.Entries[i]
		e.Type, e.Length = spec.FieldType(binary.LittleEndian.Uint16(w)), binary.LittleEndian.Uint32(w[4:])
		copy(e.Reserved[:], w[2:4])
	}
	return q, nil
}

// Attrs lists the count, every entry's type (named) and length, and the
// reserved values that are non-zero.
func (q FieldsQuery) Attrs() []Attr {
	as := reservedAttr([]Attr{{"count", fmt.Sprint(len(q.Entries))}}, "reserved", q.Reserved)
	for i, e := range q.Entries {
		pre := fmt.Sprintf("entry[%d].", i)
		as = append(as, Attr{pre + "type", fmt.Sprintf("%s (%#x, simulator-assigned)", e.Type, uint32(e.Type))})
		if e.Reserved != [2]byte{} {
			as = append(as, Attr{pre + "reserved", hex.EncodeToString(e.Reserved[:])})
		}
		as = append(as, Attr{pre + "length", fmt.Sprint(e.Length)})
	}
	return as
}

// CtxReadResult is the DEV_CTX_READ result framing: le32 size;
// le32 remaining_ctx_size; u8 ctx[size]. Ctx is a chunk of encoded context
// (a whole context holding a prefix of the selected fields when the buffer
// was too small).
type CtxReadResult struct {
	// Remaining is remaining_ctx_size: bytes still to read after this chunk.
	Remaining uint32
	// Ctx is the chunk; size = len(Ctx). A decoded Ctx aliases the input.
	Ctx []byte
}

// Encode returns size, remaining_ctx_size and the chunk.
func (r CtxReadResult) Encode() []byte {
	b := make([]byte, 8, 8+len(r.Ctx))
	binary.LittleEndian.PutUint32(b, uint32(len(r.Ctx)))
	binary.LittleEndian.PutUint32(b[4:], r.Remaining)
	return append(b, r.Ctx...)
}

// DecodeCtxReadResult reads the framing. A size past the end is a
// *ResultError (ErrTruncated) naming the size; bytes after the chunk are
// ignored.
func DecodeCtxReadResult(b []byte) (CtxReadResult, error) {
	size := le32At(b, 0)
	body := after(b, 8)
	if uint64(size) > uint64(len(body)) {
		return CtxReadResult{}, &ResultError{Result: "DEV_CTX_READ result", Field: "size", Offset: 0,
			Err: fmt.Errorf("%w: size %d needs %d context bytes, %d present", ErrTruncated, size, size, len(body))}
	}
	r := CtxReadResult{Remaining: le32At(b, 4)}
	if size > 0 {
		r.Ctx = body[:size:size]
	}
	return r, nil
}

// Attrs lists size, remaining_ctx_size and the chunk in hex.
func (r CtxReadResult) Attrs() []Attr {
	return []Attr{
		{"size", fmt.Sprint(len(r.Ctx))},
		{"remaining_ctx_size", fmt.Sprint(r.Remaining)},
		{"ctx", hex.EncodeToString(r.Ctx)},
	}
}
