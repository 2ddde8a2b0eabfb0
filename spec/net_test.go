package spec

import (
	"strings"
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
	assert.Equal(t, "VIRTIO_NET_F_GUEST_ECN", NetFeatureName(9), "bit 9 of a network device, not VIRTIO_BLK_F_FLUSH")
	assert.Equal(t, "FEATURE_4", NetFeatureName(4), "a device-specific bit the network device leaves undefined")
	assert.Equal(t, "VIRTIO_F_VERSION_1", NetFeatureName(FeatureVersion1))
	assert.Equal(t, "VIRTIO_NET_F_MAC|VIRTIO_F_VERSION_1",
		NetFeaturesString(Features(FeatureNetMAC.Mask()|FeatureVersion1.Mask())))
	assert.Equal(t, "0", NetFeaturesString(0))
	assert.Equal(t, "FEATURE_16", FeatureNetStatus.String(), "Feature.String stays device-neutral")
}

// TestNetFeaturesString_Kept: the set NetFeaturesString keeps renders as
// the names of its bits joined by '|', asked for once or again in a row,
// or after another set, whatever bits it holds (none, one, the
// transport's, the highest).
func TestNetFeaturesString_Kept(t *testing.T) {
	sets := []Features{0, Features(FeatureNetMAC.Mask()), Features(FeatureNetMrgRxBuf.Mask() | FeatureNetStatus.Mask() | FeatureNetCtrlRx.Mask()), Features(FeatureVersion1.Mask() | FeatureNetMQ.Mask()),
		1, 1 << 63, ^Features(0), Features(FeatureNetCtrlVQ.Mask() | 1<<40)}
	for round := range 2 {
		for _, fs := range append(sets, sets...) {
			var names []string
			for b := range 64 {
				if uint64(fs)&(1<<b) != 0 {
					names = append(names, NetFeatureName(Feature(b)))
				}
			}
			want := strings.Join(names, "|")
			if want == "" {
				want = "0"
			}
			for range 2 {
				assert.Equal(t, want, NetFeaturesString(fs), "round %d: %#x", round, uint64(fs))
			}
		}
	}
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

// TestDeviceFeatureName checks the one naming of feature bits that compat,
// the traces and `migsim decode` share: device-specific bits by the device
// type (none for an unknown type), reserved bits by their VIRTIO_F_ name,
// any bit number.
func TestDeviceFeatureName(t *testing.T) {
	tests := []struct {
		dev  uint16
		bit  int
		want string
	}{
		{VirtioDeviceIDBlk, 9, "VIRTIO_BLK_F_FLUSH"},
		{VirtioDeviceIDNet, 9, "VIRTIO_NET_F_GUEST_ECN"},
		{0, 9, "FEATURE_9"},
		{0, 32, "VIRTIO_F_VERSION_1"},
		{VirtioDeviceIDBlk, 28, "VIRTIO_F_INDIRECT_DESC"},
		{VirtioDeviceIDNet, 60, "VIRTIO_NET_F_RSS"},
		{VirtioDeviceIDBlk, 60, "FEATURE_60"},
		{0, 30, "FEATURE_30"},
		{VirtioDeviceIDNet, 64, "FEATURE_64"},
		{VirtioDeviceIDNet, 200, "FEATURE_200"},
		{VirtioDeviceIDNet, -1, "FEATURE_-1"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, DeviceFeatureName(tt.dev, tt.bit), "device %d bit %d", tt.dev, tt.bit)
	}
	assert.Equal(t, "0x0000000100000000 (VIRTIO_F_VERSION_1)", DeviceFeatureWord(0, 0, FeatureVersion1.Mask()))
	assert.Equal(t, "0x0000000000000001 (FEATURE_64)", DeviceFeatureWord(VirtioDeviceIDNet, 1, 1))
	assert.Equal(t, "0x0000000000000000", DeviceFeatureWord(VirtioDeviceIDNet, 0, 0))
	assert.Equal(t, "0x0000000000020020 (VIRTIO_NET_F_MAC|VIRTIO_NET_F_CTRL_VQ)",
		DeviceFeatureWord(VirtioDeviceIDNet, 0, FeatureNetMAC.Mask()|FeatureNetCtrlVQ.Mask()))
}

// TestFieldTypeName checks that the network device's field types are named
// only for a network device.
func TestFieldTypeName(t *testing.T) {
	assert.Equal(t, "NET_CVQ", FieldTypeName(FieldNetCVQ, VirtioDeviceIDNet))
	assert.Equal(t, "NET_INFLIGHT", FieldTypeName(FieldNetInflight, VirtioDeviceIDNet))
	assert.Equal(t, "DEVICE_TYPE_0x1000", FieldTypeName(FieldNetCVQ, 0))
	assert.Equal(t, "DEVICE_TYPE_0x1001", FieldTypeName(FieldNetInflight, VirtioDeviceIDBlk))
	assert.Equal(t, "DEVICE_TYPE_0x1002", FieldTypeName(FieldDeviceTypeFirst+2, VirtioDeviceIDNet))
	assert.Equal(t, "DEVICE_STATUS", FieldTypeName(FieldDeviceStatus, VirtioDeviceIDNet))
}

// TestLookupCommonCfgField64 checks the le64 fields of the virtio spec's
// struct virtio_pci_common_cfg, which Linux splits into halves.
func TestLookupCommonCfgField64(t *testing.T) {
	for off, want := range map[uint32]string{32: "queue_desc", 40: "queue_driver", 48: "queue_device"} {
		got, ok := LookupCommonCfgField64(off)
		assert.True(t, ok, "%d", off)
		assert.Equal(t, want, got)
	}
	for _, off := range []uint32{0, 36, 44, 52, 56, 32 + 256} {
		_, ok := LookupCommonCfgField64(off)
		assert.False(t, ok, "%d", off)
	}
}
