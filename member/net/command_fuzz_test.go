package net

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// FuzzControlCommand: any class, command and data, under any features, is
// acked VIRTIO_NET_OK or VIRTIO_NET_ERR without a panic; an ERR changes
// nothing, and what an OK leaves still encodes as parts the device takes
// back:
//
//	go test ./member/net -run '^$' -fuzz FuzzControlCommand -fuzztime 1m
func FuzzControlCommand(f *testing.F) {
	f.Add(uint8(0), uint8(0), []byte{1}, uint64(allFeatures))
	f.Add(uint8(1), uint8(0), devctx.NetMACTable{Unicast: []devctx.MAC{{2}}}.Encode(), uint64(allFeatures))
	f.Add(uint8(1), uint8(0), []byte{0xff, 0xff, 0xff, 0xff}, uint64(allFeatures))
	f.Add(uint8(2), uint8(1), []byte{5, 0}, uint64(allFeatures))
	f.Add(uint8(4), uint8(0), []byte{3, 0}, uint64(allFeatures))
	f.Add(uint8(3), uint8(0), []byte{}, uint64(0))
	f.Fuzz(func(t *testing.T, class, command uint8, data []byte, features uint64) {
		d := newDevice(spec14Config()).(*device)
		fs := spec.Features(features)
		before := d.Clone().(*device)
		ack := d.command(spec.NetCVQCommand{Class: spec.NetCtrlClass(class), Command: command}, data, fs)
		require.Contains(t, []uint8{spec.NetAckOK, spec.NetAckErr}, ack)
		if ack == spec.NetAckErr {
			assert.Equal(t, before.Parts(), d.Parts(), "ERR changes nothing")
			assert.Equal(t, before.status, d.status)
		}
		fresh := newDevice(spec14Config()).(*device)
		for _, p := range d.Parts() {
			ok, err := fresh.ApplyPart(p, fs|spec.Features(spec.FeatureNetCtrlRx.Mask()|spec.FeatureNetCtrlRxExtra.Mask()|
				spec.FeatureNetCtrlVLAN.Mask()|spec.FeatureNetMQ.Mask()|spec.FeatureNetCtrlMACAddr.Mask()|spec.FeatureNetGuestAnnounce.Mask()))
			require.NoError(t, err, "%s", p.Describe())
			require.True(t, ok)
		}
		assert.Equal(t, d.Parts(), fresh.Parts(), "parts round-trip through a fresh device")
	})
}

// FuzzFrameIntake: any bytes arriving from the wire go through the receive
// filter and steering without a panic, and are held or counted, never
// lost:
//
//	go test ./member/net -run '^$' -fuzz FuzzFrameIntake -fuzztime 1m
func FuzzFrameIntake(f *testing.F) {
	l := NewLink(1, DefaultMTU)
	f.Add(l.Frame(l.MAC(), 1, -1, 64).Data, uint64(allFeatures), false)
	f.Add(l.Frame(broadcast, 1, 7, 64).Data, uint64(allFeatures), true)
	f.Add([]byte{0xff, 0xff}, uint64(0), false)
	f.Fuzz(func(t *testing.T, b []byte, features uint64, quiesced bool) {
		d := newDevice(spec14Config()).(*device)
		d.cvq.pairs = 3
		d.port.Arrive(Frame{Seq: 1, Data: b})
		d.HostIntake(quiesced, spec.Features(features))
		assert.Equal(t, 1, d.port.Held()+len(d.port.link.Drops()), "held or counted")
		for _, q := range d.HostChange().Queues {
			assert.Less(t, q, uint16(6), "only the receive queues of the pairs in use")
			assert.Zero(t, q%2)
		}
	})
}
