package trace

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// RecordVersion is the version of the binary trace record that
// WritePcapng emits, one record per packet (docs/traces.md). Version 2 added
// the edition, the endpoints (from, to), the full admin bytes and state
// records.
const RecordVersion = 2

// Record kinds that have a section after the header.
const (
	// RecordKindAdmin is the kind of an admin record: the command as the
	// PF read it and the result it wrote.
	RecordKindAdmin = uint8(record.TraceAdmin)
	// RecordKindState is the kind of a member state record.
	RecordKindState = uint8(record.TraceState)
)

// Record is one exported trace record: a record.TraceEvent.
type Record struct {
	record.TraceEvent
}

// RecordOf wraps a trace event as an export record.
func RecordOf(e record.TraceEvent) Record { return Record{TraceEvent: e} }

// RecordsOf wraps every trace event as an export record.
func RecordsOf(events []record.TraceEvent) []Record {
	out := make([]Record, len(events))
	for i, e := range events {
		out[i] = RecordOf(e)
	}
	return out
}

// RecordField describes one field of the binary record layout. The table
// is the single source of the layout: the encoder, the decoder, the
// documentation and the Wireshark dissector's field list (docs/migsim.lua)
// follow it, and a test keeps them in sync.
type RecordField struct {
	// Name is the field's name; the dissector's field is "migsim.<Name>".
	Name string
	// Section is header, tlp, msix or admin: the header is in every record,
	// a section only in records of its kind.
	Section string
	// Type is u8, u16, u32, u64, str8 (u8 length + bytes) or bytes16 (u16
	// length + bytes). Multi-byte integers are little-endian.
	Type string
	// Doc says what the field holds.
	Doc string
}

// RecordFields returns the record layout, in wire order.
func RecordFields() []RecordField {
	return append([]RecordField(nil), recordFields...)
}

var recordFields = []RecordField{
	{"version", "header", "u8", "record layout version (2)"},
	{"kind", "header", "u8", "1 tlp, 2 step, 3 msix, 4 dma, 5 note, 6 admin, 7 state"},
	{"edition", "header", "u8", "spec edition: 1 draft-2023, 2 virtio-1.4 (gives opcodes and modes their names)"},
	{"step", "header", "u32", "scheduler step the event belongs to (0: host boot)"},
	{"time", "header", "u64", "virtual time in nanoseconds since the start of the run"},
	{"host", "header", "str8", "host of the function (src, dst)"},
	{"target", "header", "str8", "function (pf, vf1, …): a TLP's receiver, an interrupt's or DMA's origin"},
	{"who", "header", "str8", "actor whose scheduler step caused the event (vcpu0, hv, peer, src.vf1)"},
	{"from", "header", "str8", "origin: a TLP's requester, the function of a completion, MSI-X or DMA, the hypervisor of an admin command"},
	{"to", "header", "str8", "destination: a TLP's function, a completion's requester, an MSI-X's consumer, guest memory (src.mem), the PF"},
	{"text", "header", "bytes16", "step label, DMA access, note, opcode name or state (UTF-8)"},
	{"tlp.kind", "tlp", "u8", "1 CfgRd, 2 CfgWr, 3 MRd, 4 MWr, 5 MSI-X, 6 Cpl"},
	{"tlp.requester", "tlp", "u16", "requester ID (bus<<8 | dev<<3 | fn); of a completion: the original requester"},
	{"tlp.completer", "tlp", "u16", "completer ID: the function that received the request or sent the completion"},
	{"tlp.addr", "tlp", "u64", "register offset (config) or memory address"},
	{"tlp.len", "tlp", "u32", "byte count of a read"},
	{"tlp.data", "tlp", "bytes16", "payload of a write or completion"},
	{"msix.source", "msix", "u16", "requester ID of the function that raised the interrupt"},
	{"msix.vector", "msix", "u16", "MSI-X vector"},
	{"msix.addr", "msix", "u64", "message address"},
	{"msix.data", "msix", "u32", "message data"},
	{"admin.command", "admin", "bytes16", "admin command as the PF read it: 24-byte header + command data"},
	{"admin.result", "admin", "bytes16", "what the PF wrote back: 8-byte status + result data (the used length)"},
	{"mode", "state", "u8", "the member's mode: 0 Active (running), 1 Stop (stopped), 2 Freeze"},
	{"state.flags", "state", "u8", "bit 0: FLR in progress, bit 1: virtio reset in progress; the other bits are 0"},
}

// State flag bits of a state record.
const (
	StateFlagFLR   = 1 << 0
	StateFlagReset = 1 << 1
)

// recordSection returns the body section of a record kind ("" for none).
func recordSection(kind uint8) string {
	switch kind {
	case uint8(record.TraceTLP):
		return "tlp"
	case uint8(record.TraceMSIX):
		return "msix"
	case RecordKindAdmin:
		return "admin"
	case RecordKindState:
		return "state"
	}
	return ""
}

// AppendRecord appends the binary encoding of r to b. It fails on values
// the layout cannot hold (a negative step or time, a name longer than 255
// bytes, a text or payload longer than 65535 bytes).
func AppendRecord(b []byte, r *Record) ([]byte, error) {
	if r.Step < 0 || int64(r.Step) > math.MaxUint32 {
		return b, fmt.Errorf("trace: record: step %d out of range [0, %d]", r.Step, uint32(math.MaxUint32))
	}
	if r.Time < 0 {
		return b, fmt.Errorf("trace: record: step %d: negative time %d", r.Step, int64(r.Time))
	}
	kind := uint8(r.Kind)
	b = append(b, RecordVersion, kind, uint8(r.Edition))
	b = binary.LittleEndian.AppendUint32(b, uint32(r.Step))
	b = binary.LittleEndian.AppendUint64(b, uint64(r.Time))
	var err error
	for _, f := range []struct{ name, v string }{{"host", r.Host}, {"target", r.Target}, {"who", r.Who}, {"from", r.From}, {"to", r.To}} {
		if b, err = appendStr8(b, f.name, f.v); err != nil {
			return b, fmt.Errorf("trace: record: step %d: %w", r.Step, err)
		}
	}
	if b, err = appendBytes16(b, "text", []byte(r.Text)); err != nil {
		return b, fmt.Errorf("trace: record: step %d: %w", r.Step, err)
	}
	switch recordSection(kind) {
	case "tlp":
		t := r.TLP
		if t.Len < 0 || int64(t.Len) > math.MaxUint32 {
			return b, fmt.Errorf("trace: record: step %d: field tlp.len: %d out of range", r.Step, t.Len)
		}
		b = append(b, uint8(t.Kind))
		b = binary.LittleEndian.AppendUint16(b, uint16(t.Requester))
		b = binary.LittleEndian.AppendUint16(b, uint16(t.Completer))
		b = binary.LittleEndian.AppendUint64(b, t.Addr)
		b = binary.LittleEndian.AppendUint32(b, uint32(t.Len))
		b, err = appendBytes16(b, "tlp.data", t.Data)
	case "msix":
		m := r.MSIX
		b = binary.LittleEndian.AppendUint16(b, uint16(m.Source))
		b = binary.LittleEndian.AppendUint16(b, m.Vector)
		b = binary.LittleEndian.AppendUint64(b, m.Addr)
		b = binary.LittleEndian.AppendUint32(b, m.Data)
	case "admin":
		if b, err = appendBytes16(b, "admin.command", r.Admin); err == nil {
			b, err = appendBytes16(b, "admin.result", r.AdminResult)
		}
	case "state":
		b = append(b, uint8(r.State.Mode), stateFlags(r.State))
	}
	if err != nil {
		return b, fmt.Errorf("trace: record: step %d: %w", r.Step, err)
	}
	return b, nil
}

// stateFlags encodes the state.flags byte.
func stateFlags(s record.TraceMemberState) uint8 {
	var f uint8
	if s.FLRPending {
		f |= StateFlagFLR
	}
	if s.ResetPending {
		f |= StateFlagReset
	}
	return f
}

func appendStr8(b []byte, field, s string) ([]byte, error) {
	if len(s) > math.MaxUint8 {
		return b, fmt.Errorf("field %s: %d bytes, at most %d", field, len(s), math.MaxUint8)
	}
	b = append(b, uint8(len(s)))
	return append(b, s...), nil
}

func appendBytes16(b []byte, field string, d []byte) ([]byte, error) {
	if len(d) > math.MaxUint16 {
		return b, fmt.Errorf("field %s: %d bytes, at most %d", field, len(d), math.MaxUint16)
	}
	b = binary.LittleEndian.AppendUint16(b, uint16(len(d)))
	return append(b, d...), nil
}

// DecodeRecord decodes one binary record. Errors name the field and its
// byte offset. Trailing bytes after the record are an error.
func DecodeRecord(b []byte) (Record, error) {
	d := recordDecoder{b: b}
	var r Record
	decodeHeader(&d, &r)
	decodeBody(&d, uint8(r.Kind), &r)
	if d.err != nil {
		return Record{}, fmt.Errorf("trace: record: %w", d.err)
	}
	if d.off != len(b) {
		return Record{}, fmt.Errorf("trace: record: %d trailing bytes at byte offset %d", len(b)-d.off, d.off)
	}
	return r, nil
}

// decodeHeader decodes the header fields every record has.
func decodeHeader(d *recordDecoder, r *Record) {
	if v := d.u8("version"); d.err == nil && v != RecordVersion {
		d.err = fmt.Errorf("field version at byte offset 0: version %d, want %d", v, RecordVersion)
		return
	}
	r.Kind = record.TraceKind(d.u8("kind"))
	r.Edition = spec.Edition(d.u8("edition"))
	r.Step = int(d.u32("step"))
	t := d.u64("time")
	if d.err == nil && t > math.MaxInt64 {
		d.err = fmt.Errorf("field time at byte offset 7: %d out of range", t)
		return
	}
	r.Time = engine.VTime(t)
	r.Host = string(d.str8("host"))
	r.Target = string(d.str8("target"))
	r.Who = string(d.str8("who"))
	r.From = string(d.str8("from"))
	r.To = string(d.str8("to"))
	r.Text = string(d.bytes16("text"))
}

// decodeBody decodes the section of a record kind.
func decodeBody(d *recordDecoder, kind uint8, r *Record) {
	switch recordSection(kind) {
	case "tlp":
		r.TLP.Kind = pcie.TLPKind(d.u8("tlp.kind"))
		r.TLP.Requester = pcie.RID(d.u16("tlp.requester"))
		r.TLP.Completer = pcie.RID(d.u16("tlp.completer"))
		r.TLP.Addr = d.u64("tlp.addr")
		r.TLP.Len = int(d.u32("tlp.len"))
		r.TLP.Data = d.bytes16("tlp.data")
	case "msix":
		r.MSIX.Source = pcie.RID(d.u16("msix.source"))
		r.MSIX.Vector = d.u16("msix.vector")
		r.MSIX.Addr = d.u64("msix.addr")
		r.MSIX.Data = d.u32("msix.data")
	case "admin":
		r.Admin = d.bytes16("admin.command")
		r.AdminResult = d.bytes16("admin.result")
	case "state":
		r.State.Mode = spec.Mode(d.u8("mode"))
		f := d.u8("state.flags")
		if d.err == nil && f&^(StateFlagFLR|StateFlagReset) != 0 {
			// A bit the layout does not define would be lost on re-encoding.
			d.err = fmt.Errorf("field state.flags at byte offset %d: undefined bits %#02x", d.off-1, f&^(StateFlagFLR|StateFlagReset))
			return
		}
		r.State.FLRPending, r.State.ResetPending = f&StateFlagFLR != 0, f&StateFlagReset != 0
	}
}

// recordDecoder reads fields in order and keeps the first error.
type recordDecoder struct {
	b   []byte
	off int
	err error
}

func (d *recordDecoder) take(field string, n int) []byte {
	if d.err != nil {
		return nil
	}
	if n > len(d.b)-d.off {
		d.err = fmt.Errorf("field %s at byte offset %d: need %d bytes, have %d", field, d.off, n, len(d.b)-d.off)
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

func (d *recordDecoder) u8(field string) uint8 {
	if p := d.take(field, 1); p != nil {
		return p[0]
	}
	return 0
}

func (d *recordDecoder) u16(field string) uint16 {
	if p := d.take(field, 2); p != nil {
		return binary.LittleEndian.Uint16(p)
	}
	return 0
}

func (d *recordDecoder) u32(field string) uint32 {
	if p := d.take(field, 4); p != nil {
		return binary.LittleEndian.Uint32(p)
	}
	return 0
}

func (d *recordDecoder) u64(field string) uint64 {
	if p := d.take(field, 8); p != nil {
		return binary.LittleEndian.Uint64(p)
	}
	return 0
}

func (d *recordDecoder) str8(field string) []byte {
	return d.take(field, int(d.u8(field+" length")))
}

func (d *recordDecoder) bytes16(field string) []byte {
	n := int(d.u16(field + " length"))
	if p := d.take(field, n); len(p) > 0 {
		return append([]byte{}, p...)
	}
	return nil
}
