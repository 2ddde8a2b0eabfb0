package devimpl

import (
	"encoding/binary"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
)

// Kind says what a saved payload holds.
type Kind uint8

// Payload kinds.
const (
	// KindDraft is a draft-2023 device context (DEV_CTX_READ, merged).
	KindDraft Kind = iota + 1
	// KindParts is one virtio-1.4 PARTS_GET(ALL) record (save).
	KindParts
	// KindStream is a VFIO stream of DEVICE_DATA records.
	KindStream
)

// DescribePayload completes a source description from the state it
// wraps: the device and driver feature bits the payload holds (DEV_FEATURES,
// DRV_FEATURES) and, for virtio-1.4 payloads, the manifest of the part
// types it carries, in order, with their OPTIONAL flags. A draft context
// carries typed fields, not Parts: its manifest is empty. A payload that
// does not decode keeps the implementation's own values; the load check
// judges it.
func DescribePayload(d *compat.DeviceDescription, kind Kind, payload []byte) {
	switch kind {
	case KindDraft:
		d.Parts = nil
		ctx, err := devctx.DecodeDraftContext(payload)
		if err != nil {
			return
		}
		for _, f := range ctx.Fields {
			switch f.Type {
			case spec.FieldDevFeatures:
				setFeatures(&d.DeviceFeatures, nil, f.Value)
			case spec.FieldDrvFeatures:
				setFeatures(nil, &d.DriverFeatures, f.Value)
			}
		}
		return
	case KindParts, KindStream:
	default:
		return
	}
	m := manifest{d: d}
	if kind == KindParts {
		eachPart(payload, m.add)
	} else {
		for _, rec := range streamRecords(payload) {
			eachPart(rec, m.add)
		}
	}
}

// manifest builds a description's features and part manifest from the
// parts it is handed, in order; the first part replaces the manifest the
// description had.
type manifest struct {
	d       *compat.DeviceDescription
	started bool
	// seen holds the types in d.Parts once there are too many to scan.
	seen map[spec.PartType]bool
}

// manifestScan is how many types the manifest scans for a duplicate before
// it keeps a map: a payload may hold any number of parts.
const manifestScan = 32

func (m *manifest) add(p devctx.Part) {
	d := m.d
	if !m.started {
		m.started, d.Parts = true, nil
	}
	switch p.Type {
	case spec.PartDevFeatures:
		setFeatures(&d.DeviceFeatures, nil, p.Value)
	case spec.PartDrvFeatures:
		setFeatures(nil, &d.DriverFeatures, p.Value)
	}
	if m.has(p.Type) {
		return
	}
	d.Parts = append(d.Parts, compat.PartEntry{Type: p.Type, Flags: p.Flags & spec.PartFlagOptional})
	if m.seen != nil {
		m.seen[p.Type] = true
	} else if len(d.Parts) > manifestScan {
		m.seen = make(map[spec.PartType]bool, 2*len(d.Parts))
		for _, e := range d.Parts {
			m.seen[e.Type] = true
		}
	}
}

// has reports whether the manifest lists type t.
func (m *manifest) has(t spec.PartType) bool {
	if m.seen != nil {
		return m.seen[t]
	}
	for _, e := range m.d.Parts {
		if e.Type == t {
			return true
		}
	}
	return false
}

// setFeatures stores word 0 of a feature-words value in dev or drv.
func setFeatures(dev *uint64, drv **uint64, value []byte) {
	w, err := devctx.DecodeFeatureWords(value)
	if err != nil || len(w) == 0 {
		return
	}
	if dev != nil {
		*dev = w[0]
	}
	if drv != nil {
		v := w[0]
		*drv = &v
	}
}

// eachPart hands f the parts of a run of device parts (16-byte header,
// value) in order, without judging them; it stops at the first part that
// does not fit.
func eachPart(b []byte, f func(devctx.Part)) {
	for off := 0; len(b)-off >= spec.PartHeaderSize; {
		h, err := devctx.DecodePartHeader(b[off:])
		if err != nil || uint64(h.Length) > uint64(len(b)-off-spec.PartHeaderSize) {
			break
		}
		start := off + spec.PartHeaderSize
		f(devctx.Part{Type: h.Type, Flags: h.Flags, Value: b[start : start+int(h.Length)]})
		off = start + int(h.Length)
	}
}

// streamRecords returns the data of the DEVICE_DATA records of a VFIO
// stream; it stops at the first record that does not fit.
func streamRecords(b []byte) [][]byte {
	var out [][]byte
	for off := 0; len(b)-off >= owner.RecordHeaderSize; {
		size := binary.LittleEndian.Uint64(b[off:])
		tag := binary.LittleEndian.Uint32(b[off+12:])
		if size > uint64(len(b)-off-owner.RecordHeaderSize) {
			break
		}
		start := off + owner.RecordHeaderSize
		if tag == owner.TagDeviceData {
			out = append(out, b[start:start+int(size)])
		}
		off = start + int(size)
	}
	return out
}
