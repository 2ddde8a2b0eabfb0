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
// feature is excused (guest.Trouble.Excused); before any probe nothing is
// negotiated, so such a command is the program's doing
// (guest.Trouble.Unprepared), not excused.
func TestDriver_Trouble(t *testing.T) {
	ctrlVQ := spec.Features(spec.FeatureNetCtrlVQ.Mask())
	for _, tc := range []struct {
		name     string
		features spec.Features
		probed   bool // a probe set pair 0 up (no control queue)
		do       func(d *Driver)
		want     guest.Trouble
		excused  bool
	}{
		{"MAC table, a probe left CTRL_VQ out", spec.Features(spec.FeatureVersion1.Mask()), true,
			func(d *Driver) { d.command(spec.NetMACTableSet, MACTable(1, 1), true) }, guest.Trouble{Kind: guest.GaveUp,
				Line: "FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: no control queue", Command: "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET",
				Needs: CommandNeeds(spec.NetMACTableSet), Negotiated: spec.Features(spec.FeatureVersion1.Mask())}, true},
		{"MAC table before any probe", 0, false, func(d *Driver) { d.command(spec.NetMACTableSet, MACTable(1, 1), true) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: no control queue", Command: "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET",
			Needs: CommandNeeds(spec.NetMACTableSet), Unprepared: true}, false},
		{"MAC table, a probe negotiated CTRL_VQ and stopped before the control queue", Wanted, true,
			func(d *Driver) { d.command(spec.NetMACTableSet, MACTable(1, 1), true) }, guest.Trouble{Kind: guest.GaveUp,
				Line: "FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: no control queue", Command: "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET",
				Needs: CommandNeeds(spec.NetMACTableSet), Negotiated: Wanted, Unprepared: true}, false},
		{"pairs without MQ", ctrlVQ, true, func(d *Driver) { d.SetPairs(2, true) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL mq: VIRTIO_NET_F_MQ not negotiated", Command: "mq", Needs: mqNeeds, Negotiated: ctrlVQ}, true},
		{"pairs before any probe", 0, false, func(d *Driver) { d.SetPairs(2, true) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL mq: VIRTIO_NET_F_MQ not negotiated", Command: "mq", Needs: mqNeeds, Unprepared: true}, false},
		{"second pair before any probe", 0, false, func(d *Driver) { d.Kick(1) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL kick: pair 1 not in use (0 pairs)", Command: "kick", Needs: mqNeeds, Unprepared: true}, false},
		{"second pair without MQ", ctrlVQ, true, func(d *Driver) { d.Kick(1) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL kick: pair 1 not in use (1 pairs)", Command: "kick", Needs: mqNeeds, Negotiated: ctrlVQ}, true},
		{"second pair, MQ negotiated, no mq command", Wanted, true, func(d *Driver) { d.Kick(1) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL kick: pair 1 not in use (1 pairs)", Command: "kick", Needs: mqNeeds, Negotiated: Wanted, Unprepared: true}, false},
		{"transmit on the second pair, MQ negotiated, no mq command", Wanted, true, func(d *Driver) { d.Post(1, 1, 7, 64) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL tx: pair 1 not in use (1 pairs)", Command: "tx", Needs: mqNeeds, Negotiated: Wanted, Unprepared: true}, false},
		{"first pair not in use", Wanted, false, func(d *Driver) { d.Kick(0) }, guest.Trouble{Kind: guest.GaveUp,
			Line: "FAIL kick: pair 0 not in use (0 pairs)", Command: "kick", Negotiated: Wanted, Unprepared: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := New(nil, DefaultPlan(3))
			d.features = tc.features
			if tc.probed {
				d.pairs = 1
				d.queues = map[uint16]*queue{0: {index: 0, kind: 'r'}, 1: {index: 1, kind: 't'}}
				d.order = []uint16{0, 1}
			}
			tc.do(d)
			if assert.Len(t, d.Trouble(), 1) {
				assert.Equal(t, tc.want, d.Trouble()[0])
				assert.Equal(t, tc.excused, d.Trouble()[0].Excused())
				assert.Equal(t, []string{tc.want.Line}, d.Log())
			}
		})
	}
}
