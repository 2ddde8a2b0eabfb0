package compat

import (
	"strconv"
	"strings"

	"github.com/migsim/migsim/spec"
)

// deviceFeatureNames names device-specific feature bits (0–23 and the
// device-type bits above 49) per model; transport bits come from spec.
var deviceFeatureNames = map[string]map[int]string{
	ModelNet: {
		0: "VIRTIO_NET_F_CSUM", 1: "VIRTIO_NET_F_GUEST_CSUM",
		2: "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS", 3: "VIRTIO_NET_F_MTU",
		5: "VIRTIO_NET_F_MAC", 7: "VIRTIO_NET_F_GUEST_TSO4",
		8: "VIRTIO_NET_F_GUEST_TSO6", 9: "VIRTIO_NET_F_GUEST_ECN",
		10: "VIRTIO_NET_F_GUEST_UFO", 11: "VIRTIO_NET_F_HOST_TSO4",
		12: "VIRTIO_NET_F_HOST_TSO6", 13: "VIRTIO_NET_F_HOST_ECN",
		14: "VIRTIO_NET_F_HOST_UFO", 15: "VIRTIO_NET_F_MRG_RXBUF",
		16: "VIRTIO_NET_F_STATUS", 17: "VIRTIO_NET_F_CTRL_VQ",
		18: "VIRTIO_NET_F_CTRL_RX", 19: "VIRTIO_NET_F_CTRL_VLAN", 20: "VIRTIO_NET_F_CTRL_RX_EXTRA",
		21: "VIRTIO_NET_F_GUEST_ANNOUNCE", 22: "VIRTIO_NET_F_MQ",
		23: "VIRTIO_NET_F_CTRL_MAC_ADDR", 57: "VIRTIO_NET_F_HASH_REPORT",
		60: "VIRTIO_NET_F_RSS", 61: "VIRTIO_NET_F_RSC_EXT",
		62: "VIRTIO_NET_F_STANDBY", 63: "VIRTIO_NET_F_SPEED_DUPLEX",
	},
}

// transportFeatureNames names transport bits spec does not name.
var transportFeatureNames = map[int]string{
	28: "VIRTIO_F_INDIRECT_DESC", 29: "VIRTIO_F_EVENT_IDX",
	33: "VIRTIO_F_ACCESS_PLATFORM", 34: "VIRTIO_F_RING_PACKED",
	35: "VIRTIO_F_IN_ORDER", 36: "VIRTIO_F_ORDER_PLATFORM",
	38: "VIRTIO_F_NOTIFICATION_DATA",
}

// FeatureName names feature bit b (0–63) of model: the device-specific name
// when the model has one for b, else the transport name, else FEATURE_b.
func FeatureName(model string, b int) string {
	if n, ok := deviceFeatureNames[model][b]; ok {
		return n
	}
	if n, ok := transportFeatureNames[b]; ok {
		return n
	}
	if b < 0 || b > 63 {
		return "FEATURE_" + strconv.Itoa(b)
	}
	n := spec.Feature(b).String()
	if b < 24 && model != ModelBlk && strings.HasPrefix(n, "VIRTIO_BLK_") {
		// spec names the virtio-blk bits; they mean something else elsewhere.
		return "FEATURE_" + strconv.Itoa(b)
	}
	return n
}

// ParseFeature parses a feature of model by name (as FeatureName prints
// it, FEATURE_n included) or by bit number, and returns its bit number.
func ParseFeature(model, s string) (int, bool) {
	if b, err := strconv.Atoi(s); err == nil {
		return b, b >= 0 && b <= 63
	}
	for b := 0; b < 64; b++ {
		if FeatureName(model, b) == s {
			return b, true
		}
	}
	return 0, false
}
