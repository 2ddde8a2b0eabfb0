package spec

import (
	"fmt"
	"strings"
)

// Feature is a virtio feature bit number.
type Feature uint8

// Feature bits the model uses (virtio spec content.tex, "Reserved Feature
// Bits"; virtio-blk bits from the
// virtio-blk device section).
const (
	FeatureBlkSizeMax      Feature = 1
	FeatureBlkSegMax       Feature = 2
	FeatureBlkBlkSize      Feature = 6
	FeatureBlkFlush        Feature = 9
	FeatureBlkConfigWCE    Feature = 11
	FeatureVersion1        Feature = 32
	FeatureSRIOV           Feature = 37
	FeatureNotifConfigData Feature = 39
	FeatureRingReset       Feature = 40
	FeatureAdminVQ         Feature = 41
	FeatureSuspend         Feature = 43
)

var featureNames = map[Feature]string{
	FeatureBlkSizeMax: "VIRTIO_BLK_F_SIZE_MAX", FeatureBlkSegMax: "VIRTIO_BLK_F_SEG_MAX",
	FeatureBlkBlkSize: "VIRTIO_BLK_F_BLK_SIZE", FeatureBlkFlush: "VIRTIO_BLK_F_FLUSH",
	FeatureBlkConfigWCE: "VIRTIO_BLK_F_CONFIG_WCE", FeatureVersion1: "VIRTIO_F_VERSION_1",
	FeatureSRIOV: "VIRTIO_F_SR_IOV", FeatureNotifConfigData: "VIRTIO_F_NOTIF_CONFIG_DATA",
	FeatureRingReset: "VIRTIO_F_RING_RESET", FeatureAdminVQ: "VIRTIO_F_ADMIN_VQ",
	FeatureSuspend: "VIRTIO_F_SUSPEND",
}

// String returns the feature's macro name or FEATURE_n.
func (f Feature) String() string {
	if n, ok := featureNames[f]; ok {
		return n
	}
	return fmt.Sprintf("FEATURE_%d", uint8(f))
}

// Mask returns the feature as a bit in a 64-bit feature word.
func (f Feature) Mask() uint64 { return 1 << uint64(f) }

// Features is a 64-bit feature bitmap.
type Features uint64

// Has reports whether bit f is set.
func (fs Features) Has(f Feature) bool { return uint64(fs)&f.Mask() != 0 }

// String lists the set bits by name, joined by '|'.
func (fs Features) String() string {
	var parts []string
	for b := 0; b < 64; b++ {
		if uint64(fs)&(1<<uint(b)) != 0 {
			parts = append(parts, Feature(b).String())
		}
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}
