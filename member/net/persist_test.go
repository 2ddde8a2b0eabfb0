package net

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// moveTo makes the guest drive g (the destination), over g's memory.
func (gu *guest) moveTo(g *rig) {
	gu.g = g
	for _, r := range gu.rings {
		r.SetMemory(g.mem)
	}
}

// migrate moves src's device state to a new member on port "dst" of the
// same link over a copy of the guest memory, the edition's way: virtio-1.4
// stop, DEV_PARTS_GET, DEV_PARTS_SET on the stopped destination, resume;
// draft-2023 Stop, Freeze, DEV_CTX_READ, DEV_CTX_WRITE in Freeze, Active.
// The guest moves along.
func migrate(t *testing.T, src *rig, gu *guest) *rig {
	t.Helper()
	r := spec.DefaultRules(src.ed)
	if src.ed == spec.Virtio14 {
		src.modeSet(spec.ModeStop)
		parts := src.partsGet()
		dst := newRig(t, src.ed, r, src.link, "dst", src.mem.Clone())
		dst.modeSet(spec.ModeStop)
		require.Equal(t, spec.StatusOK, dst.partsSet(parts...).Status)
		dst.modeSet(spec.ModeActive)
		dst.run()
		gu.moveTo(dst)
		return dst
	}
	src.modeSet(spec.ModeStop)
	src.modeSet(spec.ModeFreeze)
	ctx := src.ctxRead()
	dst := newRig(t, src.ed, r, src.link, "dst", src.mem.Clone())
	dst.modeSet(spec.ModeFreeze)
	require.Equal(t, spec.StatusOK, dst.admin(uint16(spec.DraftOpDevCtxWrite), ctx).Status)
	dst.modeSet(spec.ModeActive)
	dst.run()
	gu.moveTo(dst)
	return dst
}

// netState is the device's saved net state as the owner reads it: the
// 0x200 parts (virtio-1.4) or the DEV_CFG and NET_CVQ fields (draft); the
// device is left quiesced.
func netState(t *testing.T, g *rig) map[string]string {
	out := map[string]string{}
	if g.ed == spec.Virtio14 {
		g.modeSet(spec.ModeStop)
		for _, p := range g.partsGet() {
			if p.Type == spec.PartNetCVQCfg {
				out[p.NetCVQ().Cmd().String()] = p.Describe()
			}
		}
		return out
	}
	g.modeSet(spec.ModeStop)
	c, err := devctx.DecodeDraftContext(g.ctxRead())
	require.NoError(t, err)
	for _, f := range c.Fields {
		if f.Type == spec.FieldDevCfg || f.Type == spec.FieldNetCVQ || f.Type == spec.FieldNetInflight {
			out[f.Type.String()] = string(f.Value)
		}
	}
	return out
}

// configure sends commands that move every piece of control-queue state
// away from its default.
func configure(t *testing.T, gu *guest) {
	table := devctx.NetMACTable{Unicast: []devctx.MAC{{2, 0, 0, 0, 0, 7}}, Multicast: []devctx.MAC{{1, 0, 0x5e, 0, 0, 9}}}
	for _, c := range []struct {
		c    spec.NetCVQCommand
		data []byte
	}{
		{spec.NetRxAllMulti, []byte{1}}, {spec.NetRxNoBcast, []byte{1}},
		{spec.NetMACTableSet, table.Encode()}, {spec.NetMACAddrSet, []byte{2, 0, 0, 0, 0, 0x33}},
		{spec.NetVLANAdd, []byte{5, 0}}, {spec.NetVLANAdd, []byte{100, 0}}, {spec.NetMQVQPairsSet, []byte{3, 0}},
	} {
		require.Equal(t, spec.NetAckOK, gu.ctrl(c.c, c.data), "%s", c.c)
	}
}

func TestCVQStateSurvivesMigration(t *testing.T) {
	for _, e := range spec.Editions {
		t.Run(e.String(), func(t *testing.T) {
			src := newRig(t, e, spec.DefaultRules(e), nil, "src", nil)
			gu := newGuest(src, allFeatures, 0, 1, 2, 3, 4, 5, 6, 7, ctrlMQ)
			configure(t, gu)
			dst := migrate(t, src, gu)
			assert.Equal(t, []byte{2, 0, 0, 0, 0, 0x33}, dst.config()[:6], "the mac MAC_ADDR_SET chose")
			for q := uint16(0); q < 6; q += 2 {
				gu.postRx(q, 4, 2048)
			}
			dst.run()
			ok := dst.link.Frame(devctx.MAC{2, 0, 0, 0, 0, 7}, 1, 5, 64)
			bcast := dst.link.Frame(broadcast, 1, -1, 64)
			otherVLAN := dst.link.Frame(devctx.MAC{2, 0, 0, 0, 0, 7}, 1, 6, 64)
			dst.port.Arrive(ok, bcast, otherVLAN)
			dst.backend()
			dst.run()
			gu.harvest()
			assert.Equal(t, [][]byte{ok.Data}, gu.frames(), "the MAC table, NOBCAST and the VLAN table hold on the destination")
			src2 := newRig(t, e, spec.DefaultRules(e), nil, "src", nil)
			gu2 := newGuest(src2, allFeatures, 0, 1, 2, 3, 4, 5, 6, 7, ctrlMQ)
			configure(t, gu2)
			assert.Equal(t, netState(t, src2), netState(t, dst), "the same net state, read back")
		})
	}
}

func TestPartsLayoutAndOrder(t *testing.T) {
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	configure(t, gu)
	ps := g.partsGet()
	var net []string
	seenNet := false
	for _, p := range ps {
		if p.Type == spec.PartNetCVQCfg {
			seenNet = true
			net = append(net, p.NetCVQ().Cmd().String())
			assert.True(t, p.NetCVQ().ReservedZero(), "NET-PART-01")
			continue
		}
		assert.False(t, seenNet, "common parts first, then the device-type parts: %s", p.Type)
	}
	assert.Equal(t, []string{"VIRTIO_NET_CTRL_RX_PROMISC", "VIRTIO_NET_CTRL_RX_ALLMULTI", "VIRTIO_NET_CTRL_RX_ALLUNI",
		"VIRTIO_NET_CTRL_RX_NOMULTI", "VIRTIO_NET_CTRL_RX_NOUNI", "VIRTIO_NET_CTRL_RX_NOBCAST",
		"VIRTIO_NET_CTRL_MAC_TABLE_SET", "VIRTIO_NET_CTRL_MAC_ADDR_SET", "VIRTIO_NET_CTRL_VLAN_ADD",
		"VIRTIO_NET_CTRL_ANNOUNCE_ACK", "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET"}, net, "one per command, the spec table's order (NET-PART-03)")
	want := map[string]string{
		"VIRTIO_NET_CTRL_RX_ALLMULTI":     "value=1 (on)",
		"VIRTIO_NET_CTRL_MAC_TABLE_SET":   "unicast_entries=1 unicast=02:00:00:00:00:07 multicast_entries=1 multicast=01:00:5e:00:00:09",
		"VIRTIO_NET_CTRL_VLAN_ADD":        "entries=2 vlans=5,100",
		"VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET": "virtqueue_pairs=3",
		"VIRTIO_NET_CTRL_ANNOUNCE_ACK":    "flags=OPTIONAL length=0: data=none",
	}
	for _, p := range ps {
		if w, ok := want[p.NetCVQ().Cmd().String()]; ok && p.Type == spec.PartNetCVQCfg {
			assert.Contains(t, p.Describe(), w)
		}
	}
}

func TestRejectedPartsSetChangesNothing(t *testing.T) {
	noCtrlRx := devctx.NewPart(spec.PartDrvFeatures,
		devctx.FeatureWords{uint64(allFeatures &^ spec.Features(spec.FeatureNetCtrlRx.Mask()))}.Encode())
	rss := devctx.Part{Type: spec.PartNetCVQCfg, Selector: devctx.NetCVQSelector{Class: spec.NetCtrlMQ, Command: 1}.Raw(),
		Value: make([]byte, 19)}
	optRSS := rss
	optRSS.Flags = spec.PartFlagOptional
	tests := []struct {
		name  string
		parts []devctx.Part
		ok    bool
	}{
		{"pairs above max_virtqueue_pairs", []devctx.Part{devctx.NewNetCVQPart(spec.NetMQVQPairsSet, devctx.NetMQPairs{Pairs: 5})}, false},
		{"reserved selector bytes (NET-PART-01)", []devctx.Part{{Type: spec.PartNetCVQCfg, Selector: [8]byte{0, 0, 0, 0, 0, 0, 0, 1}, Value: []byte{1}}}, false},
		{"length other than the command's (DP-DEV-05)", []devctx.Part{{Type: spec.PartNetCVQCfg, Selector: [8]byte{4, 0}, Value: []byte{1, 0, 0}}}, false},
		{"RSS_CONFIG, not offered", []devctx.Part{rss}, false},
		{"RSS_CONFIG, not offered, OPTIONAL (DP-DEV-07)", []devctx.Part{optRSS}, true},
		{"promisc on without CTRL_RX negotiated", []devctx.Part{noCtrlRx, devctx.NewNetCVQPart(spec.NetRxPromisc, devctx.NetRxMode{On: true})}, false},
		{"promisc off without CTRL_RX negotiated", []devctx.Part{noCtrlRx, devctx.NewNetCVQPart(spec.NetRxPromisc, devctx.NetRxMode{})}, true},
		{"a good part after a bad one", []devctx.Part{
			devctx.NewNetCVQPart(spec.NetRxPromisc, devctx.NetRxMode{On: true}),
			devctx.NewNetCVQPart(spec.NetMQVQPairsSet, devctx.NetMQPairs{Pairs: 9})}, false},
		{"announce ack is checked, not applied", []devctx.Part{devctx.NewNetCVQPart(spec.NetAnnounceAck, devctx.NetAnnounceAck{})}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, _ := liveGuest(t, spec.DefaultRules(spec.Virtio14))
			g.modeSet(spec.ModeStop)
			before := g.dev.ContextDigest()
			c := g.partsSet(tc.parts...)
			if !tc.ok {
				assert.Equal(t, spec.StatusEINVAL, c.Status)
				assert.Equal(t, spec.QInvalidField, c.Qualifier)
			} else {
				assert.Equal(t, spec.StatusOK, c.Status)
			}
			assert.Equal(t, before, g.dev.ContextDigest(), "nothing changes before the resume")
			g.modeSet(spec.ModeActive)
			g.run()
			if !tc.ok {
				assert.Equal(t, before, g.dev.ContextDigest(), "a rejected SET changes nothing at the resume either")
			}
		})
	}
}

func TestFLRResetsEverything(t *testing.T) {
	for _, e := range spec.Editions {
		t.Run(e.String(), func(t *testing.T) {
			g := newRig(t, e, spec.DefaultRules(e), nil, "src", nil)
			gu := newGuest(g, allFeatures, 0, 1, 2, 3, 4, 5, 6, 7, ctrlMQ)
			configure(t, gu)
			gu.postCtrl(spec.NetRxPromisc, []byte{1})
			gu.kick(gu.ctrlQ)
			g.runOnly(member.StepFetch)
			g.runOnly(member.StepExecute)
			g.port.RequestAnnounce()
			g.port.Arrive(g.link.Frame(g.link.MAC(), 1, -1, 64), g.link.Frame(g.link.MAC(), 2, -1, 64))
			g.backend()
			require.Equal(t, 2, g.port.Held())
			g.steps = nil
			g.flr()
			fresh := newRig(t, e, spec.DefaultRules(e), nil, "fresh", nil)
			newGuest(fresh, allFeatures, 0, 1, 2, 3, 4, 5, 6, 7, ctrlMQ)
			assert.Equal(t, g.link.MAC(), fresh.link.MAC())
			gu.moveTo(g)
			newGuest(g, allFeatures, 0, 1, 2, 3, 4, 5, 6, 7, ctrlMQ)
			assert.Equal(t, netState(t, fresh), netState(t, g), "every net part back to its default (DP-DEV-14)")
			assert.Zero(t, g.port.Held())
			resets := 0
			for _, d := range g.link.Drops() {
				if d.Reason == DropReset {
					resets++
				}
			}
			assert.Equal(t, 2, resets, "held frames counted as dropped by the reset")
		})
	}
}
