package devctx

import (
	"fmt"

	"github.com/migsim/migsim/spec"
)

// DecodeOptions selects the checks of DecodeParts beyond the structural ones
// (header and value within the input, per-type lengths, selectors, unknown
// mandatory types), which always apply.
type DecodeOptions struct {
	// Complete marks a run that holds the whole state (a DEV_PARTS_GET ALL
	// result, a full DEV_PARTS_SET): DEVICE_STATUS must appear exactly once.
	// Otherwise (a SELECTED GET result) it may appear at most once.
	Complete bool
	// AnyOrder skips the required-order check (DEV_FEATURES, DRV_FEATURES,
	// PCI_COMMON_CFG, DEVICE_STATUS, VQ_CFG, VQ_NOTIFY_CFG, device-type
	// parts). The cardinality rules still apply.
	AnyOrder bool
}

// PartWarning reports an unknown part type that carried the OPTIONAL flag:
// DecodeParts keeps it in the run and reports it here.
type PartWarning struct {
	Offset int
	Index  int
	Type   spec.PartType
}

// String renders the warning in the style of PartError.
func (w PartWarning) String() string {
	return fmt.Sprintf("devctx: part %d (%s) at offset %d: unknown optional part type kept", w.Index, w.Type, w.Offset)
}

// Parts is a decoded run of device parts.
type Parts struct {
	// List holds every part in input order, unknown OPTIONAL ones included,
	// so EncodeParts(List) reproduces the input.
	List []Part
	// Unknown lists the unknown OPTIONAL parts that were kept.
	Unknown []PartWarning
}

// listFirstCap bounds the room DecodeParts first makes for the list: a
// member's run has about a dozen parts; a longer one grows by append.
const listFirstCap = 32

// partRules tracks the cardinality and order state while decoding a run.
type partRules struct {
	opts      DecodeOptions
	lastOrder int
	lastType  spec.PartType
	// once holds, for the single-instance types DEV_FEATURES, DRV_FEATURES
	// and DEVICE_STATUS (at type - DEV_FEATURES), 1 + the index of the part
	// that gave it; 0 while none has.
	once    [spec.PartDeviceStatus - spec.PartDevFeatures + 1]int
	offsets seenSet    // PCI_COMMON_CFG offset (both halves of a 64-bit part) → index
	vqs     [2]seenSet // VQ_CFG, VQ_NOTIFY_CFG (at type - VQ_CFG): vq → index
	cvq     seenSet    // NET_CVQ_CFG class<<8 | command → index
}

// DecodeParts decodes a run of device parts (the result of DEV_PARTS_GET,
// the data of DEV_PARTS_SET after the object header) and checks the rules of
// the virtio spec's device-parts.tex (docs/context-format.md, "virtio-1.4
// device parts"). Every error is a *PartError naming the byte offset of
// the part header, the part index and its type, wrapping one of the
// sentinel errors. No allocation depends on a length read from the input:
// values alias b, and the list first gets room for as many parts as len(b)
// can hold (each takes at least a header), up to listFirstCap. Values are
// checked for their length only (Part.DecodeAttrs and the typed decoders
// read them).
func DecodeParts(b []byte, opts DecodeOptions) (Parts, error) {
	ps, err := DecodePartsPrefix(b, opts)
	if err != nil {
		return Parts{}, err
	}
	return ps, nil
}

// DecodePartsPrefix is DecodeParts for tools that show what they could
// read: on error it also returns the parts before the one at fault.
func DecodePartsPrefix(b []byte, opts DecodeOptions) (Parts, error) {
	var out Parts
	r := partRules{opts: opts}
	off := 0
	for off < len(b) {
		idx := len(out.List)
		if len(b)-off < spec.PartHeaderSize {
			return out, truncatedHeader(b, off, idx)
		}
		h := decodeHeader(b[off:])
		perr := func(err error) error {
			return &PartError{Offset: off, Index: idx, Type: h.Type, HasType: true, Err: err}
		}
		start := off + spec.PartHeaderSize
		if uint64(h.Length) > uint64(len(b)-start) {
			return out, perr(fmt.Errorf("%w: length %d runs past the end (%d bytes left)",
				ErrTruncated, h.Length, len(b)-start))
		}
		end := start + int(h.Length)
		p := Part{Type: h.Type, Flags: h.Flags, Selector: h.Selector, Value: b[start:end:end]}
		if err := checkHeader(h); err != nil {
			return out, perr(err)
		}
		if !h.Type.Known() {
			if !h.Optional() {
				return out, perr(fmt.Errorf("%w (OPTIONAL flag clear)", ErrUnknownMandatory))
			}
			out.Unknown = append(out.Unknown, PartWarning{Offset: off, Index: idx, Type: h.Type})
		} else if err := r.check(p, idx); err != nil {
			return out, perr(err)
		}
		if out.List == nil {
			out.List = make([]Part, 0, min(len(b)/spec.PartHeaderSize, listFirstCap))
		}
		out.List = append(out.List, p)
		off = end
	}
	if opts.Complete {
		if r.once[spec.PartDeviceStatus-spec.PartDevFeatures] == 0 {
			return out, &PartError{Offset: len(b), Index: len(out.List), Type: spec.PartDeviceStatus,
				HasType: true, Err: fmt.Errorf("%w: a complete run holds exactly one DEVICE_STATUS", ErrMissing)}
		}
	}
	return out, nil
}

// checkHeader applies the rule of every part header: flags hold no bit but
// VIRTIO_DEV_PART_F_OPTIONAL, the only one device-parts.tex defines (an
// undefined bit may change how a part is to be read, as OPTIONAL does). The
// reserved byte ("reserved and set to zero") carries nothing a reader acts
// on: it is ignored, as the owner's reads of a device's parts ignore it.
func checkHeader(h PartHeader) error {
	if x := h.Flags &^ spec.PartFlagOptional; x != 0 {
		return fmt.Errorf("%w: flags %#02x: bits %#02x undefined (bit 0, OPTIONAL, is the only flag)", ErrReserved, h.Flags, x)
	}
	return nil
}

// checkSelector checks the selector bytes a part type leaves reserved:
// all eight for the types without a selector (device-parts.tex: the
// selector "is only used for some part_type values", the
// pci_common_cfg.offset of another type "is reserved and set to 0"),
// pci_common_cfg.reserved for PCI_COMMON_CFG, vq_index.reserved for VQ_CFG
// and VQ_NOTIFY_CFG, and the six reserved bytes of
// virtio_net_dev_part_cvq_selector (NET-PART-01).
func checkSelector(p Part) error {
	from := 0
	switch p.Type {
	case spec.PartPCICommonCfg:
		from = 4
	case spec.PartVQCfg, spec.PartVQNotifyCfg, spec.PartNetCVQCfg:
		from = 2
	}
	for i := from; i < len(p.Selector); i++ {
		if p.Selector[i] != 0 {
			if from == 0 {
				return fmt.Errorf("%w: selector %x not zero (%s has no selector)", ErrSelector, p.Selector[:], p.Type)
			}
			return fmt.Errorf("%w: reserved selector byte %d is %#02x", ErrSelector, i, p.Selector[i])
		}
	}
	return nil
}

// check applies the per-type length, selector, cardinality and order rules
// to a part of a known type.
func (r *partRules) check(p Part, idx int) error {
	if err := checkSelector(p); err != nil {
		return err
	}
	if err := checkPartLength(p); err != nil {
		return err
	}
	if !r.opts.AnyOrder {
		if o := p.Type.PartOrder(); o != 0 {
			if o < r.lastOrder {
				return fmt.Errorf("%w: %s after %s", ErrOrder, p.Type, r.lastType)
			}
			r.lastOrder, r.lastType = o, p.Type
		}
	}
	switch p.Type {
	case spec.PartDevFeatures, spec.PartDrvFeatures, spec.PartDeviceStatus:
		seen := &r.once[p.Type-spec.PartDevFeatures]
		if *seen != 0 {
			return fmt.Errorf("%w: %s already given by part %d", ErrDuplicate, p.Type, *seen-1)
		}
		*seen = idx + 1
	case spec.PartPCICommonCfg:
		o := p.CommonCfgOffset()
		if prev, dup := r.offsets.add(o, idx); dup {
			return fmt.Errorf("%w: offset %d already given by part %d", ErrDuplicate, o, prev)
		}
		if len(p.Value) == 8 { // a whole le64 field gives its hi half too
			if prev, dup := r.offsets.add(o+4, idx); dup {
				return fmt.Errorf("%w: offset %d (the hi half of the le64 at %d) already given by part %d", ErrDuplicate, o+4, o, prev)
			}
		}
	case spec.PartNetCVQCfg:
		c := p.NetCVQ().Cmd()
		if prev, dup := r.cvq.add(uint32(c.Class)<<8|uint32(c.Command), idx); dup {
			return fmt.Errorf("%w: %s already given by part %d (NET-PART-01: unique selectors)", ErrDuplicate, c, prev)
		}
	case spec.PartVQCfg, spec.PartVQNotifyCfg:
		vq := p.VQIndex()
		if prev, dup := r.vqs[p.Type-spec.PartVQCfg].add(uint32(vq), idx); dup {
			return fmt.Errorf("%w: vq %d already given by part %d", ErrDuplicate, vq, prev)
		}
	}
	return nil
}

// checkPartLength checks the value length (and for PCI_COMMON_CFG the
// selector) against the part type.
func checkPartLength(p Part) error {
	n := len(p.Value)
	want := -1
	switch p.Type {
	case spec.PartDevFeatures, spec.PartDrvFeatures:
		if n%8 != 0 {
			return fmt.Errorf("%w %d, want a multiple of 8 (le64 feature words)", ErrLength, n)
		}
	case spec.PartPCICommonCfg:
		o := p.CommonCfgOffset()
		f, ok := spec.LookupCommonCfgField(o)
		if !ok {
			return fmt.Errorf("%w: offset %d starts no field of virtio_pci_common_cfg", ErrSelector, o)
		}
		name, wide := spec.LookupCommonCfgField64(o)
		switch {
		case n == f.Size, wide && n == 8: // a field, or a le64 field whole
		case wide:
			return fmt.Errorf("%w %d, want 8 (%s) or 4 (its lo half, %s) at offset %d", ErrLength, n, name, f.Name, o)
		default:
			return fmt.Errorf("%w %d, want %d (size of %s at offset %d)", ErrLength, n, f.Size, f.Name, o)
		}
	case spec.PartDeviceStatus:
		want = 1
	case spec.PartVQCfg:
		want = spec.VQCfgSize
	case spec.PartVQNotifyCfg:
		want = spec.VQNotifyCfgSize
	}
	if want >= 0 && n != want {
		return fmt.Errorf("%w %d, want %d", ErrLength, n, want)
	}
	return nil
}
