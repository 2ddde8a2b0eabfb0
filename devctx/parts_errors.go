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
	// ErrDuplicate: a part that may appear at most once (per selector), a
	// draft field type (a context holds each type once) or an entry of an
	// entry list (per queue, per queue and head) that appears again.
	ErrDuplicate = errors.New("duplicate")
	// ErrMissing: a part that a complete run must hold is absent.
	ErrMissing = errors.New("missing")
	// ErrUnknownMandatory: an unknown part type without the OPTIONAL flag.
	ErrUnknownMandatory = errors.New("unknown mandatory part type")
	// ErrSelector: a selector that names no valid target (a PCI_COMMON_CFG
	// offset that starts no field of struct virtio_pci_common_cfg) or whose
	// reserved bytes are not zero (a part type without a selector has all
	// eight reserved).
	ErrSelector = errors.New("bad selector")
	// ErrReserved: a part header flag bit the spec does not define that is
	// set.
	ErrReserved = errors.New("reserved not zero")
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

// OffsetError is an error at a byte offset inside a value, a context or a
// run: What names the item ("DEVICE_STATUS value", "PCI_VQ_CFG entry 2",
// "padding byte 3"), Offset is its byte offset. Every offset in the chain
// of an error this package returns counts from the start of the bytes given
// to the decoder that returned it (a value decoder: the value); Rebase
// moves them all to the start of what holds those bytes.
type OffsetError struct {
	What   string
	Offset int
	Err    error
}

// Error renders e.g. "PCI_VQ_CFG entry 2 at offset 88: duplicate: vq 1
// already given by entry 0". It carries no package prefix: it is wrapped by
// a decoder's error, or by "devctx: " when a value decoder returns it.
func (e *OffsetError) Error() string {
	return fmt.Sprintf("%s at offset %d: %v", e.What, e.Offset, e.Err)
}

// Unwrap returns the underlying error (which wraps a sentinel).
func (e *OffsetError) Unwrap() error { return e.Err }

// valueError is the error of a value decoder: what at offset off of the
// value, wrapping err, behind the package prefix.
func valueError(what string, off int, err error) error {
	return &pkgError{&OffsetError{What: what, Offset: off, Err: err}}
}

// pkgError puts the package prefix before an error. Unlike fmt.Errorf it
// renders its message when asked, so the message shows the offsets Rebase
// moved.
type pkgError struct{ err error }

func (e *pkgError) Error() string { return "devctx: " + e.err.Error() }
func (e *pkgError) Unwrap() error { return e.err }

// Rebase adds delta to every byte offset in err's chain (*PartError,
// *FieldError, *OffsetError, *ResultError), so that offsets counted from
// the start of a value or a run count from the start of what holds it
// (delta: the byte offset of the value there). It changes the errors in
// place and returns err.
func Rebase(err error, delta int) error {
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch x := e.(type) {
		case *PartError:
			x.Offset += delta
		case *FieldError:
			x.Offset += delta
		case *OffsetError:
			x.Offset += delta
		case *ResultError:
			x.Offset += delta
		}
	}
	return err
}

// ErrorOffset returns the most precise byte offset err names: that of the
// innermost *PartError, *FieldError, *OffsetError or *ResultError of its
// chain; false when it names none.
func ErrorOffset(err error) (int, bool) {
	off, ok := 0, false
	for e := err; e != nil; e = errors.Unwrap(e) {
		switch x := e.(type) {
		case *PartError:
			off, ok = x.Offset, true
		case *FieldError:
			off, ok = x.Offset, true
		case *OffsetError:
			off, ok = x.Offset, true
		case *ResultError:
			off, ok = x.Offset, true
		}
	}
	return off, ok
}

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
