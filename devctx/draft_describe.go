package devctx

import (
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// ValueAttrs decodes the field value by its type into named attributes
// (entry lists as one attribute per entry). A value that does not decode
// renders as raw hex with the error.
func (f Field) ValueAttrs() []Attr {
	as, _ := f.decodeValueAttrs(0, 0)
	return as
}

// decodeValueAttrs is ValueAttrs for a device with virtio device id dev,
// with the error of a value that does not decode, its offsets counted
// from valueAt.
func (f Field) decodeValueAttrs(dev uint16, valueAt int) ([]Attr, error) {
	as, err := fieldValueAttrs(f, dev)
	if err != nil {
		err = bare(err, valueAt)
		return []Attr{{"value", hex.EncodeToString(f.Value)}, {"error", err.Error()}}, err
	}
	return as, nil
}

// fieldValueAttrs decodes f.Value by type; the device-type fields only for
// a device type that defines them (dev).
func fieldValueAttrs(f Field, dev uint16) ([]Attr, error) {
	if dev == spec.VirtioDeviceIDNet {
		switch f.Type {
		case spec.FieldNetCVQ:
			return netCVQFieldAttrs(f.Value)
		case spec.FieldNetInflight:
			l, err := DecodeNetInflightList(f.Value)
			if err != nil {
				return nil, err
			}
			as := []Attr{{"count", fmt.Sprint(len(l.Entries))}}
			for i, e := range l.Entries {
				as = append(as, Attr{fmt.Sprintf("entry%d", i), fmt.Sprintf("queue=%d head=%d written=%d ack=%d",
					e.Queue, e.Head, e.Written, e.Ack)})
			}
			return as, nil
		}
	}
	switch f.Type {
	case spec.FieldPCICommonCfg:
		c, err := DecodeCommonCfgImage(f.Value)
		if err != nil {
			return nil, err
		}
		as := make([]Attr, 0, len(spec.CommonCfgFields))
		for _, info := range spec.CommonCfgFields {
			as = append(as, Attr{info.Name, fmt.Sprintf("%#x", c.Get(info.Field))})
		}
		return as, nil
	case spec.FieldPCICommonRuntimeCfg:
		c, err := DecodeCommonRuntimeCfg(f.Value)
		if err != nil {
			return nil, err
		}
		as := []Attr{{"count", fmt.Sprint(len(c.Writes))}}
		for i, w := range c.Writes {
			as = append(as, Attr{fmt.Sprintf("write%d", i), fmt.Sprintf("queue=%d field=%s flags=%#x lo=%#x hi=%#x",
				w.Queue, w.Field, w.Flags, w.Lo, w.Hi)})
		}
		return as, nil
	case spec.FieldDevFeatures, spec.FieldDrvFeatures:
		w, err := DecodeFeatureWords(f.Value)
		if err != nil {
			return nil, err
		}
		return featureAttrs(w, dev), nil
	case spec.FieldDeviceStatus:
		s, err := DecodeDeviceStatus(f.Value)
		if err != nil {
			return nil, err
		}
		return []Attr{{"status", fmt.Sprintf("%#02x (%s)", uint8(s), s)}}, nil
	case spec.FieldPCIVQCfg:
		l, err := DecodeVQCfgList(f.Value)
		if err != nil {
			return nil, err
		}
		as := []Attr{{"count", fmt.Sprint(len(l.Queues))}}
		for _, q := range l.Queues {
			as = append(as, Attr{fmt.Sprintf("vq%d", q.Index), fmt.Sprintf(
				"size=%d msix_vector=%d enabled=%d notify_off=%d notif_config_data=%d desc=%#x driver=%#x device=%#x",
				q.Size, q.MSIXVector, q.Enabled, q.NotifyOff, q.NotifConfigData, q.Desc, q.Driver, q.Device)})
		}
		return as, nil
	case spec.FieldVQSplitRuntimeCfg:
		l, err := DecodeVQSplitRuntimeList(f.Value)
		if err != nil {
			return nil, err
		}
		as := []Attr{{"count", fmt.Sprint(len(l.Queues))}}
		for _, q := range l.Queues {
			as = append(as, Attr{fmt.Sprintf("vq%d", q.Index), fmt.Sprintf(
				"last_avail_idx=%d used_idx=%d flags=%#x latched_avail_idx=%d",
				q.LastAvailIdx, q.UsedIdx, q.Flags, q.LatchedAvailIdx)})
		}
		return as, nil
	case spec.FieldVQSplitDevOwnDesc:
		l, err := DecodeDevOwnDescList(f.Value)
		if err != nil {
			return nil, err
		}
		as := []Attr{{"count", fmt.Sprint(len(l.Descs))}}
		for i, d := range l.Descs {
			as = append(as, Attr{fmt.Sprintf("desc%d", i), fmt.Sprintf("queue=%d head=%d", d.Queue, d.Head)})
		}
		return as, nil
	case spec.FieldPendingEvents:
		p, err := DecodePendingEvents(f.Value)
		if err != nil {
			return nil, err
		}
		return []Attr{{"flags", fmt.Sprintf("%#x", p.Flags)}, {"held_irqs", fmt.Sprintf("%#x", p.HeldIRQs)}}, nil
	}
	return []Attr{{"value", hex.EncodeToString(f.Value)}}, nil
}

// netCVQFieldAttrs renders a NET_CVQ value: one attribute a part.
func netCVQFieldAttrs(b []byte) ([]Attr, error) {
	ps, err := DecodeNetCVQField(b)
	if err != nil {
		return nil, err
	}
	as := []Attr{{"parts", fmt.Sprint(len(ps))}}
	for i, p := range ps {
		as = append(as, Attr{fmt.Sprintf("part%d", i), p.Describe()})
	}
	return as, nil
}

// Attrs returns the field as named attributes: type, length and the
// decoded value.
func (f Field) Attrs() []Attr {
	as, _ := f.DecodeAttrs(0, 0)
	return as
}

// DecodeAttrs is Attrs for a field of a device with virtio device id dev
// (spec.VirtioDeviceIDNet, VirtioDeviceIDBlk; 0 when not known), which
// names and decodes the device type's fields (a network device's NET_CVQ
// and NET_INFLIGHT; another type's stay raw) and names the device-specific
// feature bits, and returns the error of a value that does not decode (the
// "error" attribute says the same): it wraps a sentinel, and its byte
// offsets count from valueAt, the offset of the value in what holds the
// field.
func (f Field) DecodeAttrs(dev uint16, valueAt int) ([]Attr, error) {
	as := []Attr{{"type", fmt.Sprintf("%s (%#x)", spec.FieldTypeName(f.Type, dev), uint32(f.Type))},
		{"length", fmt.Sprint(len(f.Value))}}
	vs, err := f.decodeValueAttrs(dev, valueAt)
	return append(as, vs...), err
}

// Describe renders the field on one line, e.g.
// "DEVICE_STATUS length=8: status=0xf (ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK)".
func (f Field) Describe() string {
	return fmt.Sprintf("%s length=%d: %s", f.Type, len(f.Value), joinAttrs(f.ValueAttrs()))
}
