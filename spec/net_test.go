package spec

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestNetCVQCommandNames(t *testing.T) {
	tests := []struct {
		c    NetCVQCommand
		want string
	}{
		{NetRxPromisc, "VIRTIO_NET_CTRL_RX_PROMISC"},
		{NetRxNoBcast, "VIRTIO_NET_CTRL_RX_NOBCAST"},
		{NetMACTableSet, "VIRTIO_NET_CTRL_MAC_TABLE_SET"},
		{NetVLANDel, "VIRTIO_NET_CTRL_VLAN_DEL"},
		{NetMQVQPairsSet, "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET"},
		{NetCVQCommand{NetCtrlMAC, 4}, "class 1 command 4"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, tc.c.String())
		assert.Equal(t, tc.want[0] == 'V', tc.c.Known(), tc.want)
	}
	assert.Equal(t, "VIRTIO_NET_CTRL_ANNOUNCE", NetCtrlAnnounce.String())
	assert.Equal(t, "NET_CTRL_CLASS_7", NetCtrlClass(7).String())
}

func TestNetCVQPartSelectorsFollowTheSpecTable(t *testing.T) {
	sel := NetCVQPartSelectors()
	assert.Len(t, sel, 13, "the spec's table of supported selectors has 13 rows")
	assert.Equal(t, NetRxPromisc, sel[0])
	assert.Equal(t, NetMQHashConfig, sel[len(sel)-1])
	assert.True(t, IsNetCVQPartSelector(NetVLANAdd))
	assert.False(t, IsNetCVQPartSelector(NetVLANDel), "VLAN_DEL has no part: VLAN_ADD carries the whole table")
}

func TestNetFeatureNames(t *testing.T) {
	assert.Equal(t, "VIRTIO_NET_F_CTRL_VQ", NetFeatureName(FeatureNetCtrlVQ))
	assert.Equal(t, "FEATURE_9", NetFeatureName(9), "a virtio-blk bit means something else here")
	assert.Equal(t, "VIRTIO_F_VERSION_1", NetFeatureName(FeatureVersion1))
	assert.Equal(t, "VIRTIO_NET_F_MAC|VIRTIO_F_VERSION_1",
		NetFeaturesString(Features(FeatureNetMAC.Mask()|FeatureVersion1.Mask())))
	assert.Equal(t, "0", NetFeaturesString(0))
	assert.Equal(t, "FEATURE_16", FeatureNetStatus.String(), "Feature.String stays device-neutral")
}

func TestRxWhileStoppedKnob(t *testing.T) {
	for _, e := range Editions {
		assert.Equal(t, RxStoppedDrop, DefaultRules(e).RxWhileStopped)
	}
	r, err := ParseRules(Virtio14, []string{"rx-while-stopped=buffer"})
	assert.NoError(t, err)
	assert.Equal(t, RxStoppedBuffer, r.RxWhileStopped)
	assert.Equal(t, []string{"rx-while-stopped=buffer"}, r.Diff(Virtio14))
}
