package compat

import (
	"fmt"
	"strings"
)

// MismatchCode says why a saved state is incompatible with a destination.
// The order of the constants is the order of the decision procedure
// (docs/compat.md, "Decision procedure"), which is also the order
// mismatches are reported.
type MismatchCode uint8

// Mismatch codes.
const (
	CodeFormat        MismatchCode = iota + 1 // step 1: magic, fmt_major, header sanity
	CodeModel                                 // step 2: model URI differs
	CodeVersionTooNew                         // step 3: state_version > max
	CodeVersionTooOld                         // step 3: state_version < min
	CodeParamUnknown                          // step 4: listed parameter unknown to the destination
	CodeParamType                             // step 5: parameter type differs
	CodeParamValue                            // step 5: value outside allowed
	CodeParamRequired                         // step 6: parameter without off value missing from the source
	CodeFeatures                              // step 7: device feature bit unsupported
	CodeCorrupt                               // payload length/CRC, or device id inconsistent with the model
	CodeContext                               // step 8: context content (driver features ⊄ device features)
	CodePartUnknown                           // step 9: unknown part without OPTIONAL
)

var codeNames = [...]string{
	CodeFormat: "format", CodeModel: "model", CodeVersionTooNew: "version",
	CodeVersionTooOld: "version", CodeParamUnknown: "param-unknown",
	CodeParamType: "param-type", CodeParamValue: "param-value",
	CodeParamRequired: "param-required", CodeFeatures: "features",
	CodeCorrupt: "corrupt", CodeContext: "context", CodePartUnknown: "part-unknown",
}

// String returns the name of the decision step: format, model, version (both too-new and
// too-old), param-unknown, param-type, param-value, param-required,
// features, corrupt, context, part-unknown.
func (c MismatchCode) String() string {
	if int(c) < len(codeNames) && codeNames[c] != "" {
		return codeNames[c]
	}
	return fmt.Sprintf("code(%d)", uint8(c))
}

// Mismatch is one reason for incompatibility. Field names what differs (a
// parameter name, "model", "state_version", a feature, or a part by where
// it is, its index and type: "manifest part 2 (PART_0x03ff)"); Source and
// Destination are the two sides as printed; Bit is the feature bit number
// for CodeFeatures and for a CodeContext mismatch about a feature bit, the
// part's index for CodePartUnknown, and 0 otherwise. A format or corrupt
// mismatch found while decoding the header, and a context mismatch found
// in the payload, has an empty Destination: Source then says what is wrong
// and names the byte offset.
type Mismatch struct {
	Code        MismatchCode
	Field       string
	Source      string
	Destination string
	Bit         int
}

// String renders the mismatch as docs/compat.md ("Error contract") shows, e.g.
// "param-value num-queues: source 8, destination allows 1-4".
func (m Mismatch) String() string {
	switch m.Code {
	case CodeFormat, CodeCorrupt:
		if m.Destination == "" {
			return fmt.Sprintf("%s %s: %s", m.Code, m.Field, m.Source)
		}
	case CodeContext:
		if m.Destination == "" {
			return fmt.Sprintf("context %s: %s", m.Field, m.Source)
		}
		if strings.HasSuffix(m.Field, " selector") {
			return fmt.Sprintf("context %s: source %s, destination %s", m.Field, m.Source, m.Destination)
		}
		return fmt.Sprintf("context driver_features bit %d (%s): acknowledged by the driver, not offered by the device", m.Bit, m.Field)
	case CodeModel:
		return fmt.Sprintf("model: source %s, destination %s", m.Source, m.Destination)
	case CodeVersionTooNew:
		return fmt.Sprintf("version: state version %s is too new for destination (max %s)", m.Source, m.Destination)
	case CodeVersionTooOld:
		return fmt.Sprintf("version: state version %s is too old for destination (min %s)", m.Source, m.Destination)
	case CodeParamUnknown:
		return fmt.Sprintf("param-unknown %s: source %s, destination does not know it", m.Field, m.Source)
	case CodeParamType:
		return fmt.Sprintf("param-type %s: source %s, destination expects %s", m.Field, m.Source, m.Destination)
	case CodeParamValue:
		return fmt.Sprintf("param-value %s: source %s, destination allows %s", m.Field, m.Source, m.Destination)
	case CodeParamRequired:
		return fmt.Sprintf("param-required %s: source omits it, destination has %s", m.Field, m.Destination)
	case CodeFeatures:
		return fmt.Sprintf("features bit %d (%s): source offers it, destination does not support it", m.Bit, m.Field)
	case CodePartUnknown:
		return fmt.Sprintf("part-unknown %s: source sends it without OPTIONAL, destination does not know it", m.Field)
	}
	return fmt.Sprintf("%s %s: source %s, destination %s", m.Code, m.Field, m.Source, m.Destination)
}

// Where says at which point of a migration a check runs: Phase "precheck"
// (before the source leaves Active/running) or "load" (on the destination,
// before anything is applied), and the member id being migrated.
type Where struct {
	Phase  string
	Member uint64
}

// Phases of Where.
const (
	PhasePrecheck = "precheck"
	PhaseLoad     = "load"
)

// IncompatibleError reports every mismatch of one check (docs/compat.md,
// "Error contract"). Model is
// the source model; Impl the source implementation string (informational,
// printed when set).
type IncompatibleError struct {
	Phase      string
	Member     uint64
	Model      string
	Impl       string
	Mismatches []Mismatch
}

// Error returns "devctx: incompatible (PHASE, member N, model M[, impl I]):
// m1; m2; …", the first MaxListedMismatches of them and then how many more
// there are.
func (e *IncompatibleError) Error() string {
	var sb strings.Builder
	model := e.Model
	if model == "" {
		model = "(unknown)"
	}
	fmt.Fprintf(&sb, "devctx: incompatible (%s, member %d, model %s", e.Phase, e.Member, model)
	if e.Impl != "" {
		fmt.Fprintf(&sb, ", impl %s", e.Impl)
	}
	sb.WriteString("): ")
	n := min(len(e.Mismatches), MaxListedMismatches)
	for i, m := range e.Mismatches[:n] {
		if i > 0 {
			sb.WriteString("; ")
		}
		sb.WriteString(m.String())
	}
	if more := len(e.Mismatches) - n; more > 0 {
		fmt.Fprintf(&sb, "; … and %d more (%d mismatches in all)", more, len(e.Mismatches))
	}
	return sb.String()
}

// MaxListedMismatches bounds the mismatches an IncompatibleError's text
// and `migsim compat`'s text report list: a saved state of up to 64 MiB
// can hold a bad selector or value in every one of its parts, and a list
// of millions of them reads no better than its first screen. The rest are
// counted; Mismatches keeps them all.
const MaxListedMismatches = 100

// Codes returns the codes of the mismatches, in report order.
func (e *IncompatibleError) Codes() []MismatchCode {
	out := make([]MismatchCode, len(e.Mismatches))
	for i, m := range e.Mismatches {
		out[i] = m.Code
	}
	return out
}

// Has reports whether some mismatch has code c.
func (e *IncompatibleError) Has(c MismatchCode) bool {
	for _, m := range e.Mismatches {
		if m.Code == c {
			return true
		}
	}
	return false
}
