package compat

import (
	"bytes"
	"errors"
	"fmt"
	"math/bits"
	"sort"
	"strings"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The payload of a saved state, decoded whole with the decoders of devctx
// before anything is applied (docs/compat.md, "The payload checks"), and
// cross-checked against the header that the precheck judged: the manifest
// must list what the payload holds, and the feature bits the header
// declares must be those of the payload.

// Payload kinds, as the mismatches name them.
const (
	kindParts = "virtio-1.4 device parts"
	kindDraft = "draft-2023 context"
)

// payloadAt locates a payload in its saved state, for messages.
type payloadAt struct {
	kind string // kindParts or kindDraft
	base int    // byte offset of the payload in the saved state
}

// at renders a payload offset as "byte B (payload offset O)".
func (p payloadAt) at(off int) string {
	return fmt.Sprintf("byte %d (payload offset %d)", p.base+off, off)
}

// item names part or field i of the payload and where it starts:
// "payload part 2 (byte 177)".
func (p payloadAt) item(what string, i, off int) string {
	return fmt.Sprintf("payload %s %d (byte %d)", what, i, p.base+off)
}

// errMismatch turns a devctx decoding error of the whole payload into a
// context mismatch naming the part or field, its index and its byte offset.
func (p payloadAt) errMismatch(err error) Mismatch {
	var pe *devctx.PartError
	var fe *devctx.FieldError
	var what string
	switch {
	case errors.As(err, &pe) && errors.Is(err, devctx.ErrMissing):
		what = fmt.Sprintf("end of the run at %s: %v", p.at(pe.Offset), pe.Err)
	case errors.As(err, &pe) && pe.HasType:
		what = fmt.Sprintf("part %d (%s) at %s: %v", pe.Index, pe.Type, p.at(pe.Offset), pe.Err)
	case errors.As(err, &pe):
		what = fmt.Sprintf("part %d at %s: %v", pe.Index, p.at(pe.Offset), pe.Err)
	case errors.As(err, &fe) && fe.HasType:
		what = fmt.Sprintf("field %d (%s) at %s: %v", fe.Index, fe.Type, p.at(fe.Offset), fe.Err)
	case errors.As(err, &fe):
		what = fmt.Sprintf("field %d at %s: %v", fe.Index, p.at(fe.Offset), fe.Err)
	default:
		what = fmt.Sprintf("%s (offsets in the payload, which starts at byte %d)", strings.TrimPrefix(err.Error(), "devctx: "), p.base)
	}
	return Mismatch{Code: CodeContext, Field: "payload (" + p.kind + ")", Source: what}
}

// valueMismatch reports a part or field whose value does not decode.
func (p payloadAt) valueMismatch(what string, i int, t fmt.Stringer, off int, err error) Mismatch {
	return Mismatch{Code: CodeContext, Field: fmt.Sprintf("payload %s %d (%s)", what, i, t),
		Source: fmt.Sprintf("at %s: %s", p.at(off), strings.TrimPrefix(err.Error(), "devctx: "))}
}

// placedPart is a decoded part with its byte offset in the payload and its
// flags as the source sent them.
type placedPart struct {
	devctx.Part
	off int
}

// CheckPayloadParts decodes a payload of virtio-1.4 device parts, a
// DEV_PARTS_GET ALL result, as the owner's driver decodes one
// (devctx.DecodeParts, a complete run: every length, selector, order and
// cardinality rule, exactly one DEVICE_STATUS), decodes the selectors and
// values of the network device's NET_CVQ_CFG parts for a virtio-net model
// as that device does, and checks the decoded run against the header and
// the destination:
//
//   - the manifest lists every part type the payload holds, with the same
//     OPTIONAL flag, and the payload holds every type the manifest lists;
//   - DEV_FEATURES carries exactly the header's device_features (bits 0-63;
//     a bit above 63 cannot be carried by the header and is a mismatch);
//     DRV_FEATURES the header's driver_features TLV when there is one, and
//     nothing the device does not offer otherwise;
//   - VQ_CFG and VQ_NOTIFY_CFG name a queue below num-queues (as
//     CheckPartSelectors);
//   - every part is known to the destination (ModelCaps.KnowsPart), or
//     OPTIONAL (skipped with a warning); a mandatory part it does not know
//     is a part-unknown mismatch, whether or not spec knows the type.
//
// A run that does not decode is one context mismatch naming the part, its
// index and byte offset, and nothing else is checked; otherwise every
// mismatch is reported. plan is the one CheckLoad returned for the state.
func CheckPayloadParts(run []byte, plan *LoadPlan, dst DeviceCaps, at Where) error {
	m, _ := dst.Model(plan.Header.Model)
	pa := payloadAt{kind: kindParts, base: plan.PayloadOffset}
	dec := decodableRun(run)
	ps, err := devctx.DecodeParts(dec, devctx.DecodeOptions{})
	if err != nil {
		return incompatibleIf(*plan, at, []Mismatch{pa.errMismatch(err)})
	}
	var bad []Mismatch
	if _, err := devctx.DecodeParts(dec, devctx.DecodeOptions{Complete: true}); err != nil {
		bad = append(bad, pa.errMismatch(err))
	}
	parts := make([]placedPart, len(ps.List))
	off := 0
	for i, p := range ps.List {
		p.Flags = run[off+2] // as sent: decodableRun may have set OPTIONAL
		parts[i] = placedPart{Part: p, off: off}
		off += spec.PartHeaderSize + len(p.Value)
	}
	if plan.Header.Model == ModelNet {
		bad = append(bad, pa.netCVQMismatches(parts)...)
	}
	bad = append(bad, pa.manifestMismatches(plan.Header.Parts, parts)...)
	bad = append(bad, pa.partFeatureMismatches(plan.Header, parts)...)
	if nq := numQueues(*plan); nq >= 0 {
		for i, p := range parts {
			if p.Type != spec.PartVQCfg && p.Type != spec.PartVQNotifyCfg {
				continue
			}
			if q := p.VQIndex(); int64(q) >= nq {
				bad = append(bad, selectorMismatch(fmt.Sprintf("part %d (%s)", i, p.Type), q, nq))
			}
		}
	}
	for i, p := range parts {
		if m.KnowsPart(p.Type) {
			continue
		}
		what := fmt.Sprintf("payload part %d (%s)", i, p.Type)
		if p.Optional() {
			plan.Warnings = append(plan.Warnings, what+" (OPTIONAL) unknown to the destination: skipped")
			continue
		}
		bad = append(bad, Mismatch{Code: CodePartUnknown, Field: what, Source: "mandatory", Destination: "unknown", Bit: i})
	}
	sortByCode(bad)
	return incompatibleIf(*plan, at, bad)
}

// decodableRun returns run, or a copy of it in which every mandatory part
// of a type spec does not know carries the OPTIONAL flag, so that
// devctx.DecodeParts (which knows spec's types only) keeps it instead of
// refusing it: whether the destination takes such a part is its own
// question (part-unknown), which CheckPayloadParts asks with the flags as
// sent.
func decodableRun(run []byte) []byte {
	out, copied := run, false
	off := 0
	for _, h := range walkHeaders(run) {
		if !h.Type.Known() && !h.Optional() {
			if !copied {
				out, copied = bytes.Clone(run), true
			}
			out[off+2] |= spec.PartFlagOptional
		}
		off += spec.PartHeaderSize + int(h.Length)
	}
	return out
}

// walkHeaders returns the headers of the parts of run that fit, in order.
func walkHeaders(run []byte) []devctx.PartHeader {
	parts, _ := WalkParts(run)
	hs := make([]devctx.PartHeader, len(parts))
	for i, p := range parts {
		hs[i] = p.Header
	}
	return hs
}

// netCVQMismatches decodes the selector and value of every
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART as the network device does
// (devctx.DecodeNetCVQValue): reserved selector bytes zero, a command the
// spec lists as a part selector, a value of its layout, no command twice.
func (p payloadAt) netCVQMismatches(parts []placedPart) []Mismatch {
	var bad []Mismatch
	seen := map[spec.NetCVQCommand]int{}
	for i, pt := range parts {
		if pt.Type != spec.PartNetCVQCfg {
			continue
		}
		s := pt.NetCVQ()
		var err error
		if prev, dup := seen[s.Cmd()]; dup {
			err = fmt.Errorf("%w: %s already given by part %d", devctx.ErrDuplicate, s.Cmd(), prev)
		} else if !s.ReservedZero() {
			err = fmt.Errorf("%w: %s: reserved selector bytes not zero", devctx.ErrSelector, s.Cmd())
		} else {
			_, err = devctx.DecodeNetCVQValue(s.Cmd(), pt.Value)
		}
		seen[s.Cmd()] = i
		if err != nil {
			bad = append(bad, p.valueMismatch("part", i, pt.Type, pt.off, err))
		}
	}
	return bad
}

// manifestMismatches cross-checks the manifest with the parts of the
// payload: every listed type is in the payload, every type of the payload
// is listed, with the OPTIONAL flag the manifest gives it. A type the
// payload holds several times is reported once, at its first part.
func (p payloadAt) manifestMismatches(manifest []PartEntry, parts []placedPart) []Mismatch {
	first := make(map[spec.PartType]int, len(manifest))
	for i, pt := range parts {
		if _, ok := first[pt.Type]; !ok {
			first[pt.Type] = i
		}
	}
	listed := make(map[spec.PartType]int, len(manifest))
	var bad []Mismatch
	for i, pe := range manifest {
		if _, ok := listed[pe.Type]; !ok {
			listed[pe.Type] = i
		}
		if _, ok := first[pe.Type]; !ok {
			bad = append(bad, Mismatch{Code: CodeContext, Field: fmt.Sprintf("manifest part %d (%s)", i, pe.Type),
				Source: fmt.Sprintf("the payload holds no %s part", pe.Type)})
		}
	}
	for _, t := range sortedTypes(first) {
		i := first[t]
		pt := parts[i]
		mi, ok := listed[t]
		what := fmt.Sprintf("payload part %d (%s)", i, t)
		switch {
		case !ok:
			bad = append(bad, Mismatch{Code: CodeContext, Field: what,
				Source: fmt.Sprintf("at %s: the manifest does not list %s", p.at(pt.off), t)})
		case pt.Optional() != manifest[mi].Optional():
			bad = append(bad, Mismatch{Code: CodeContext, Field: what,
				Source: fmt.Sprintf("at %s: OPTIONAL %s, manifest part %d has it %s", p.at(pt.off),
					onOff(pt.Optional()), mi, onOff(manifest[mi].Optional()))})
		}
	}
	return bad
}

// sortedTypes returns the keys of first ordered by their value (the index
// of the first part of the type).
func sortedTypes(first map[spec.PartType]int) []spec.PartType {
	ts := make([]spec.PartType, 0, len(first))
	for t := range first {
		ts = append(ts, t)
	}
	sort.Slice(ts, func(i, j int) bool { return first[ts[i]] < first[ts[j]] })
	return ts
}

func onOff(b bool) string {
	if b {
		return "set"
	}
	return "clear"
}

// partFeatureMismatches compares the DEV_FEATURES and DRV_FEATURES parts
// with the header's feature bits.
func (p payloadAt) partFeatureMismatches(h CompatHeader, parts []placedPart) []Mismatch {
	var bad []Mismatch
	for i, pt := range parts {
		if pt.Type != spec.PartDevFeatures && pt.Type != spec.PartDrvFeatures {
			continue
		}
		w, err := devctx.DecodeFeatureWords(pt.Value) // DecodeParts checked the length
		if err != nil {
			continue
		}
		bad = append(bad, featureMismatches(h, pt.Type == spec.PartDevFeatures, p.item("part", i, pt.off), w)...)
	}
	return bad
}

// featureMismatches compares the feature words of a DEV_FEATURES (dev) or
// DRV_FEATURES part or field, at where, with the header: device features
// must equal device_features; driver features must equal the
// driver-features TLV when the header has one, and be device features
// otherwise. The header holds bits 0-63 only: a non-zero word above is a
// mismatch of its own, one per word, Bit its lowest set bit.
func featureMismatches(h CompatHeader, dev bool, where string, w devctx.FeatureWords) []Mismatch {
	name, verb, hdr, hdrName, subset := "DEV_FEATURES", "offers", h.DeviceFeatures, "the header's device_features", false
	if !dev {
		name, verb = "DRV_FEATURES", "acknowledges"
		if h.DriverFeatures != nil {
			hdr, hdrName = *h.DriverFeatures, "the header's driver_features"
		} else {
			subset = true
		}
	}
	var lo uint64
	if len(w) > 0 {
		lo = w[0]
	}
	var bad []Mismatch
	for b := 0; b < 64; b++ {
		bit := uint64(1) << uint(b)
		var s string
		switch {
		case lo&bit != 0 && hdr&bit == 0:
			s = fmt.Sprintf("%s %s it, %s does not", where, verb, hdrName)
		case lo&bit == 0 && hdr&bit != 0 && !subset:
			s = fmt.Sprintf("%s has it, %s does not", hdrName, where)
		default:
			continue
		}
		bad = append(bad, Mismatch{Code: CodeContext, Bit: b, Field: fmt.Sprintf("%s bit %d (%s)", name, b, FeatureName(h.Model, b)), Source: s})
	}
	for i := 1; i < len(w); i++ {
		if w[i] != 0 {
			bad = append(bad, Mismatch{Code: CodeContext, Bit: 64*i + bits.TrailingZeros64(w[i]),
				Field:  fmt.Sprintf("%s word %d (bits %d-%d)", name, i, 64*i, 64*i+63),
				Source: fmt.Sprintf("%s sets %#x, the header carries bits 0-63 only", where, w[i])})
		}
	}
	return bad
}

// CheckPayloadContext decodes a payload that is a draft-2023 context as
// the destination's device does (devctx.DecodeDraftContext, then every
// field's value by its type: docs/context-format.md, "Field values"; the
// network device's NET_CVQ and NET_INFLIGHT fields for a virtio-net model)
// and checks it against the header and the destination: the DEV_FEATURES
// and DRV_FEATURES fields carry the header's features (as in
// CheckPayloadParts), and every PCI_VQ_CFG entry names a queue below
// num-queues (as CheckContextSelectors). A context that does not decode is
// one context mismatch naming the field, its index and byte offset;
// otherwise every mismatch is reported.
func CheckPayloadContext(ctx []byte, plan *LoadPlan, at Where) error {
	pa := payloadAt{kind: kindDraft, base: plan.PayloadOffset}
	c, err := devctx.DecodeDraftContext(ctx)
	if err != nil {
		return incompatibleIf(*plan, at, []Mismatch{pa.errMismatch(err)})
	}
	var bad []Mismatch
	off := spec.DraftCtxHeaderSize
	for i, f := range c.Fields {
		if err := draftValueErr(plan.Header.Model, f); err != nil {
			bad = append(bad, pa.valueMismatch("field", i, f.Type, off, err))
		} else if f.Type == spec.FieldDevFeatures || f.Type == spec.FieldDrvFeatures {
			w, _ := devctx.DecodeFeatureWords(f.Value)
			bad = append(bad, featureMismatches(plan.Header, f.Type == spec.FieldDevFeatures, pa.item("field", i, off), w)...)
		}
		off += f.EncodedSize()
	}
	bad = append(bad, contextSelectorMismatches(c, numQueues(*plan))...)
	sortByCode(bad)
	return incompatibleIf(*plan, at, bad)
}

// draftValueErr decodes a draft field's value by its type with the
// decoder of devctx the device uses; a device-type field (0x1000-0x1fff)
// is decoded for the model that defines it, and is opaque otherwise.
func draftValueErr(model string, f devctx.Field) error {
	var err error
	switch f.Type {
	case spec.FieldPCICommonCfg:
		_, err = devctx.DecodeCommonCfgImage(f.Value)
	case spec.FieldPCICommonRuntimeCfg:
		_, err = devctx.DecodeCommonRuntimeCfg(f.Value)
	case spec.FieldDevFeatures, spec.FieldDrvFeatures:
		_, err = devctx.DecodeFeatureWords(f.Value)
	case spec.FieldDeviceStatus:
		_, err = devctx.DecodeDeviceStatus(f.Value)
	case spec.FieldPCIVQCfg:
		_, err = devctx.DecodeVQCfgList(f.Value)
	case spec.FieldVQSplitRuntimeCfg:
		_, err = devctx.DecodeVQSplitRuntimeList(f.Value)
	case spec.FieldVQSplitDevOwnDesc:
		_, err = devctx.DecodeDevOwnDescList(f.Value)
	case spec.FieldPendingEvents:
		_, err = devctx.DecodePendingEvents(f.Value)
	case spec.FieldNetCVQ:
		if model == ModelNet {
			_, err = devctx.DecodeNetCVQField(f.Value)
		}
	case spec.FieldNetInflight:
		if model == ModelNet {
			_, err = devctx.DecodeNetInflightList(f.Value)
		}
	}
	return err
}

// sortByCode orders mismatches by stage, keeping the order within one.
func sortByCode(ms []Mismatch) {
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].Code < ms[j].Code })
}
