package devctx

import (
	"encoding/hex"
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
// (queue_select)", "vq 2", "class 1 command 0", "" for types without a
// selector, or the raw hex for unknown types.
func (p Part) SelectorString() string {
	switch p.Type {
	case spec.PartPCICommonCfg:
		o := p.CommonCfgOffset()
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
	raw := []Attr{{"value", hex.EncodeToString(p.Value)}}
	switch p.Type {
	case spec.PartDevFeatures, spec.PartDrvFeatures:
		f, err := DecodeFeatureWords(p.Value)
		if err != nil {
			return append(raw, Attr{"error", err.Error()})
		}
		as := make([]Attr, len(f))
		for i, w := range f {
			as[i] = Attr{fmt.Sprintf("word%d", i), fmt.Sprintf("%#016x", w)}
		}
		return as
	case spec.PartPCICommonCfg:
		v, err := CommonCfgValue(p.Value)
		if err != nil {
			return append(raw, Attr{"error", err.Error()})
		}
		return []Attr{{"value", fmt.Sprintf("%d (%#x)", v, v)}}
	case spec.PartDeviceStatus:
		if len(p.Value) != 1 {
			return raw
		}
		s := spec.DeviceStatus(p.Value[0])
		return []Attr{{"status", fmt.Sprintf("%#02x (%s)", uint8(s), s)}}
	case spec.PartVQCfg:
		v, err := DecodeVQCfg(p.Value)
		if err != nil {
			return append(raw, Attr{"error", err.Error()})
		}
		return []Attr{{"queue_size", fmt.Sprint(v.QueueSize)}, {"vector", fmt.Sprint(v.Vector)},
			{"enabled", fmt.Sprint(v.Enabled)}, {"desc", fmt.Sprintf("%#x", v.Desc)},
			{"driver", fmt.Sprintf("%#x", v.Driver)}, {"device", fmt.Sprintf("%#x", v.Device)}}
	case spec.PartVQNotifyCfg:
		v, err := DecodeVQNotifyCfg(p.Value)
		if err != nil {
			return append(raw, Attr{"error", err.Error()})
		}
		return []Attr{{"notify_off", fmt.Sprint(v.NotifyOff)},
			{"notif_config_data", fmt.Sprint(v.NotifConfigData)}}
	case spec.PartNetCVQCfg:
		v, err := DecodeNetCVQValue(p.NetCVQ().Cmd(), p.Value)
		if err != nil {
			return append(raw, Attr{"error", err.Error()})
		}
		return v.Attrs()
	}
	return raw
}

// Attrs returns the part as named attributes: type, flags, selector (when
// the type has one), length and the decoded value fields.
func (p Part) Attrs() []Attr {
	as := []Attr{{"type", fmt.Sprintf("%s (%#04x)", p.Type, uint16(p.Type))}, {"flags", p.FlagsString()}}
	if s := p.SelectorString(); s != "" {
		as = append(as, Attr{"selector", s})
	}
	as = append(as, Attr{"length", fmt.Sprint(len(p.Value))})
	return append(as, p.ValueAttrs()...)
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
