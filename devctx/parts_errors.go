package devctx

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// Sentinel errors. Every decoding error of this package wraps exactly one of
// them, so callers branch with errors.Is; the wrapping error (PartError,
// FieldError or a plain wrapped error for results) names where it happened.
var (
	// ErrTruncated: a header or a value runs past the end of the input
	// (a hostile length such as 0xFFFFFFFF lands here).
	ErrTruncated = errors.New("truncated")
	// ErrLength: a length that the part or field type does not allow.
	ErrLength = errors.New("length")
	// ErrOrder: a part out of the required order (virtio spec
	// device-parts.tex; docs/context-format.md).
	ErrOrder = errors.New("out of order")
	// ErrDuplicate: a part that may appear at most once (per selector)
	// appears again.
	ErrDuplicate = errors.New("duplicate")
	// ErrMissing: a part that a complete run must hold is absent.
	ErrMissing = errors.New("missing")
	// ErrUnknownMandatory: an unknown part type without the OPTIONAL flag.
	ErrUnknownMandatory = errors.New("unknown mandatory part type")
	// ErrSelector: a selector that names no valid target (a PCI_COMMON_CFG
	// offset that starts no field of struct virtio_pci_common_cfg).
	ErrSelector = errors.New("bad selector")
	// ErrCount: a count (field_count, LIST count, entry count) larger than
	// the entries present.
	ErrCount = errors.New("count")
	// ErrPadding: non-zero bytes in the padding after a draft field value.
	ErrPadding = errors.New("non-zero padding")
	// ErrUnknownField: a draft field type outside the known and the
	// device-type ranges.
	ErrUnknownField = errors.New("unknown field type")
	// ErrTrailing: bytes after the last field that field_count announces.
	ErrTrailing = errors.New("trailing bytes")
	// ErrValue: a typed value whose content is invalid (an unknown flag
	// bit, a 64-bit field offset that names no 64-bit field, …).
	ErrValue = errors.New("bad value")
)

// PartError is a device-part decoding error: where (byte offset of the part
// header in the input and the part's 0-based index) and which part type.
type PartError struct {
	Offset int
	Index  int
	// Type is the part type; meaningful only when HasType is set (a header
	// truncated before its part_type field has none).
	Type    spec.PartType
	HasType bool
	Err     error
}

// Error renders e.g. "devctx: part 3 (VQ_CFG) at offset 72: length 24, want 32".
func (e *PartError) Error() string {
	if !e.HasType {
		return fmt.Sprintf("devctx: part %d at offset %d: %v", e.Index, e.Offset, e.Err)
	}
	return fmt.Sprintf("devctx: part %d (%s) at offset %d: %v", e.Index, e.Type, e.Offset, e.Err)
}

// Unwrap returns the underlying error (which wraps a sentinel).
func (e *PartError) Unwrap() error { return e.Err }

// FieldError is a draft-2023 context decoding error: byte offset of the
// field header, 0-based field index and field type.
type FieldError struct {
	Offset int
	Index  int
	// Type is the field type; meaningful only when HasType is set.
	Type    spec.FieldType
	HasType bool
	Err     error
}

// Error renders e.g. "devctx: field 2 (PCI_VQ_CFG) at offset 40: truncated: …".
func (e *FieldError) Error() string {
	if !e.HasType {
		return fmt.Sprintf("devctx: field %d at offset %d: %v", e.Index, e.Offset, e.Err)
	}
	return fmt.Sprintf("devctx: field %d (%s) at offset %d: %v", e.Index, e.Type, e.Offset, e.Err)
}

// Unwrap returns the underlying error (which wraps a sentinel).
func (e *FieldError) Unwrap() error { return e.Err }
