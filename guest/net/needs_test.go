package net

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/spec"
)

// TestCommandNeeds: a control command needs the control queue and its
// class's feature; a pair other than the first needs MQ.
func TestCommandNeeds(t *testing.T) {
	f := func(fs ...spec.Feature) spec.Features {
		var out spec.Features
		for _, x := range fs {
			out |= spec.Features(x.Mask())
		}
		return out
	}
	for _, tc := range []struct {
		name string
		got  spec.Features
		want spec.Features
	}{
		{"MAC table", CommandNeeds(spec.NetMACTableSet), f(spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlRx)},
		{"promiscuous", CommandNeeds(spec.NetRxPromisc), f(spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlRx)},
		{"no unicast", CommandNeeds(spec.NetRxNoUni), f(spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlRxExtra)},
		{"MAC address", CommandNeeds(spec.NetMACAddrSet), f(spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlMACAddr)},
		{"VLAN", CommandNeeds(spec.NetVLANDel), f(spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlVLAN)},
		{"announce ack", CommandNeeds(spec.NetAnnounceAck), f(spec.FeatureNetCtrlVQ, spec.FeatureNetGuestAnnounce)},
		{"queue pairs", CommandNeeds(spec.NetMQVQPairsSet), f(spec.FeatureNetCtrlVQ, spec.FeatureNetMQ)},
		{"first pair", pairNeeds(0), 0},
		{"second pair", pairNeeds(1), f(spec.FeatureNetCtrlVQ, spec.FeatureNetMQ)},
	} {
		assert.Equal(t, tc.want, tc.got, tc.name)
	}
}

// TestDriver_Trouble: a command the driver cannot send records what it
// needs beside its FAIL line, so that a device that does not offer the
// feature is excused (guest.Trouble.NotNegotiated).
func TestDriver_Trouble(t *testing.T) {
	for _, tc := range []struct {
		name     string
		features spec.Features
		do       func(d *Driver)
		want     guest.Trouble
		excused  bool
	}{
		{"MAC table without a control queue", 0, func(d *Driver) { d.command(spec.NetMACTableSet, MACTable(1, 1), true) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: no control queue", Command: "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET",
			Needs: CommandNeeds(spec.NetMACTableSet)}, true},
		{"pairs without MQ", spec.Features(spec.FeatureNetCtrlVQ.Mask()), func(d *Driver) { d.SetPairs(2, true) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL mq: VIRTIO_NET_F_MQ not negotiated", Command: "mq", Needs: mqNeeds,
			Negotiated: spec.Features(spec.FeatureNetCtrlVQ.Mask())}, true},
		{"first pair not in use", Wanted, func(d *Driver) { d.Kick(0) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL kick: pair 0 not in use (0 pairs)", Command: "kick", Negotiated: Wanted, Unprepared: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New(nil, DefaultPlan(3))
			d.features = tc.features
			tc.do(d)
			if assert.Len(t, d.Trouble(), 1) {
				assert.Equal(t, tc.want, d.Trouble()[0])
				assert.Equal(t, tc.excused, d.Trouble()[0].NotNegotiated())
				assert.Equal(t, []string{tc.want.Line}, d.Log())
			}
		})
	}
}
