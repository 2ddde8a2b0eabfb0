package net

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// liveGuest is a running 1.4 member whose guest negotiated every feature
// and set up pairs 0..3 and the control queue.
func liveGuest(t *testing.T, r spec.Rules) (*rig, *guest) {
	g := newRig(t, spec.Virtio14, r, nil, "src", nil)
	return g, newGuest(g, allFeatures, 0, 1, 2, 3, 4, 5, 6, 7, ctrlMQ)
}

// ethFrame builds a frame from the guest: dst, src the link's MAC,
// EtherType 0x0800 and n payload bytes derived from seed.
func ethFrame(dst, src devctx.MAC, n int, seed byte) []byte {
	b := append(append([]byte{}, dst[:]...), src[:]...)
	b = append(b, 0x08, 0x00)
	for i := range n {
		b = append(b, seed+byte(i))
	}
	return b
}

func TestTxReachesTheWireOnceInOrder(t *testing.T) {
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	peer := g.link.Peer()
	var want [][]byte
	for i := range 5 {
		want = append(want, ethFrame(peer, g.link.MAC(), 50+i, byte(i)))
	}
	gu.send(1, want[:3]...)
	gu.send(3, want[3:]...)
	assert.Equal(t, 5, gu.tx, "every transmit buffer used")
	got := g.link.Transmitted()
	require.Len(t, got, 5, "each frame on the wire exactly once")
	for i, r := range got {
		assert.Equal(t, want[i], r.Frame.Data)
		assert.Equal(t, uint64(i+1), r.Frame.Seq)
		assert.Equal(t, "src", r.Port)
	}
	assert.Equal(t, uint16(3), got[4].Queue)
	assert.Empty(t, g.link.Drops())
}

func TestTxMalformedFramesAreDroppedAndCounted(t *testing.T) {
	tests := []struct {
		name   string
		gso    uint8
		frame  []byte
		reason DropReason
	}{
		{"runt", 0, make([]byte, 13), DropTxRunt},
		{"segmentation not offered", 1, make([]byte, 100), DropTxGSO},
		{"longer than mtu (NET-DEV-02)", 0, make([]byte, 1515), DropTxOversize},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
			gu.post(1, tc.gso, tc.frame)
			gu.kick(1)
			g.run()
			gu.harvest()
			assert.Equal(t, 1, gu.tx, "the buffer is used all the same")
			assert.Empty(t, g.link.Transmitted())
			assert.Equal(t, []Drop{{Port: "src", Dir: DirTx, Reason: tc.reason}}, g.link.Drops())
		})
	}
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	gu.send(1, make([]byte, 1514))
	assert.Len(t, g.link.Transmitted(), 1, "mtu plus the Ethernet header is forwarded (NET-DEV-02)")
}

func TestRxDeliversHeldFramesWithHeader(t *testing.T) {
	tests := []struct {
		name         string
		buffersFirst bool
	}{
		{"buffers posted, then frames arrive", true},
		{"frames held, then buffers posted", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
			if tc.buffersFirst {
				gu.postRx(0, 4, 2048)
				g.run()
				assert.Contains(t, g.notes, "q0: head 0 waits for the backend")
			}
			var want [][]byte
			for i := range 3 {
				f := g.link.Frame(g.link.MAC(), 1, -1, 60+i)
				want = append(want, f.Data)
				g.port.Arrive(f)
			}
			g.backend()
			if !tc.buffersFirst {
				assert.Equal(t, 3, g.port.Held())
				gu.postRx(0, 4, 2048)
			}
			g.run()
			gu.harvest()
			assert.Equal(t, want, gu.frames(), "in order, once each")
			for _, r := range gu.rx {
				assert.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0}, r.hdr, "no offloads, num_buffers 1 (NET-DEV-04)")
			}
			assert.Len(t, g.link.Delivered(), 3)
			assert.Zero(t, g.port.Held())
		})
	}
}

func TestRxFrameTooBigForTheBufferIsDropped(t *testing.T) {
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	gu.postRx(0, 1, 100)
	big := g.link.Frame(g.link.MAC(), 1, -1, 200)
	small := g.link.Frame(g.link.MAC(), 1, -1, 60)
	g.port.Arrive(big, small)
	g.backend()
	g.run()
	gu.harvest()
	assert.Equal(t, [][]byte{small.Data}, gu.frames())
	assert.Equal(t, []Drop{{Port: "src", Dir: DirRx, Seq: big.Seq, Reason: DropNoRoom}}, g.link.Drops())
}

func TestRxFilter(t *testing.T) {
	d := newDevice(spec14Config()).(*device)
	mine := d.port.link.MAC()
	other := devctx.MAC{0x52, 0x54, 0, 9, 9, 9}
	mcast := devctx.MAC{0x01, 0x00, 0x5e, 0, 0, 1}
	frame := func(dst devctx.MAC, vlan int) []byte { return d.port.link.Frame(dst, 1, vlan, 64).Data }
	on := func(c spec.NetCVQCommand) func(s *cvqState) { return func(s *cvqState) { s.setMode(c, true) } }
	tests := []struct {
		name   string
		f      spec.Features
		state  func(s *cvqState)
		frame  []byte
		ok     bool
		reason DropReason
	}{
		{"own mac", allFeatures, nil, frame(mine, -1), true, 0},
		{"another unicast (NET-DEV-07)", allFeatures, nil, frame(other, -1), false, DropFiltered},
		{"broadcast", allFeatures, nil, frame(broadcast, -1), true, 0},
		{"multicast not in the table", allFeatures, nil, frame(mcast, -1), false, DropFiltered},
		{"multicast without CTRL_RX", spec.Features(spec.FeatureVersion1.Mask()), nil, frame(mcast, -1), true, 0},
		{"promisc takes another unicast", allFeatures, on(spec.NetRxPromisc), frame(other, -1), true, 0},
		{"allmulti", allFeatures, on(spec.NetRxAllMulti), frame(mcast, -1), true, 0},
		{"nomulti wins over allmulti", allFeatures, func(s *cvqState) {
			s.setMode(spec.NetRxAllMulti, true)
			s.setMode(spec.NetRxNoMulti, true)
		}, frame(mcast, -1), false, DropFiltered},
		{"nobcast", allFeatures, on(spec.NetRxNoBcast), frame(broadcast, -1), false, DropFiltered},
		{"nouni drops even the own mac", allFeatures, on(spec.NetRxNoUni), frame(mine, -1), false, DropFiltered},
		{"alluni", allFeatures, on(spec.NetRxAllUni), frame(other, -1), true, 0},
		{"unicast table", allFeatures, func(s *cvqState) { s.uni = []devctx.MAC{other} }, frame(other, -1), true, 0},
		{"multicast table", allFeatures, func(s *cvqState) { s.multi = []devctx.MAC{mcast} }, frame(mcast, -1), true, 0},
		{"table longer than the filter takes all", allFeatures, func(s *cvqState) {
			s.uni = make([]devctx.MAC, MACFilterSize+1)
		}, frame(other, -1), true, 0},
		{"tagged, VLAN not in the table (NET-DEV-08)", allFeatures, nil, frame(mine, 100), false, DropFiltered},
		{"tagged, VLAN in the table", allFeatures, func(s *cvqState) { s.setVLAN(100, true) }, frame(mine, 100), true, 0},
		{"tagged without CTRL_VLAN", allFeatures &^ spec.Features(spec.FeatureNetCtrlVLAN.Mask()), nil, frame(mine, 100), true, 0},
		{"runt", allFeatures, nil, make([]byte, 13), false, DropRunt},
		{"longer than mtu (NET-DEV-02)", allFeatures, nil, d.port.link.Frame(mine, 1, -1, 1515).Data, false, DropMTU},
		{"tagged mtu-sized frame", allFeatures, func(s *cvqState) { s.setVLAN(5, true) }, d.port.link.Frame(mine, 1, 5, 1518).Data, true, 0},
		{"longer than mtu without MTU negotiated", allFeatures &^ spec.Features(spec.FeatureNetMTU.Mask()), nil, d.port.link.Frame(mine, 1, -1, 1515).Data, true, 0},
	}
	for _, tc := range tests {
		d.cvq = defaultCVQ(mine)
		if tc.state != nil {
			tc.state(&d.cvq)
		}
		ok, why := d.accept(tc.frame, tc.f)
		assert.Equal(t, tc.ok, ok, tc.name)
		if !tc.ok {
			assert.Equal(t, tc.reason, why, tc.name)
		}
	}
}

func TestNET_DEV_10_SteeringFollowsThePairsInUse(t *testing.T) {
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	gu.postRx(0, 32, 2048)
	for q := uint16(2); q < 8; q += 2 {
		gu.postRx(q, 8, 2048)
	}
	arrive := func(flows int) {
		for fl := range flows {
			g.port.Arrive(g.link.Frame(g.link.MAC(), uint32(fl), -1, 64))
		}
		g.backend()
		g.run()
		gu.harvest()
	}
	arrive(8)
	for _, r := range gu.rx {
		assert.Equal(t, uint16(0), r.q, "after reset only receiveq1")
	}
	require.Equal(t, spec.NetAckOK, gu.ctrl(spec.NetMQVQPairsSet, []byte{4, 0}))
	gu.rx = nil
	arrive(8)
	seen := map[uint16]bool{}
	for _, r := range gu.rx {
		seen[r.q] = true
	}
	assert.Greater(t, len(seen), 1, "flows spread over the pairs: %v", seen)
	flowQueue := map[uint32]uint16{}
	for _, r := range gu.rx {
		fl := binary.LittleEndian.Uint32(r.frame[22:])
		if q, ok := flowQueue[fl]; ok {
			assert.Equal(t, q, r.q, "one flow, one queue")
		}
		flowQueue[fl] = r.q
	}
	require.Equal(t, spec.NetAckOK, gu.ctrl(spec.NetMQVQPairsSet, []byte{1, 0}))
	gu.rx = nil
	arrive(8)
	require.Len(t, gu.rx, 8)
	for _, r := range gu.rx {
		assert.Equal(t, uint16(0), r.q, "none beyond virtqueue_pairs once the command is used")
	}
}

func TestDeliveredFramesCarrySeededContent(t *testing.T) {
	a, b := NewLink(3, 1500), NewLink(3, 1500)
	fa, fb := a.Frame(a.MAC(), 9, 7, 100), b.Frame(b.MAC(), 9, 7, 100)
	assert.Equal(t, fa, fb, "same seed, same frames")
	c := NewLink(4, 1500)
	assert.False(t, bytes.Equal(fa.Data, c.Frame(c.MAC(), 9, 7, 100).Data), "another seed, other bytes")
	id, tagged := vlanOf(fa.Data)
	assert.True(t, tagged)
	assert.Equal(t, uint16(7), id)
	assert.Equal(t, uint64(1), binary.LittleEndian.Uint64(fa.Data[18:]), "seq after the EtherType")
	assert.Equal(t, uint64(2), a.Frame(a.MAC(), 9, -1, 60).Seq)
}
