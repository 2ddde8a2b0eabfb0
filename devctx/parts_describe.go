package devctx

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/migsim/migsim/spec"
)

// Attr is one named, rendered attribute of a part or field, for human and
// JSON output (migsim decode).
type Attr struct {
	Name  string
	Value string
}

// joinAttrs renders attributes as "name=value name=value".
func joinAttrs(as []Attr) string {
	parts := make([]string, len(as))
	for i, a := range as {
		parts[i] = a.Name + "=" + a.Value
	}
	return strings.Join(parts, " ")
}

// SelectorString renders the selector by the part type: "offset 22
// (queue_select)", "offset 32 (queue_desc)" for a whole le64 field, "vq 2",
// "class 1 command 0", "" for types without a selector, or the raw hex for
// unknown types.
func (p Part) SelectorString() string {
	switch p.Type {
	case spec.PartPCICommonCfg:
		o := p.CommonCfgOffset()
		if name, wide := spec.LookupCommonCfgField64(o); wide && len(p.Value) == 8 {
			return fmt.Sprintf("offset %d (%s)", o, name)
		}
		if f, ok := spec.LookupCommonCfgField(o); ok {
			return fmt.Sprintf("offset %d (%s)", o, f.Name)
		}
		return fmt.Sprintf("offset %d (no field)", o)
	case spec.PartVQCfg, spec.PartVQNotifyCfg:
		return fmt.Sprintf("vq %d", p.VQIndex())
	case spec.PartNetCVQCfg:
		return p.NetCVQ().describe()
	case spec.PartDevFeatures, spec.PartDrvFeatures, spec.PartDeviceStatus:
		return ""
	}
	return "selector " + hex.EncodeToString(p.Selector[:])
}

// FlagsString renders the flags: "OPTIONAL", "0" or the extra bits in hex.
func (p Part) FlagsString() string {
	if p.Flags == 0 {
		return "0"
	}
	var s []string
	if p.Optional() {
		s = append(s, "OPTIONAL")
	}
	if rest := p.Flags &^ spec.PartFlagOptional; rest != 0 {
		s = append(s, fmt.Sprintf("%#02x", rest))
	}
	return strings.Join(s, "|")
}

// ValueAttrs decodes the value by the part type into named attributes. A
// value that does not decode renders as raw hex with the error.
func (p Part) ValueAttrs() []Attr {
	as, _ := p.decodeValueAttrs(0, 0)
	return as
}

// decodeValueAttrs is ValueAttrs for a device with virtio device id dev
// (it names the feature bits), with the error of a value that does not
// decode, its offsets counted from valueAt.
func (p Part) decodeValueAttrs(dev uint16, valueAt int) ([]Attr, error) {
	as, err := p.valueAttrs(dev, valueAt)
	if err != nil {
		return []Attr{{"value", hex.EncodeToString(p.Value)}, {"error", err.Error()}}, err
	}
	return as, nil
}

// valueAttrs decodes the value by type; the error is an *OffsetError (no
// package prefix) at valueAt.
func (p Part) valueAttrs(dev uint16, valueAt int) ([]Attr, error) {
	switch p.Type {
	case spec.PartDevFeatures, spec.PartDrvFeatures:
		f, err := DecodeFeatureWords(p.Value)
		if err != nil {
			return nil, bare(err, valueAt)
		}
		return featureAttrs(f, dev), nil
	case spec.PartPCICommonCfg:
		if len(p.Value) == 8 {
			v := binary.LittleEndian.Uint64(p.Value)
			return []Attr{{"value", fmt.Sprintf("%d (%#x)", v, v)}}, nil
		}
		v, err := CommonCfgValue(p.Value)
		if err != nil {
			return nil, bare(err, valueAt)
		}
		return []Attr{{"value", fmt.Sprintf("%d (%#x)", v, v)}}, nil
	case spec.PartDeviceStatus:
		if len(p.Value) != 1 {
			return nil, bare(valueError("DEVICE_STATUS value", 0, fmt.Errorf("%w %d, want 1", ErrLength, len(p.Value))), valueAt)
		}
		s := spec.DeviceStatus(p.Value[0])
		return []Attr{{"status", fmt.Sprintf("%#02x (%s)", uint8(s), s)}}, nil
	case spec.PartVQCfg:
		v, err := DecodeVQCfg(p.Value)
		if err != nil {
			return nil, bare(err, valueAt)
		}
		return []Attr{{"queue_size", fmt.Sprint(v.QueueSize)}, {"vector", fmt.Sprint(v.Vector)},
			{"enabled", fmt.Sprint(v.Enabled)}, {"desc", fmt.Sprintf("%#x", v.Desc)},
			{"driver", fmt.Sprintf("%#x", v.Driver)}, {"device", fmt.Sprintf("%#x", v.Device)}}, nil
	case spec.PartVQNotifyCfg:
		v, err := DecodeVQNotifyCfg(p.Value)
		if err != nil {
			return nil, bare(err, valueAt)
		}
		return []Attr{{"notify_off", fmt.Sprint(v.NotifyOff)},
			{"notif_config_data", fmt.Sprint(v.NotifConfigData)}}, nil
	case spec.PartNetCVQCfg:
		v, err := decodeNetCVQValueAt(p.NetCVQ().Cmd(), p.Value, valueAt)
		if err != nil {
			return nil, err
		}
		return v.Attrs(), nil
	}
	return []Attr{{"value", hex.EncodeToString(p.Value)}}, nil
}

// bare returns the *OffsetError a value decoder's error wraps (without the
// package prefix), rebased by valueAt.
func bare(err error, valueAt int) error {
	var oe *OffsetError
	if errors.As(err, &oe) {
		err = oe
	}
	return Rebase(err, valueAt)
}

// featureAttrs renders feature words, one attribute a word, with the set
// bits named for a device with virtio device id dev.
func featureAttrs(f FeatureWords, dev uint16) []Attr {
	as := make([]Attr, len(f))
	for i, w := range f {
		as[i] = Attr{fmt.Sprintf("word%d", i), spec.DeviceFeatureWord(dev, i, w)}
	}
	return as
}

// Attrs returns the part as named attributes: type, flags, selector (when
// the type has one), length and the decoded value fields.
func (p Part) Attrs() []Attr {
	as, _ := p.DecodeAttrs(0, 0)
	return as
}

// DecodeAttrs is Attrs for a part of a device with virtio device id dev
// (spec.VirtioDeviceIDNet, VirtioDeviceIDBlk; 0 when not known), which
// names the device-specific feature bits of DEV_FEATURES and DRV_FEATURES,
// and returns the error of a value that does not decode (the "error"
// attribute says the same): it wraps a sentinel, and its byte offsets count
// from valueAt, the offset of the value in what holds the part.
func (p Part) DecodeAttrs(dev uint16, valueAt int) ([]Attr, error) {
	as := []Attr{{"type", fmt.Sprintf("%s (%#04x)", p.Type, uint16(p.Type))}, {"flags", p.FlagsString()}}
	if s := p.SelectorString(); s != "" {
		as = append(as, Attr{"selector", s})
	}
	as = append(as, Attr{"length", fmt.Sprint(len(p.Value))})
	vs, err := p.decodeValueAttrs(dev, valueAt)
	return append(as, vs...), err
}

// Describe renders the part on one line for humans, e.g.
// "VQ_CFG vq 2 flags=0 length=32: queue_size=256 vector=1 enabled=1 desc=0x100000 …".
func (p Part) Describe() string {
	var b strings.Builder
	b.WriteString(p.Type.String())
	if s := p.SelectorString(); s != "" {
		b.WriteString(" " + s)
	}
	fmt.Fprintf(&b, " flags=%s length=%d: %s", p.FlagsString(), len(p.Value), joinAttrs(p.ValueAttrs()))
	return b.String()
}

// Describe renders the header on one line, e.g. "VQ_CFG vq 1 flags=0
// length=0", with " reserved=0x…" when the reserved byte is non-zero.
func (h PartHeader) Describe() string {
	p := Part{Type: h.Type, Flags: h.Flags, Selector: h.Selector}
	s := h.Type.String()
	if sel := p.SelectorString(); sel != "" {
		s += " " + sel
	}
	s = fmt.Sprintf("%s flags=%s length=%d", s, p.FlagsString(), h.Length)
	if h.Reserved != 0 {
		s += fmt.Sprintf(" reserved=%#02x", h.Reserved)
	}
	return s
}
