package net

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

func TestTypeIdentity(t *testing.T) {
	assert.Equal(t, spec.PCIDeviceVirtioNet, Type.PCIDeviceID())
	assert.Equal(t, "virtio-net", Type.Name)
	assert.Equal(t, uint32(12), Type.ConfigLen)
}

func TestProbeReadsTheConfiguration(t *testing.T) {
	for _, e := range spec.Editions {
		g := newRig(t, e, spec.DefaultRules(e), nil, "src", nil)
		assert.Equal(t, uint32(9), g.commonRead(spec.CfgNumQueues), "4 pairs and the control queue")
		c := g.config()
		require.Len(t, c, configLen)
		mac := g.link.MAC()
		assert.Equal(t, mac[:], c[0:6], "the provisioned mac")
		assert.Equal(t, spec.NetStatusLinkUp, binary.LittleEndian.Uint16(c[6:]), "status: link up")
		assert.Equal(t, uint16(4), binary.LittleEndian.Uint16(c[8:]), "max_virtqueue_pairs (NET-DEV-01)")
		assert.Equal(t, uint16(1500), binary.LittleEndian.Uint16(c[10:]), "mtu (NET-DEV-01)")
		g.common(spec.CfgDeviceFeatureSelect, 0)
		lo := g.commonRead(spec.CfgDeviceFeature)
		g.common(spec.CfgDeviceFeatureSelect, 1)
		hi := g.commonRead(spec.CfgDeviceFeature)
		assert.Equal(t, DefaultFeatures, spec.Features(uint64(hi)<<32|uint64(lo)))
	}
}

func TestNET_DRV_01_FeaturesNeedingTheControlQueue(t *testing.T) {
	v1 := spec.Features(spec.FeatureVersion1.Mask())
	tests := []struct {
		name string
		f    spec.Features
		ok   bool
	}{
		{"minimal", v1 | spec.Features(spec.FeatureNetMAC.Mask()), true},
		{"everything", DefaultFeatures, true},
		{"CTRL_VQ alone", v1 | spec.Features(spec.FeatureNetCtrlVQ.Mask()), true},
		{"CTRL_RX_EXTRA alone (only a SHOULD NOT)", v1 | spec.Features(spec.FeatureNetCtrlRxExtra.Mask()), true},
	}
	for _, f := range spec.NetFeatureNeedsCtrlVQ {
		tests = append(tests, struct {
			name string
			f    spec.Features
			ok   bool
		}{spec.NetFeatureName(f) + " without CTRL_VQ", v1 | spec.Features(f.Mask()), false})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g := newRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14), nil, "src", nil)
			gu := &guest{g: g}
			assert.Equal(t, tc.ok, gu.negotiate(tc.f))
		})
	}
}

func TestConfigIsReadOnly(t *testing.T) {
	g := newRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14), nil, "src", nil)
	newGuest(g, allFeatures)
	before := g.config()
	fx := g.write(0x2000, []byte{1, 2, 3, 4, 5, 6})
	assert.Contains(t, fx.Notes, "device config write of 6 bytes at 0x0 ignored (virtio_net_config is read-only)")
	assert.Equal(t, before, g.config())
}

func TestQueueLayout(t *testing.T) {
	tests := []struct {
		nq       uint16
		f        spec.Features
		features spec.Features
		maxPairs uint16
		roles    []queueKind
	}{
		{9, DefaultFeatures, DefaultFeatures, 4, []queueKind{kindRx, kindTx, kindRx, kindTx, kindRx, kindTx, kindRx, kindTx, kindCtrl}},
		{9, DefaultFeatures &^ spec.Features(spec.FeatureNetMQ.Mask()), DefaultFeatures, 4,
			[]queueKind{kindRx, kindTx, kindCtrl, kindNone, kindNone, kindNone, kindNone, kindNone, kindNone}},
		{3, DefaultFeatures, DefaultFeatures, 1, []queueKind{kindRx, kindTx, kindCtrl}},
		{4, spec.Features(spec.FeatureVersion1.Mask() | spec.FeatureNetMQ.Mask()), spec.Features(spec.FeatureVersion1.Mask() |
			spec.FeatureNetMTU.Mask() | spec.FeatureNetMAC.Mask() | spec.FeatureNetStatus.Mask() | spec.FeatureNetCtrlRxExtra.Mask()), 2,
			[]queueKind{kindRx, kindTx, kindRx, kindTx}},
	}
	for _, tc := range tests {
		d := newDevice(member.Config{NumQueues: tc.nq, Features: tc.features}).(*device)
		assert.Equal(t, tc.maxPairs, d.maxPairs, "nq %d", tc.nq)
		assert.Equal(t, tc.nq%2 == 1, d.hasCtrl, "nq %d", tc.nq)
		for q, want := range tc.roles {
			got, _ := d.role(uint16(q), tc.f)
			assert.Equal(t, want, got, "nq %d q%d", tc.nq, q)
		}
	}
}

func TestNewWithoutControlQueueOffersNoControlFeatures(t *testing.T) {
	g := &rig{t: t}
	dev := New(member.Config{NumQueues: 2, RID: testRID, BAR0: testBAR0})
	g.dev = dev
	g.common(spec.CfgDeviceFeatureSelect, 0)
	lo := spec.Features(g.commonRead(spec.CfgDeviceFeature))
	assert.False(t, lo.Has(spec.FeatureNetCtrlVQ))
	for _, f := range spec.NetFeatureNeedsCtrlVQ {
		assert.False(t, lo.Has(f), "%s", spec.NetFeatureName(f))
	}
	assert.True(t, lo.Has(spec.FeatureNetMAC))
}
