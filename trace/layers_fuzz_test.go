package trace

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/stretchr/testify/require"
)

// FuzzDecodeLayers decodes bytes as a migsim pcapng packet with gopacket,
// recovery off so that a panic in a layer decoder fails the target: a
// packet decodes without an error layer exactly when DecodeRecord reads
// it, its header and section layers together are that record, and the
// record encodes back to the packet's bytes. Seeded with the records of
// the export fixture.
func FuzzDecodeLayers(f *testing.F) {
	for _, e := range exportFixture() {
		r := RecordOf(e)
		b, err := AppendRecord(nil, &r)
		require.NoError(f, err)
		f.Add(b)
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		p := gopacket.NewPacket(b, LayerTypeTrace, gopacket.DecodeOptions{SkipDecodeRecovery: true})
		want, err := DecodeRecord(b)
		if p.ErrorLayer() != nil {
			require.Error(t, err, "gopacket refused what DecodeRecord reads: %v", p.ErrorLayer().Error())
			return
		}
		require.NoError(t, err, "gopacket read what DecodeRecord refuses")
		hdr, ok := p.Layer(LayerTypeTrace).(*TraceLayer)
		require.True(t, ok)
		got := hdr.Event
		for _, l := range p.Layers()[1:] {
			switch l := l.(type) {
			case *TLPLayer:
				got.TLP = l.TLP
			case *MSIXLayer:
				got.MSIX = l.MSIX
			case *AdminLayer:
				got.Admin, got.AdminResult = l.Command, l.Result
			case *StateLayer:
				got.State = l.State
			default:
				t.Fatalf("unexpected layer %v", l.LayerType())
			}
		}
		require.Equal(t, want.TraceEvent, got)
		r := RecordOf(got)
		again, err := AppendRecord(nil, &r)
		require.NoError(t, err)
		require.Equal(t, b, again)
	})
}

// A record whose kind has a section but whose bytes end with the header is
// an error layer: gopacket calls no decoder for an empty payload, and the
// header alone once decoded as a whole TLP record.
func TestLayersRecordWithoutSection(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"tlp header only", []byte("\x02\x01\x00\x00t.vf1\x00\x00\x02\x00\x02\x01\x02\x86\x00\x00\x00\x00\x00\x00\x00"),
			"trace: tlp layer: field tlp.kind at byte offset 0: need 1 bytes, have 0 (the record ends at byte offset 24, before its tlp section)"},
	} {
		p := gopacket.NewPacket(tc.b, LayerTypeTrace, gopacket.DecodeOptions{SkipDecodeRecovery: true})
		require.NotNil(t, p.ErrorLayer(), tc.name)
		require.EqualError(t, p.ErrorLayer().Error(), tc.want, tc.name)
		_, err := DecodeRecord(tc.b)
		require.Error(t, err, tc.name)
	}
}
