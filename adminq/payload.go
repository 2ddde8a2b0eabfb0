package adminq

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// Field is one named value of a decoded header or payload, rendered for
// printing. Payloads list their fields in wire order.
type Field struct {
	Name  string
	Value string
}

// Payload is the typed form of one command's data or one command's result.
// Encode returns the canonical bytes of the structure (the length the spec
// defines, or the length of the variable parts it holds); Fields names every
// value in wire order, reserved bytes only when they are non-zero.
type Payload interface {
	Encode() []byte
	Fields() []Field
}

// Body is command data or a command result decoded into a Payload, together
// with the length it was given. The spec lets a driver or device give more
// or fewer bytes than the structure defines (virtio spec, Administration
// Virtqueues, Device and Driver Requirements; AVQ-DEV-01, AVQ-DRV-02): missing
// bytes read as zero and extra bytes are ignored. Body keeps that length so a
// decoded buffer re-encodes byte for byte: Bytes returns the canonical
// encoding followed by Extra, padded with zeros to Len (and shortened to Len
// only where the canonical bytes past Len are zero).
type Body struct {
	Payload Payload
	// Len is the number of bytes given.
	Len int
	// Extra holds the ignored bytes after the structure when any of them is
	// non-zero; nil when they were all zero (padding).
	Extra []byte
}

// NewBody wraps p, decoded from data, keeping data's length and any non-zero
// bytes past p's canonical encoding. It is how a payload decoded elsewhere
// (a context or parts result, by package devctx) joins a TypedResult.
func NewBody(p Payload, data []byte) Body {
	b := Body{Payload: p, Len: len(data)}
	n := 0
	if p != nil {
		n = len(p.Encode())
	}
	if len(data) > n && !allZero(data[n:]) {
		b.Extra = append([]byte(nil), data[n:]...)
	}
	return b
}

// Bytes returns the body's bytes: the payload's canonical encoding, Extra,
// and zero padding up to Len. Non-zero bytes are never cut off.
func (b Body) Bytes() []byte {
	var out []byte
	if b.Payload != nil {
		out = b.Payload.Encode()
	}
	out = append(out, b.Extra...)
	if len(out) < b.Len {
		return append(out, make([]byte, b.Len-len(out))...)
	}
	for len(out) > b.Len && out[len(out)-1] == 0 {
		out = out[:len(out)-1]
	}
	return out
}

// Fields returns the payload's fields, then the ignored bytes if non-zero.
func (b Body) Fields() []Field {
	var f []Field
	if b.Payload != nil {
		f = append(f, b.Payload.Fields()...)
	}
	if len(b.Extra) > 0 {
		f = append(f, Field{"ignored_bytes", hex.EncodeToString(b.Extra)})
	}
	return f
}

// None is the payload of a command without data or a command without a
// result: it encodes to nothing.
type None struct{}

// Encode returns nil.
func (None) Encode() []byte { return nil }

// Fields returns nil.
func (None) Fields() []Field { return nil }

// Raw is a payload kept as bytes: data of an unknown opcode, a capability
// or object type migsim does not know, or a byte array the spec leaves
// opaque (device parts, a draft context). Name labels it when printed.
type Raw struct {
	Name  string
	Bytes []byte
}

// Encode returns the bytes.
func (r Raw) Encode() []byte { return append([]byte(nil), r.Bytes...) }

// Fields returns the bytes as one hex field.
func (r Raw) Fields() []Field {
	return []Field{{r.Name, hex.EncodeToString(r.Bytes)}}
}

// Helpers for fixed-size fields read under the length rules: bytes past the
// end of the input read as zero.

// at returns n bytes of b from off, zero-extended past the end of b.
func at(b []byte, off, n int) []byte {
	out := make([]byte, n)
	if off < len(b) {
		copy(out, b[off:])
	}
	return out
}

func u8At(b []byte, off int) uint8 {
	if off < len(b) {
		return b[off]
	}
	return 0
}

func u16At(b []byte, off int) uint16 { return binary.LittleEndian.Uint16(at(b, off, 2)) }
func u32At(b []byte, off int) uint32 { return binary.LittleEndian.Uint32(at(b, off, 4)) }
func u64At(b []byte, off int) uint64 { return binary.LittleEndian.Uint64(at(b, off, 8)) }

// rest returns a copy of b from off, or nil when nothing is left.
func rest(b []byte, off int) []byte {
	if off >= len(b) {
		return nil
	}
	return append([]byte(nil), b[off:]...)
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// reservedField appends a hex field for reserved bytes when any is non-zero.
func reservedField(f []Field, name string, b []byte) []Field {
	if allZero(b) {
		return f
	}
	return append(f, Field{name, hex.EncodeToString(b)})
}

// headers splits b into 16-byte part headers; a partial last header is
// zero-extended (missing input reads as zero). It allocates in proportion
// to len(b) only.
func headers(b []byte) [][16]byte {
	if len(b) == 0 {
		return nil
	}
	n := (len(b) + 15) / 16
	out := make([][16]byte, n)
	for i := range out {
		copy(out[i][:], b[i*16:])
	}
	return out
}

func appendHeaders(b []byte, hs [][16]byte) []byte {
	for _, h := range hs {
		b = append(b, h[:]...)
	}
	return b
}

func headerFields(f []Field, name string, hs [][16]byte) []Field {
	for i, h := range hs {
		f = append(f, Field{fmt.Sprintf("%s[%d]", name, i), hex.EncodeToString(h[:])})
	}
	return f
}

func dec(v uint64) string { return fmt.Sprintf("%d", v) }
