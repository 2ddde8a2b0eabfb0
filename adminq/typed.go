package adminq

import (
	"fmt"

	"github.com/migsim/migsim/spec"
)

// TypedCommand is a command with its data decoded for its edition: the
// header of Command and a Body in place of the raw data.
type TypedCommand struct {
	Edition   spec.Edition
	Opcode    uint16
	Group     spec.GroupType
	Reserved1 [12]byte
	Member    uint64
	// Short is true when the input was shorter than the 24-byte header.
	Short bool
	// Data is the decoded command-specific data (Raw for an opcode the
	// edition does not define).
	Data Body
}

// DecodeTypedCommand decodes a command and its data for the edition. Like
// DecodeCommand it never fails: missing bytes read as zero and extra bytes
// are kept in Data.Extra.
func DecodeTypedCommand(ed spec.Edition, b []byte) TypedCommand {
	c := DecodeCommand(b)
	tc := TypedCommand{Edition: ed, Opcode: c.Opcode, Group: c.Group, Reserved1: c.Reserved1,
		Member: c.Member, Short: c.Short}
	var p Payload = Raw{Name: "data", Bytes: rest(c.Data, 0)}
	if cs, ok := Lookup(ed, c.Opcode); ok {
		p = cs.Data(c.Data)
	}
	tc.Data = NewBody(p, c.Data)
	return tc
}

// Name returns the opcode's name in the command's edition.
func (c TypedCommand) Name() string { return OpcodeName(c.Edition, c.Opcode) }

// Command returns the untyped command, its data re-encoded.
func (c TypedCommand) Command() Command {
	return Command{Opcode: c.Opcode, Group: c.Group, Reserved1: c.Reserved1, Member: c.Member,
		Data: c.Data.Bytes()}
}

// Encode returns the command's bytes: the header and the data at the
// length it was given.
func (c TypedCommand) Encode() []byte { return c.Command().Encode() }

// Fields lists the header (opcode and group by name, member, reserved1 if
// non-zero) and then the data fields in wire order.
func (c TypedCommand) Fields() []Field {
	f := []Field{
		{"opcode", opcodeField(c.Edition, c.Opcode)},
		{"group", fmt.Sprintf("%s (%d)", c.Group, uint16(c.Group))},
	}
	f = reservedField(f, "reserved1", c.Reserved1[:])
	f = append(f, Field{"member", dec(c.Member)})
	if c.Short {
		f = append(f, Field{"short", "header shorter than 24 bytes; missing bytes read as zero"})
	}
	return append(f, c.Data.Fields()...)
}

func opcodeField(ed spec.Edition, op uint16) string {
	s := fmt.Sprintf("%s (%#04x)", OpcodeName(ed, op), op)
	if ed == spec.Draft2023 {
		s += " simulator-assigned"
	}
	return s
}

// TypedResult is a result with its command-specific result decoded for
// the command it answers.
type TypedResult struct {
	Edition   spec.Edition
	Status    spec.Status
	Qualifier spec.Qualifier
	Reserved2 [4]byte
	// Short is true when the input was shorter than the 8-byte status.
	Short bool
	// Opcode is the command answered; OpcodeKnown is false when the caller
	// did not say, and the result is then kept Raw.
	Opcode      uint16
	OpcodeKnown bool
	// Data is the decoded command-specific result. It is Raw when the
	// command is unknown, the status is not OK, or the result is a context
	// or parts result (CommandSpec.ContextResult): package devctx decodes
	// those, and NewBody puts its payload here.
	Data Body
}

// DecodeTypedResult decodes a result for the edition. req is the command
// it answers: its Opcode selects the result layout and its decoded data
// (when Data.Payload is set) refines it. With req nil, or a status other
// than OK, the result bytes are kept Raw. Like DecodeResult it never fails.
func DecodeTypedResult(ed spec.Edition, req *TypedCommand, b []byte) TypedResult {
	r := DecodeResult(b)
	tr := TypedResult{Edition: ed, Status: r.Status, Qualifier: r.Qualifier, Reserved2: r.Reserved2, Short: r.Short}
	var p Payload = Raw{Name: "result", Bytes: rest(r.Data, 0)}
	if len(r.Data) == 0 {
		p = None{}
	}
	if req != nil {
		tr.Opcode, tr.OpcodeKnown = req.Opcode, true
		cs, ok := Lookup(ed, req.Opcode)
		if ok && r.Status == spec.StatusOK && !cs.ContextResult() {
			p = cs.Result(r.Data, req.Data.Payload)
		}
	}
	tr.Data = NewBody(p, r.Data)
	return tr
}

// Result returns the untyped result, its data re-encoded.
func (r TypedResult) Result() Result {
	return Result{Status: r.Status, Qualifier: r.Qualifier, Reserved2: r.Reserved2, Data: r.Data.Bytes()}
}

// Encode returns the result's bytes: the status and the result data at the
// length it was given.
func (r TypedResult) Encode() []byte { return r.Result().Encode() }

// Fields lists status and qualifier by name, reserved2 if non-zero, the
// command answered when known, then the result fields.
func (r TypedResult) Fields() []Field {
	f := []Field{
		{"status", fmt.Sprintf("%s (%d)", r.Status, uint16(r.Status))},
		{"status_qualifier", fmt.Sprintf("%s (%#02x)", r.Qualifier, uint16(r.Qualifier))},
	}
	f = reservedField(f, "reserved2", r.Reserved2[:])
	if r.Short {
		f = append(f, Field{"short", "shorter than the 8-byte status; missing bytes read as zero"})
	}
	if r.OpcodeKnown {
		f = append(f, Field{"answers", opcodeField(r.Edition, r.Opcode)})
	}
	return append(f, r.Data.Fields()...)
}
