package adminq

import (
	"fmt"

	"github.com/migsim/migsim/spec"
)

// This file holds the data of the draft-2023 commands as migsim defines
// them (docs/spec.md, "The two editions": opcode values and layouts are
// simulator-assigned). DEV_CTX_WRITE's data stays raw here, and the results
// of DEV_CTX_SIZE_GET, DEV_CTX_READ and DEV_CTX_FIELDS_QUERY are context
// results: package devctx decodes them.

// DraftMode is the data of the draft DEV_MODE_SET and the result of
// DEV_MODE_GET: {u8 mode; u8 reserved[7]}.
type DraftMode struct {
	Mode     spec.Mode
	Reserved [7]byte
}

// DecodeDraftMode reads a DraftMode; missing bytes read as zero.
func DecodeDraftMode(b []byte) DraftMode {
	p := DraftMode{Mode: spec.Mode(u8At(b, 0))}
	copy(p.Reserved[:], at(b, 1, 7))
	return p
}

func decodeDraftModeData(b []byte) Payload              { return DecodeDraftMode(b) }
func decodeDraftModeResult(b []byte, _ Payload) Payload { return DecodeDraftMode(b) }

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

func decodeCtxSizeGet(b []byte) Payload {
	p := CtxSizeGet{FreezeMode: u8At(b, 0)}
	copy(p.Reserved[:], at(b, 1, 7))
	return p
}

// Encode returns the 8 bytes.
func (p CtxSizeGet) Encode() []byte { return append([]byte{p.FreezeMode}, p.Reserved[:]...) }

// Fields lists freeze_mode and reserved bytes if non-zero.
func (p CtxSizeGet) Fields() []Field {
	f := []Field{{"freeze_mode", dec(uint64(p.FreezeMode))}}
	return reservedField(f, "reserved", p.Reserved[:])
}
