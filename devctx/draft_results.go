package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// FieldInfo is one DEV_CTX_FIELDS_QUERY entry: le16 type; u8 reserved[2];
// le32 length (the field's current value length).
type FieldInfo struct {
	Type   spec.FieldType
	Length uint32
}

// FieldsQuery is the DEV_CTX_FIELDS_QUERY result: le32 count; le32 reserved;
// entries[count].
type FieldsQuery struct {
	Entries []FieldInfo
}

// Encode returns the result; count = len(Entries). The entry's type field is
// 16 bits wide: only the low 16 bits of Type are written (every known and
// device-type field type fits).
func (q FieldsQuery) Encode() []byte {
	b := make([]byte, 8+len(q.Entries)*spec.DraftFieldsQueryEntrySize)
	binary.LittleEndian.PutUint32(b, uint32(len(q.Entries)))
	for i, e := range q.Entries {
		w := b[8+i*spec.DraftFieldsQueryEntrySize:]
		binary.LittleEndian.PutUint16(w[0:], uint16(e.Type))
		binary.LittleEndian.PutUint32(w[4:], e.Length)
	}
	return b
}

// DecodeFieldsQuery reads a FIELDS_QUERY result. A count larger than the
// entries present is an ErrCount error naming the offset of the first
// missing entry; bytes after count entries are ignored (the result buffer
// may be larger). Entry types are not checked: the query lists what the
// device has.
func DecodeFieldsQuery(b []byte) (FieldsQuery, error) {
	if len(b) < 8 {
		return FieldsQuery{}, fmt.Errorf("devctx: fields query at offset 0: %w: need 8 bytes, have %d", ErrTruncated, len(b))
	}
	n := binary.LittleEndian.Uint32(b)
	have := (len(b) - 8) / spec.DraftFieldsQueryEntrySize
	if uint64(n) > uint64(have) {
		return FieldsQuery{}, fmt.Errorf("devctx: fields query at offset %d: %w %d, only %d entries present",
			8+have*spec.DraftFieldsQueryEntrySize, ErrCount, n, have)
	}
	q := FieldsQuery{Entries: make([]FieldInfo, n)}
	for i := range q.Entries {
		w := b[8+i*spec.DraftFieldsQueryEntrySize:]
		q.Entries[i] = FieldInfo{Type: spec.FieldType(binary.LittleEndian.Uint16(w)), Length: binary.LittleEndian.Uint32(w[4:])}
	}
	return q, nil
}

// CtxReadResult is the DEV_CTX_READ result framing: le32 size;
// le32 remaining_ctx_size; u8 ctx[size]. Ctx is a chunk of encoded context
// (a prefix of whole fields when the buffer was too small).
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

// DecodeCtxReadResult reads the framing. A size past the end is an
// ErrTruncated error naming offset 8; bytes after the chunk are ignored.
func DecodeCtxReadResult(b []byte) (CtxReadResult, error) {
	if len(b) < 8 {
		return CtxReadResult{}, fmt.Errorf("devctx: ctx read result at offset 0: %w: need 8 bytes, have %d", ErrTruncated, len(b))
	}
	size := binary.LittleEndian.Uint32(b)
	if uint64(size) > uint64(len(b)-8) {
		return CtxReadResult{}, fmt.Errorf("devctx: ctx read result at offset 8: %w: size %d runs past the end (%d bytes left)",
			ErrTruncated, size, len(b)-8)
	}
	end := 8 + int(size)
	return CtxReadResult{Remaining: binary.LittleEndian.Uint32(b[4:]), Ctx: b[8:end:end]}, nil
}
