package trace

import (
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/record"
)

// gopacket layers for the packets WritePcapng emits, so Go tools can decode
// a migsim pcapng with gopacket.NewPacket(data, LayerTypeTrace, …): a
// TraceLayer (the record header) followed, by kind, by a TLPLayer, an
// MSIXLayer or an AdminLayer.

// Layer type numbers, in gopacket's range for application types.
const (
	layerNumTrace = 1470 + iota
	layerNumTLP
	layerNumMSIX
	layerNumAdmin
	layerNumState
)

// gopacket layer types of a migsim trace record.
var (
	// LayerTypeTrace is the record header (version, kind, step, time,
	// names, text).
	LayerTypeTrace = gopacket.RegisterLayerType(layerNumTrace,
		gopacket.LayerTypeMetadata{Name: "MigsimTrace", Decoder: gopacket.DecodeFunc(decodeTraceLayer)})
	// LayerTypeTLP is the TLP section of a tlp record.
	LayerTypeTLP = gopacket.RegisterLayerType(layerNumTLP,
		gopacket.LayerTypeMetadata{Name: "MigsimTLP", Decoder: gopacket.DecodeFunc(decodeTLPLayer)})
	// LayerTypeMSIX is the MSI-X section of an msix record.
	LayerTypeMSIX = gopacket.RegisterLayerType(layerNumMSIX,
		gopacket.LayerTypeMetadata{Name: "MigsimMSIX", Decoder: gopacket.DecodeFunc(decodeMSIXLayer)})
	// LayerTypeAdmin is the admin section of an admin record.
	LayerTypeAdmin = gopacket.RegisterLayerType(layerNumAdmin,
		gopacket.LayerTypeMetadata{Name: "MigsimAdmin", Decoder: gopacket.DecodeFunc(decodeAdminLayer)})
	// LayerTypeState is the state section of a member state record.
	LayerTypeState = gopacket.RegisterLayerType(layerNumState,
		gopacket.LayerTypeMetadata{Name: "MigsimState", Decoder: gopacket.DecodeFunc(decodeStateLayer)})
)

// TraceLayer is the header of a trace record.
type TraceLayer struct {
	layers.BaseLayer
	// Event holds the header fields (Step, Time, Kind, Edition, Host,
	// Target, Who, From, To, Text); the section is the following layer.
	Event record.TraceEvent
}

// LayerType returns LayerTypeTrace.
func (l *TraceLayer) LayerType() gopacket.LayerType { return LayerTypeTrace }

// TLPLayer is the TLP section of a tlp record.
type TLPLayer struct {
	layers.BaseLayer
	TLP pcie.TLP
}

// LayerType returns LayerTypeTLP.
func (l *TLPLayer) LayerType() gopacket.LayerType { return LayerTypeTLP }

// MSIXLayer is the MSI-X section of an msix record.
type MSIXLayer struct {
	layers.BaseLayer
	MSIX pcie.MSIXMessage
}

// LayerType returns LayerTypeMSIX.
func (l *MSIXLayer) LayerType() gopacket.LayerType { return LayerTypeMSIX }

// AdminLayer is the admin section of an admin record: the command (header
// and data) and the result.
type AdminLayer struct {
	layers.BaseLayer
	Command, Result []byte
}

// LayerType returns LayerTypeAdmin.
func (l *AdminLayer) LayerType() gopacket.LayerType { return LayerTypeAdmin }

// StateLayer is the state section of a member state record.
type StateLayer struct {
	layers.BaseLayer
	State record.TraceMemberState
}

// LayerType returns LayerTypeState.
func (l *StateLayer) LayerType() gopacket.LayerType { return LayerTypeState }

func decodeTraceLayer(data []byte, p gopacket.PacketBuilder) error {
	d := recordDecoder{b: data}
	var r Record
	decodeHeader(&d, &r)
	if d.err != nil {
		return fmt.Errorf("trace: trace layer: %w", d.err)
	}
	l := &TraceLayer{BaseLayer: layers.BaseLayer{Contents: data[:d.off], Payload: data[d.off:]}, Event: r.TraceEvent}
	p.AddLayer(l)
	section := recordSection(uint8(r.Kind))
	if section != "" && len(l.Payload) == 0 {
		// gopacket calls no next decoder for an empty payload: a record
		// whose section is missing would decode as a whole one.
		if _, _, err := decodeSection(section, uint8(r.Kind), nil); err != nil {
			return fmt.Errorf("%w (the record ends at byte offset %d, before its %s section)", err, d.off, section)
		}
	}
	var next gopacket.LayerType
	switch section {
	case "tlp":
		next = LayerTypeTLP
	case "msix":
		next = LayerTypeMSIX
	case "admin":
		next = LayerTypeAdmin
	case "state":
		next = LayerTypeState
	default:
		if len(l.Payload) > 0 {
			return fmt.Errorf("trace: trace layer: %d trailing bytes at byte offset %d of a %s record", len(l.Payload), d.off, r.Kind)
		}
		return nil
	}
	return p.NextDecoder(next)
}

// decodeSection decodes the body section of kind from data and checks that
// nothing follows it.
func decodeSection(what string, kind uint8, data []byte) (Record, int, error) {
	d := recordDecoder{b: data}
	var r Record
	decodeBody(&d, kind, &r)
	if d.err != nil {
		return r, 0, fmt.Errorf("trace: %s layer: %w", what, d.err)
	}
	if d.off != len(data) {
		return r, 0, fmt.Errorf("trace: %s layer: %d trailing bytes at byte offset %d", what, len(data)-d.off, d.off)
	}
	return r, d.off, nil
}

func decodeTLPLayer(data []byte, p gopacket.PacketBuilder) error {
	r, n, err := decodeSection("tlp", uint8(record.TraceTLP), data)
	if err != nil {
		return err
	}
	p.AddLayer(&TLPLayer{BaseLayer: layers.BaseLayer{Contents: data[:n]}, TLP: r.TLP})
	return nil
}

func decodeMSIXLayer(data []byte, p gopacket.PacketBuilder) error {
	r, n, err := decodeSection("msix", uint8(record.TraceMSIX), data)
	if err != nil {
		return err
	}
	p.AddLayer(&MSIXLayer{BaseLayer: layers.BaseLayer{Contents: data[:n]}, MSIX: r.MSIX})
	return nil
}

func decodeAdminLayer(data []byte, p gopacket.PacketBuilder) error {
	r, n, err := decodeSection("admin", RecordKindAdmin, data)
	if err != nil {
		return err
	}
	p.AddLayer(&AdminLayer{BaseLayer: layers.BaseLayer{Contents: data[:n]}, Command: r.Admin, Result: r.AdminResult})
	return nil
}

func decodeStateLayer(data []byte, p gopacket.PacketBuilder) error {
	r, n, err := decodeSection("state", RecordKindState, data)
	if err != nil {
		return err
	}
	p.AddLayer(&StateLayer{BaseLayer: layers.BaseLayer{Contents: data[:n]}, State: r.State})
	return nil
}
