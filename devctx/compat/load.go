package compat

import (
	"fmt"

	"github.com/migsim/migsim/spec"
)

// LoadPlan is what a destination applies once CheckLoad passed. Nothing in
// it has been applied; the caller applies it atomically.
type LoadPlan struct {
	// Header is the decoded source header.
	Header CompatHeader
	// Payload is the verified payload (aliases the saved bytes).
	Payload []byte
	// PayloadOffset is the byte offset of the payload in the saved state
	// (the header's header_len), for messages.
	PayloadOffset int
	// Features is the device feature bitmap to offer: exactly the
	// source's.
	Features uint64
	// Params is the parameter set to run with: the source's (aliases
	// expanded) plus SetToOff.
	Params []Param
	// SetToOff are the destination parameters the source omitted, at the
	// destination's off value.
	SetToOff []Param
	// Skipped are unknown OPTIONAL parts of the manifest to skip.
	Skipped []PartEntry
	// Warnings say what was skipped, one line each.
	Warnings []string
}

// CheckLoad is the destination's check at load (docs/compat.md, "Decision
// procedure", steps 1–9), before anything is applied: it decodes the header, repeats
// CheckCompatible, then checks the payload length and CRC32C (corrupt),
// the driver-acknowledged features against device_features (context) and
// the parts manifest (part-unknown for an unknown part without OPTIONAL;
// an unknown OPTIONAL part is skipped with a warning). knownPart decides
// which part types the destination knows; nil means the model's
// ModelCaps.KnowsPart. Every failure is an *IncompatibleError with phase
// at.Phase; stages up to corrupt stop at the first failure, context and
// part-unknown mismatches are all reported.
func CheckLoad(saved []byte, dst DeviceCaps, at Where, knownPart func(spec.PartType) bool) (LoadPlan, error) {
	h, hl, derr := decodeCompatHeader(saved)
	if derr != nil {
		return LoadPlan{}, newIncompatible(CompatHeader{}, at, []Mismatch{decodeMismatch(derr)})
	}
	if ms := checkCompat(h, dst); len(ms) > 0 {
		return LoadPlan{}, newIncompatible(h, at, ms)
	}
	payload, derr := checkCompatPayload(h, saved, hl)
	if derr != nil {
		return LoadPlan{}, newIncompatible(h, at, []Mismatch{decodeMismatch(derr)})
	}
	m, _ := dst.Model(h.Model) // present: checkCompat passed
	if knownPart == nil {
		knownPart = m.KnowsPart
	}
	plan := LoadPlan{Header: h, Payload: payload, PayloadOffset: hl, Features: NegotiatedFeatures(h, dst)}
	var ms []Mismatch
	// 8. context: driver-acknowledged features ⊆ device features.
	if h.DriverFeatures != nil {
		extra := *h.DriverFeatures &^ h.DeviceFeatures
		for b := 0; b < 64; b++ {
			if extra&(1<<uint(b)) != 0 {
				ms = append(ms, Mismatch{Code: CodeContext, Field: FeatureName(h.Model, b),
					Source: "driver acknowledged", Destination: "not a device feature", Bit: b})
			}
		}
	}
	// 9. parts manifest: every entry, by its index.
	for i, pe := range h.Parts {
		if knownPart(pe.Type) {
			continue
		}
		what := fmt.Sprintf("manifest part %d (%s)", i, pe.Type)
		if pe.Optional() {
			plan.Skipped = append(plan.Skipped, pe)
			plan.Warnings = append(plan.Warnings, what+" (OPTIONAL) unknown to the destination: skipped")
			continue
		}
		ms = append(ms, Mismatch{Code: CodePartUnknown, Field: what, Source: "mandatory", Destination: "unknown", Bit: i})
	}
	if len(ms) > 0 {
		sortMismatches(ms)
		return LoadPlan{}, newIncompatible(h, at, ms)
	}
	plan.Params, plan.SetToOff = EffectiveParams(h, m)
	return plan, nil
}

// decodeMismatch turns a decoding error into a format or corrupt mismatch.
func decodeMismatch(e *CompatDecodeError) Mismatch {
	field := "header"
	switch {
	case e.Code == CodeCorrupt && e.Offset == compatOffCRC:
		field = "crc32c"
	case e.Code == CodeCorrupt:
		field = "payload_len"
	}
	return Mismatch{Code: e.Code, Field: field, Source: fmt.Sprintf("byte %d: %s", e.Offset, e.What)}
}
