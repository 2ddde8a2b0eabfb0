package compat

import (
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strconv"

	"github.com/migsim/migsim/spec"
)

// Byte layout of a saved state (docs/compat.md "Header layout"); all
// integers little-endian.
const (
	compatOffMagic      = 0
	compatOffFmtMajor   = 4
	compatOffFmtMinor   = 6
	compatOffHeaderLen  = 8
	compatOffPayloadLen = 12
	compatOffCRC        = 16
	compatOffDeviceID   = 20
	compatOffStateVer   = 22
	compatOffFeatures   = 24
	// CompatFixedSize is the size of the fixed part of the header; the
	// variable part (model, impl, params, parts, TLVs) follows it.
	CompatFixedSize = 32
)

// Minimum encoded sizes, used to bound counts before allocating.
const (
	compatMinParam = 4 + 1 + 1 // empty name, type, bool value
	compatPartSize = 4         // le16 type, u8 flags, u8 reserved
	compatMinTLV   = 8         // le16 type, le16 flags, le32 len
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// CompatCRC32C returns the CRC32C (Castagnoli) of a payload.
func CompatCRC32C(payload []byte) uint32 { return crc32.Checksum(payload, castagnoli) }

// CompatDecodeError is a saved-state decoding error: the byte offset where
// the input went wrong, the mismatch code it maps to (CodeFormat for the
// header, CodeCorrupt for payload length and CRC) and what was wrong.
type CompatDecodeError struct {
	Offset int
	Code   MismatchCode
	What   string
	// NotState marks input that is not a saved state at all: too short
	// for the magic or the fixed header, another magic, or a header_len
	// past the end of the input (the header is cut short). Every other
	// error is about a saved state: its format, or its payload (corrupt).
	NotState bool
}

// Error returns "devctx: compat header: byte N: what".
func (e *CompatDecodeError) Error() string {
	return fmt.Sprintf("devctx: compat header: byte %d: %s (%s)", e.Offset, e.What, e.Code)
}

// EncodeSavedState encodes h followed by payload, filling payload_len and
// crc32c. Params are written sorted by name; h should pass Validate (the
// decoder rejects duplicate or empty names, an empty model and extensions
// that are not OPTIONAL). A zero FmtMajor is written as CompatFmtMajor.
func EncodeSavedState(h CompatHeader, payload []byte) []byte {
	major, minor := h.FmtMajor, h.FmtMinor
	if major == 0 {
		major, minor = CompatFmtMajor, CompatFmtMinor
	}
	b := make([]byte, CompatFixedSize, CompatFixedSize+64+len(payload))
	copy(b[compatOffMagic:], CompatMagic)
	le := binary.LittleEndian
	le.PutUint16(b[compatOffFmtMajor:], major)
	le.PutUint16(b[compatOffFmtMinor:], minor)
	le.PutUint32(b[compatOffPayloadLen:], uint32(len(payload)))
	le.PutUint32(b[compatOffCRC:], CompatCRC32C(payload))
	le.PutUint16(b[compatOffDeviceID:], h.VirtioDeviceID)
	le.PutUint16(b[compatOffStateVer:], h.StateVersion)
	le.PutUint64(b[compatOffFeatures:], h.DeviceFeatures)
	b = appendCompatString(b, h.Model)
	b = appendCompatString(b, h.Impl)
	params := SortParams(h.Params)
	b = le.AppendUint32(b, uint32(len(params)))
	for _, p := range params {
		b = appendCompatString(b, p.Name)
		b = append(b, byte(p.Value.Type))
		switch p.Value.Type {
		case ParamBool:
			if p.Value.Bool {
				b = append(b, 1)
			} else {
				b = append(b, 0)
			}
		case ParamInt:
			b = le.AppendUint64(b, uint64(p.Value.Int))
		default:
			b = appendCompatString(b, p.Value.Str)
		}
	}
	b = le.AppendUint32(b, uint32(len(h.Parts)))
	for _, pe := range h.Parts {
		b = le.AppendUint16(b, uint16(pe.Type))
		b = append(b, pe.Flags, 0)
	}
	n := len(h.Extensions)
	if h.DriverFeatures != nil {
		n++
	}
	b = le.AppendUint32(b, uint32(n))
	if h.DriverFeatures != nil {
		b = le.AppendUint16(b, TLVDriverFeatures)
		b = le.AppendUint16(b, TLVFlagOptional)
		b = le.AppendUint32(b, 8)
		b = le.AppendUint64(b, *h.DriverFeatures)
	}
	for _, x := range h.Extensions {
		b = le.AppendUint16(b, x.Type)
		b = le.AppendUint16(b, x.Flags)
		b = le.AppendUint32(b, uint32(len(x.Value)))
		b = append(b, x.Value...)
	}
	le.PutUint32(b[compatOffHeaderLen:], uint32(len(b)))
	return append(b, payload...)
}

func appendCompatString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// DecodeSavedState decodes a saved state: the header, then the payload
// whose length and CRC32C it checks. The returned payload aliases b. Every
// error is a *CompatDecodeError naming the byte offset; nothing is
// allocated beyond the size of the input. Unknown OPTIONAL TLV values alias
// b as well.
func DecodeSavedState(b []byte) (CompatHeader, []byte, error) {
	h, hl, err := decodeCompatHeader(b)
	if err != nil {
		return CompatHeader{}, nil, err
	}
	payload, err := checkCompatPayload(h, b, hl)
	if err != nil {
		return CompatHeader{}, nil, err
	}
	return h, payload, nil
}

// DecodeHeader reads the header of a saved state alone, without judging
// the payload (its length and CRC32C): a tool can then name the model of a
// state whose payload is damaged. It returns the header's length.
func DecodeHeader(b []byte) (CompatHeader, int, error) {
	h, hl, err := decodeCompatHeader(b)
	if err != nil {
		return CompatHeader{}, 0, err
	}
	return h, hl, nil
}

// checkCompatPayload checks payload_len and crc32c against b[hl:].
func checkCompatPayload(h CompatHeader, b []byte, hl int) ([]byte, *CompatDecodeError) {
	payload := b[hl:]
	if uint64(len(payload)) != uint64(h.PayloadLen) {
		what := fmt.Sprintf("payload_len %d, but %d bytes follow the header", h.PayloadLen, len(payload))
		if uint64(len(payload)) < uint64(h.PayloadLen) {
			what = fmt.Sprintf("payload truncated: payload_len %d, only %d bytes follow the header", h.PayloadLen, len(payload))
		}
		return nil, &CompatDecodeError{Offset: compatOffPayloadLen, Code: CodeCorrupt, What: what}
	}
	if got := CompatCRC32C(payload); got != h.CRC32C {
		return nil, &CompatDecodeError{Offset: compatOffCRC, Code: CodeCorrupt,
			What: fmt.Sprintf("crc32c %#08x, payload has %#08x", h.CRC32C, got)}
	}
	return payload, nil
}

// compatReader reads the variable part of a header, bounded by end.
type compatReader struct {
	b   []byte
	off int
	err *CompatDecodeError
}

func (r *compatReader) fail(off int, format string, args ...any) {
	if r.err == nil {
		r.err = &CompatDecodeError{Offset: off, Code: CodeFormat, What: fmt.Sprintf(format, args...)}
	}
}

// field names what a read takes, for its error: formatted only when the
// read fails, since a header is decoded on every load.
type field struct {
	// item is a field's whole name ("model"), or a list item's kind
	// ("part") when i is not -1.
	item string
	i    int
	// name is the list item's field ("type"); sub the part of the field
	// read (" length" of a byte string, " count" of a list).
	name, sub string
}

// named is the field called name.
func named(name string) field { return field{item: name, i: -1} }

// itemField is field name of item i of a list of kind item ("part 3 type").
func itemField(item string, i int, name string) field { return field{item: item, i: i, name: name} }

// String renders the field as its errors name it.
func (f field) String() string {
	s := f.item
	if f.i >= 0 {
		s += " " + strconv.Itoa(f.i)
	}
	if f.name != "" {
		s += " " + f.name
	}
	return s + f.sub
}

// with is the part sub of the field.
func (f field) with(sub string) field {
	f.sub = sub
	return f
}

func (r *compatReader) need(n int, what field) bool {
	if r.err != nil {
		return false
	}
	if n < 0 || len(r.b)-r.off < n {
		r.fail(r.off, "%s: need %d bytes, %d left in the header", what, n, len(r.b)-r.off)
		return false
	}
	return true
}

func (r *compatReader) u8(what field) uint8 {
	if !r.need(1, what) {
		return 0
	}
	r.off++
	return r.b[r.off-1]
}

func (r *compatReader) u16(what field) uint16 {
	if !r.need(2, what) {
		return 0
	}
	r.off += 2
	return binary.LittleEndian.Uint16(r.b[r.off-2:])
}

func (r *compatReader) u32(what field) uint32 {
	if !r.need(4, what) {
		return 0
	}
	r.off += 4
	return binary.LittleEndian.Uint32(r.b[r.off-4:])
}

func (r *compatReader) u64(what field) uint64 {
	if !r.need(8, what) {
		return 0
	}
	r.off += 8
	return binary.LittleEndian.Uint64(r.b[r.off-8:])
}

func (r *compatReader) bytes(what field) []byte {
	at := r.off
	n := r.u32(what.with(" length"))
	if r.err != nil {
		return nil
	}
	if uint64(n) > uint64(len(r.b)-r.off) {
		r.fail(at, "%s length %d exceeds the %d bytes left in the header", what, n, len(r.b)-r.off)
		return nil
	}
	r.off += int(n)
	return r.b[r.off-int(n) : r.off]
}

// count reads a count and rejects it when count*minSize cannot fit.
func (r *compatReader) count(what field, minSize int) int {
	at := r.off
	n := r.u32(what.with(" count"))
	if r.err != nil {
		return 0
	}
	if uint64(n)*uint64(minSize) > uint64(len(r.b)-r.off) {
		r.fail(at, "%s count %d cannot fit in the %d bytes left in the header", what, n, len(r.b)-r.off)
		return 0
	}
	return int(n)
}

// decodeCompatHeader decodes the header and returns it with its length.
func decodeCompatHeader(b []byte) (CompatHeader, int, *CompatDecodeError) {
	le := binary.LittleEndian
	if len(b) < len(CompatMagic) {
		return CompatHeader{}, 0, &CompatDecodeError{Offset: len(b), Code: CodeFormat, NotState: true,
			What: fmt.Sprintf("truncated: %d bytes, the magic needs 4", len(b))}
	}
	if string(b[:4]) != CompatMagic {
		return CompatHeader{}, 0, &CompatDecodeError{Offset: 0, Code: CodeFormat, NotState: true,
			What: fmt.Sprintf("bad magic %q, want %q", b[:4], CompatMagic)}
	}
	if len(b) < CompatFixedSize {
		return CompatHeader{}, 0, &CompatDecodeError{Offset: len(b), Code: CodeFormat, NotState: true,
			What: fmt.Sprintf("truncated: %d bytes, the fixed header needs %d", len(b), CompatFixedSize)}
	}
	h := CompatHeader{
		FmtMajor:       le.Uint16(b[compatOffFmtMajor:]),
		FmtMinor:       le.Uint16(b[compatOffFmtMinor:]),
		PayloadLen:     le.Uint32(b[compatOffPayloadLen:]),
		CRC32C:         le.Uint32(b[compatOffCRC:]),
		VirtioDeviceID: le.Uint16(b[compatOffDeviceID:]),
		StateVersion:   le.Uint16(b[compatOffStateVer:]),
		DeviceFeatures: le.Uint64(b[compatOffFeatures:]),
	}
	if h.FmtMajor != CompatFmtMajor {
		return CompatHeader{}, 0, &CompatDecodeError{Offset: compatOffFmtMajor, Code: CodeFormat,
			What: fmt.Sprintf("fmt_major %d, this reader knows %d", h.FmtMajor, CompatFmtMajor)}
	}
	hl := le.Uint32(b[compatOffHeaderLen:])
	if uint64(hl) > uint64(len(b)) {
		return CompatHeader{}, 0, &CompatDecodeError{Offset: compatOffHeaderLen, Code: CodeFormat, NotState: true,
			What: fmt.Sprintf("truncated: header_len %d, the input has %d bytes", hl, len(b))}
	}
	if hl < CompatFixedSize {
		return CompatHeader{}, 0, &CompatDecodeError{Offset: compatOffHeaderLen, Code: CodeFormat,
			What: fmt.Sprintf("header_len %d below the %d bytes of the fixed header", hl, CompatFixedSize)}
	}
	r := &compatReader{b: b[:hl], off: CompatFixedSize}
	h.Model = string(r.bytes(named("model")))
	if r.err == nil && h.Model == "" {
		r.fail(CompatFixedSize, "empty model")
	}
	h.Impl = string(r.bytes(named("impl")))
	r.params(&h)
	r.parts(&h)
	r.tlvs(&h)
	if r.err == nil && r.off != len(r.b) {
		r.fail(r.off, "header_len %d, but the header fields end at byte %d", hl, r.off)
	}
	if r.err != nil {
		return CompatHeader{}, 0, r.err
	}
	return h, int(hl), nil
}

func (r *compatReader) params(h *CompatHeader) {
	n := r.count(named("params"), compatMinParam)
	if n > 0 {
		h.Params = make([]Param, 0, n)
	}
	for i := 0; i < n && r.err == nil; i++ {
		at := r.off
		what := itemField("param", i, "")
		name := string(r.bytes(itemField("param", i, "name")))
		if r.err != nil {
			return
		}
		if name == "" {
			r.fail(at, "%s: empty name", what)
			return
		}
		if i > 0 && h.Params[i-1].Name >= name {
			r.fail(at, "%s (%s): not sorted after %q or duplicate", what, name, h.Params[i-1].Name)
			return
		}
		tat := r.off
		v := Value{Type: ParamType(r.u8(itemField("param", i, "type")))}
		switch v.Type {
		case ParamBool:
			bat := r.off
			switch r.u8(itemField("param", i, "value")) {
			case 0:
			case 1:
				v.Bool = true
			default:
				r.fail(bat, "%s (%s): bool value %d, want 0 or 1", what, name, r.b[bat])
			}
		case ParamInt:
			v.Int = int64(r.u64(itemField("param", i, "value")))
		case ParamStr:
			v.Str = string(r.bytes(itemField("param", i, "value")))
		default:
			if r.err == nil {
				r.fail(tat, "%s (%s): unknown type %d", what, name, uint8(v.Type))
			}
		}
		h.Params = append(h.Params, Param{Name: name, Value: v})
	}
}

func (r *compatReader) parts(h *CompatHeader) {
	n := r.count(named("parts"), compatPartSize)
	if n > 0 {
		h.Parts = make([]PartEntry, 0, n)
	}
	for i := 0; i < n && r.err == nil; i++ {
		pe := PartEntry{}
		pe.Type = spec.PartType(r.u16(itemField("part", i, "type")))
		fat := r.off
		pe.Flags = r.u8(itemField("part", i, "flags"))
		if r.err == nil && pe.Flags&^spec.PartFlagOptional != 0 {
			r.fail(fat, "part %d (%s): flags %#02x, only bit 0 (OPTIONAL) is defined", i, pe.Type, pe.Flags)
		}
		at := r.off
		if rsv := r.u8(itemField("part", i, "reserved")); rsv != 0 {
			r.fail(at, "part %d (%s): reserved byte %d, want 0", i, pe.Type, rsv)
		}
		h.Parts = append(h.Parts, pe)
	}
}

func (r *compatReader) tlvs(h *CompatHeader) {
	n := r.count(named("tlvs"), compatMinTLV)
	for i := 0; i < n && r.err == nil; i++ {
		at := r.off
		x := HeaderTLV{Type: r.u16(itemField("tlv", i, "type")), Flags: r.u16(itemField("tlv", i, "flags"))}
		x.Value = r.bytes(itemField("tlv", i, "value"))
		if r.err != nil {
			return
		}
		switch {
		case x.Type == TLVDriverFeatures:
			if h.DriverFeatures != nil {
				r.fail(at, "tlv %d: duplicate driver-features TLV", i)
				return
			}
			if len(x.Value) != 8 {
				r.fail(at, "tlv %d (driver-features): length %d, want 8", i, len(x.Value))
				return
			}
			df := binary.LittleEndian.Uint64(x.Value)
			h.DriverFeatures = &df
		case x.Flags&TLVFlagOptional == 0:
			r.fail(at, "tlv %d: unknown type %d without the OPTIONAL flag (fmt_minor %d)", i, x.Type, h.FmtMinor)
			return
		default:
			h.Extensions = append(h.Extensions, x)
		}
	}
}
