package hv

import (
	"encoding/binary"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
)

// describePayload completes a source description from the state it
// wraps: the device and driver feature bits the payload holds (DEV_FEATURES,
// DRV_FEATURES) and, for virtio-1.4 payloads, the manifest of the part
// types it carries, in order, with their OPTIONAL flags. A draft context
// carries typed fields, not parts: its manifest is empty. A payload that
// does not decode keeps the implementation's own values; the load check
// judges it.
func describePayload(d *compat.DeviceDescription, kind stateKind, payload []byte) {
	var parts []devctx.Part
	switch kind {
	case stateDraft:
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
	case stateParts:
		parts = walkParts(payload)
	case stateStream:
		for _, rec := range streamRecords(payload) {
			parts = append(parts, walkParts(rec)...)
		}
	}
	if parts == nil {
		return
	}
	d.Parts = nil
	seen := map[spec.PartType]bool{}
	for _, p := range parts {
		switch p.Type {
		case spec.PartDevFeatures:
			setFeatures(&d.DeviceFeatures, nil, p.Value)
		case spec.PartDrvFeatures:
			setFeatures(nil, &d.DriverFeatures, p.Value)
		}
		if !seen[p.Type] {
			seen[p.Type] = true
			d.Parts = append(d.Parts, compat.PartEntry{Type: p.Type, Flags: p.Flags & spec.PartFlagOptional})
		}
	}
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

// walkParts splits a run of device parts (16-byte header, value) without
// judging them; it stops at the first part that does not fit.
func walkParts(b []byte) []devctx.Part {
	var out []devctx.Part
	for off := 0; len(b)-off >= spec.PartHeaderSize; {
		h, err := devctx.DecodePartHeader(b[off:])
		if err != nil || uint64(h.Length) > uint64(len(b)-off-spec.PartHeaderSize) {
			break
		}
		start := off + spec.PartHeaderSize
		out = append(out, devctx.Part{Type: h.Type, Flags: h.Flags, Value: b[start : start+int(h.Length)]})
		off = start + int(h.Length)
	}
	return out
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
