package net

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// cvqPart returns the value of the device's part for c, hex, or "absent".
func cvqPart(ps []devctx.Part, c spec.NetCVQCommand) string {
	for _, p := range ps {
		if p.Type == spec.PartNetCVQCfg && p.NetCVQ().Cmd() == c {
			return string(p.Value)
		}
	}
	return "absent"
}

func TestControlCommands(t *testing.T) {
	other := devctx.MAC{2, 0, 0, 0, 0, 7}
	table := devctx.NetMACTable{Unicast: []devctx.MAC{other}, Multicast: []devctx.MAC{{1, 0, 0x5e, 0, 0, 1}}}.Encode()
	noMQ := allFeatures &^ spec.Features(spec.FeatureNetMQ.Mask())
	tests := []struct {
		name string
		f    spec.Features
		c    spec.NetCVQCommand
		data []byte
		ack  uint8
		// part is the command's part value afterwards (for c itself).
		part []byte
	}{
		{"promisc on", allFeatures, spec.NetRxPromisc, []byte{1}, spec.NetAckOK, []byte{1}},
		{"allmulti on", allFeatures, spec.NetRxAllMulti, []byte{1}, spec.NetAckOK, []byte{1}},
		{"alluni on", allFeatures, spec.NetRxAllUni, []byte{1}, spec.NetAckOK, []byte{1}},
		{"nobcast on", allFeatures, spec.NetRxNoBcast, []byte{1}, spec.NetAckOK, []byte{1}},
		{"promisc 2", allFeatures, spec.NetRxPromisc, []byte{2}, spec.NetAckErr, []byte{0}},
		{"promisc no data", allFeatures, spec.NetRxPromisc, nil, spec.NetAckErr, []byte{0}},
		{"promisc without CTRL_RX", allFeatures &^ spec.Features(spec.FeatureNetCtrlRx.Mask()), spec.NetRxPromisc, []byte{1}, spec.NetAckErr, []byte{0}},
		{"nouni without CTRL_RX_EXTRA", allFeatures &^ spec.Features(spec.FeatureNetCtrlRxExtra.Mask()), spec.NetRxNoUni, []byte{1}, spec.NetAckErr, []byte{0}},
		{"MAC table (NET-DEV-06)", allFeatures, spec.NetMACTableSet, table, spec.NetAckOK, table},
		{"MAC table with a trailing byte", allFeatures, spec.NetMACTableSet, append(table, 0), spec.NetAckErr, make([]byte, 8)},
		{"MAC address", allFeatures, spec.NetMACAddrSet, other[:], spec.NetAckOK, other[:]},
		{"MAC address short", allFeatures, spec.NetMACAddrSet, other[:5], spec.NetAckErr, nil},
		{"VLAN add", allFeatures, spec.NetVLANAdd, []byte{100, 0}, spec.NetAckOK, []byte{100, 0}},
		{"VLAN 4096", allFeatures, spec.NetVLANAdd, []byte{0, 0x10}, spec.NetAckErr, []byte{}},
		{"VLAN del of an absent one", allFeatures, spec.NetVLANDel, []byte{100, 0}, spec.NetAckOK, nil},
		{"pairs 4", allFeatures, spec.NetMQVQPairsSet, []byte{4, 0}, spec.NetAckOK, []byte{4, 0}},
		{"pairs 5 > max", allFeatures, spec.NetMQVQPairsSet, []byte{5, 0}, spec.NetAckErr, []byte{1, 0}},
		{"pairs 0", allFeatures, spec.NetMQVQPairsSet, []byte{0, 0}, spec.NetAckErr, []byte{1, 0}},
		{"pairs without MQ", noMQ, spec.NetMQVQPairsSet, []byte{1, 0}, spec.NetAckErr, []byte{1, 0}},
		{"announce ack", allFeatures, spec.NetAnnounceAck, nil, spec.NetAckOK, nil},
		{"announce ack with data", allFeatures, spec.NetAnnounceAck, []byte{0}, spec.NetAckErr, nil},
		{"RSS not offered", allFeatures, spec.NetMQRSSConfig, make([]byte, 19), spec.NetAckErr, nil},
		{"statistics not offered", allFeatures, spec.NetCVQCommand{Class: spec.NetCtrlStats}, nil, spec.NetAckErr, nil},
		{"unknown class", allFeatures, spec.NetCVQCommand{Class: 99, Command: 3}, []byte{1}, spec.NetAckErr, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14), nil, "src", nil)
			qs := []uint16{0, 1, 2}
			if tc.f.Has(spec.FeatureNetMQ) {
				qs = []uint16{0, 1, ctrlMQ}
			}
			gu := newGuest(g, tc.f, qs...)
			before := g.dev.ContextDigest()
			assert.Equal(t, tc.ack, gu.ctrl(tc.c, tc.data))
			if tc.ack == spec.NetAckErr {
				assert.Equal(t, before, g.dev.ContextDigest(), "a refused command changes nothing")
			}
			if tc.part != nil {
				assert.Equal(t, string(tc.part), cvqPart(g.partsGet(), tc.c))
			}
		})
	}
}

func TestNET_DEV_06_MACAddrSetShowsInTheConfiguration(t *testing.T) {
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	m := devctx.MAC{2, 0, 0, 0, 0, 0x42}
	require.Equal(t, spec.NetAckOK, gu.ctrl(spec.NetMACAddrSet, m[:]))
	assert.Equal(t, m[:], g.config()[:6])
	gu.postRx(0, 2, 2048)
	mine, old := g.link.Frame(m, 1, -1, 64), g.link.Frame(g.link.MAC(), 1, -1, 64)
	g.port.Arrive(mine, old)
	g.backend()
	g.run()
	gu.harvest()
	assert.Equal(t, [][]byte{mine.Data}, gu.frames(), "the filter takes the new default mac, not the old one")
}

func TestNET_DEV_08_VLANTableAddDel(t *testing.T) {
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	for _, id := range []uint16{300, 5, 4095} {
		require.Equal(t, spec.NetAckOK, gu.ctrl(spec.NetVLANAdd, binary.LittleEndian.AppendUint16(nil, id)))
	}
	require.Equal(t, spec.NetAckOK, gu.ctrl(spec.NetVLANDel, binary.LittleEndian.AppendUint16(nil, 300)))
	assert.Equal(t, string(devctx.NetVLANTable{IDs: []uint16{5, 4095}}.Encode()), cvqPart(g.partsGet(), spec.NetVLANAdd),
		"the part holds the whole table, ascending")
}

func TestNET_DEV_09_AnnounceRequestAndAck(t *testing.T) {
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	gen := g.commonRead(spec.CfgConfigGeneration)
	g.port.RequestAnnounce()
	fx := g.backend()
	assert.Contains(t, fx.Notes, "announce requested")
	assert.Equal(t, spec.NetStatusLinkUp|spec.NetStatusAnnounce, binary.LittleEndian.Uint16(g.config()[6:]))
	assert.Equal(t, gen+1, g.commonRead(spec.CfgConfigGeneration))
	require.Len(t, fx.Interrupts, 1, "configuration change")
	assert.Equal(t, "absent", cvqPart(g.partsGet(), spec.NetAnnounceAck), "no ack part while an announce is shown")
	require.Equal(t, spec.NetAckOK, gu.ctrl(spec.NetAnnounceAck, nil))
	assert.Equal(t, spec.NetStatusLinkUp, binary.LittleEndian.Uint16(g.config()[6:]), "cleared before the buffer is used")
	assert.Equal(t, "", cvqPart(g.partsGet(), spec.NetAnnounceAck))

	h := newRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14), nil, "src", nil)
	newGuest(h, allFeatures&^spec.Features(spec.FeatureNetGuestAnnounce.Mask()), 0, 1, ctrlMQ)
	h.port.RequestAnnounce()
	assert.Contains(t, h.backend().Notes, "announce request ignored: VIRTIO_NET_F_GUEST_ANNOUNCE not negotiated")
	assert.Equal(t, spec.NetStatusLinkUp, binary.LittleEndian.Uint16(h.config()[6:]))
}

func TestNET_DEV_03_LinkStateChange(t *testing.T) {
	g, _ := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	g.port.SetLinkUp(false)
	fx := g.backend()
	assert.Contains(t, fx.Notes, "status LINK_UP -> 0")
	require.Len(t, fx.Interrupts, 1)
	assert.Zero(t, binary.LittleEndian.Uint16(g.config()[6:]))
	fx = g.backend()
	assert.Empty(t, fx.Interrupts, "no change, no interrupt")
	assert.Contains(t, fx.Notes, "backend event: status unchanged (0)")
}
