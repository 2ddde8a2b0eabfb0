package devctx

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// This file is the one decoder of context and parts results: the
// command-specific result of DEV_CTX_SIZE_GET, DEV_CTX_READ and
// DEV_CTX_FIELDS_QUERY (draft-2023) and of DEV_PARTS_METADATA_GET and
// DEV_PARTS_GET (virtio-1.4). Package adminq owns the frame around them (the
// 8-byte status) and keeps these results as raw bytes; the owner driver,
// `migsim decode` and the tests decode them here.
//
// Length rules (virtio spec, Administration Virtqueues, Driver
// Requirements; AVQ-DRV-02): bytes the device did not write read as zero, so
// a fixed-size head shorter than its structure reads zero-extended, and
// bytes after the result are ignored. A size or count that points past the
// bytes present is a *ResultError.

// Result is a decoded context or parts result. Encode returns its canonical
// bytes (reserved values as decoded); Attrs names every value in wire order,
// reserved values only when non-zero.
type Result interface {
	Encode() []byte
	Attrs() []Attr
}

// ResultRequest names the command a result answers and, where the result's
// layout depends on it, what the command asked for.
type ResultRequest struct {
	Edition spec.Edition
	Opcode  uint16
	// Metadata is the type a DEV_PARTS_METADATA_GET asked for. With
	// MetadataKnown false only the 8-byte head decodes (MetadataHead).
	Metadata      spec.MetadataType
	MetadataKnown bool
	// Complete marks a DEV_PARTS_GET that asked for ALL: the run must hold
	// exactly one DEVICE_STATUS (DecodeOptions.Complete).
	Complete bool
}

// OwnsResult reports whether the command's result is a context or parts
// result, which DecodeResult decodes.
func OwnsResult(ed spec.Edition, op uint16) bool {
	switch ed {
	case spec.Draft2023:
		switch spec.DraftOpcode(op) {
		case spec.DraftOpDevCtxSizeGet, spec.DraftOpDevCtxRead, spec.DraftOpDevCtxFieldsQuery:
			return true
		}
	case spec.Virtio14:
		switch spec.Opcode(op) {
		case spec.OpDevPartsMetadataGet, spec.OpDevPartsGet:
			return true
		}
	}
	return false
}

// DecodeResult decodes the result of the command req names: CtxSizeResult,
// CtxReadResult, FieldsQuery, MetadataSize, MetadataCount, MetadataList,
// MetadataHead or PartsResult. Errors are *ResultError values, or
// *PartError for the parts of a DEV_PARTS_GET, with byte offsets counted
// from the start of b; a command whose result is not a context or parts
// result (OwnsResult false) is an error too.
func DecodeResult(req ResultRequest, b []byte) (Result, error) {
	if !OwnsResult(req.Edition, req.Opcode) {
		return nil, fmt.Errorf("devctx: opcode %#04x of %s: not a context or parts result", req.Opcode, req.Edition)
	}
	if req.Edition == spec.Draft2023 {
		switch spec.DraftOpcode(req.Opcode) {
		case spec.DraftOpDevCtxSizeGet:
			return DecodeCtxSizeResult(b), nil
		case spec.DraftOpDevCtxRead:
			return DecodeCtxReadResult(b)
		default: // DEV_CTX_FIELDS_QUERY
			return DecodeFieldsQuery(b)
		}
	}
	if spec.Opcode(req.Opcode) == spec.OpDevPartsGet {
		return DecodePartsResult(b, DecodeOptions{Complete: req.Complete})
	}
	if !req.MetadataKnown {
		return DecodeMetadataHead(b), nil
	}
	switch req.Metadata {
	case spec.MetadataSize:
		return DecodeMetadataSize(b), nil
	case spec.MetadataList:
		return DecodeMetadataList(b)
	}
	// COUNT, and the types the spec does not define, whose result migsim
	// reads as COUNT's {le32 count; le32 reserved}.
	return DecodeMetadataCount(b), nil
}

// ResultError reports a context or parts result whose size or count points
// past the bytes present: which result, the field holding the bad value and
// its byte offset within the result.
type ResultError struct {
	Result string // e.g. "DEV_CTX_READ result"
	Field  string // e.g. "size"
	Offset int
	// Err wraps ErrTruncated or ErrCount.
	Err error
}

// Error renders e.g. "devctx: DEV_CTX_READ result: size at byte 0:
// truncated: size 9 needs 9 context bytes, 2 present".
func (e *ResultError) Error() string {
	return fmt.Sprintf("devctx: %s: %s at byte %d: %v", e.Result, e.Field, e.Offset, e.Err)
}

// Unwrap returns the underlying error (which wraps a sentinel).
func (e *ResultError) Unwrap() error { return e.Err }

// PartsResult is the DEV_PARTS_GET result: a run of device parts, checked as
// DecodeParts checks it.
type PartsResult struct {
	Parts
}

// DecodePartsResult decodes a DEV_PARTS_GET result with DecodeParts.
func DecodePartsResult(b []byte, opts DecodeOptions) (PartsResult, error) {
	ps, err := DecodeParts(b, opts)
	return PartsResult{ps}, err
}

// Encode returns the parts back to back.
func (r PartsResult) Encode() []byte { return EncodeParts(r.List) }

// Attrs returns the run as one hex attribute, "parts"; the parts themselves
// are in List (Part.Attrs names their values).
func (r PartsResult) Attrs() []Attr { return []Attr{{"parts", hex.EncodeToString(r.Encode())}} }

// Helpers for the fixed-size heads of results: bytes past the end of the
// input read as zero.

func le32At(b []byte, off int) uint32 {
	var w [4]byte
	if off < len(b) {
		copy(w[:], b[off:])
	}
	return binary.LittleEndian.Uint32(w[:])
}

func le64At(b []byte, off int) uint64 {
	var w [8]byte
	if off < len(b) {
		copy(w[:], b[off:])
	}
	return binary.LittleEndian.Uint64(w[:])
}

// after returns the bytes of b from off, or nil when nothing is left.
func after(b []byte, off int) []byte {
	if off >= len(b) {
		return nil
	}
	return b[off:]
}

// reservedAttr appends a "%#x" attribute for a reserved word when non-zero.
func reservedAttr(as []Attr, name string, v uint32) []Attr {
	if v == 0 {
		return as
	}
	return append(as, Attr{name, fmt.Sprintf("%#x", v)})
}
