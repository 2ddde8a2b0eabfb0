package spec

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
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

// blkFeatureNames names the virtio-blk bits the model uses (virtio spec,
// "Block Device", "Feature bits").
var blkFeatureNames = map[Feature]string{
	FeatureBlkSizeMax: "VIRTIO_BLK_F_SIZE_MAX", FeatureBlkSegMax: "VIRTIO_BLK_F_SEG_MAX",
	FeatureBlkBlkSize: "VIRTIO_BLK_F_BLK_SIZE", FeatureBlkFlush: "VIRTIO_BLK_F_FLUSH",
	FeatureBlkConfigWCE: "VIRTIO_BLK_F_CONFIG_WCE",
}

// transportFeatureNames names the reserved (device-independent) feature
// bits (virtio spec content.tex, "Reserved Feature Bits").
var transportFeatureNames = map[Feature]string{
	28: "VIRTIO_F_INDIRECT_DESC", 29: "VIRTIO_F_EVENT_IDX",
	FeatureVersion1: "VIRTIO_F_VERSION_1", 33: "VIRTIO_F_ACCESS_PLATFORM",
	34: "VIRTIO_F_RING_PACKED", 35: "VIRTIO_F_IN_ORDER", 36: "VIRTIO_F_ORDER_PLATFORM",
	FeatureSRIOV: "VIRTIO_F_SR_IOV", 38: "VIRTIO_F_NOTIFICATION_DATA",
	FeatureNotifConfigData: "VIRTIO_F_NOTIF_CONFIG_DATA", FeatureRingReset: "VIRTIO_F_RING_RESET",
	FeatureAdminVQ: "VIRTIO_F_ADMIN_VQ", FeatureSuspend: "VIRTIO_F_SUSPEND",
}

// deviceFeatureNames names the device-specific bits per virtio device id.
var deviceFeatureNames = map[uint16]map[Feature]string{
	VirtioDeviceIDNet: netFeatureNames,
	VirtioDeviceIDBlk: blkFeatureNames,
}

// String returns the feature's macro name or FEATURE_n: the reserved
// (transport) bits and the virtio-blk bits the model uses. It names no
// other device-specific bit; DeviceFeatureName names them per device type.
func (f Feature) String() string {
	if n, ok := transportFeatureNames[f]; ok {
		return n
	}
	if n, ok := blkFeatureNames[f]; ok {
		return n
	}
	return fmt.Sprintf("FEATURE_%d", uint8(f))
}

// DeviceSpecificFeature reports whether feature bit b is in a range the
// virtio spec gives the device type ("Feature Bits": 0 to 23 and 50 to 127).
func DeviceSpecificFeature(b int) bool { return (b >= 0 && b <= 23) || (b >= 50 && b <= 127) }

// DeviceFeatureName names feature bit b (any bit number, as a feature word
// of a DEV_FEATURES part holds them) of a device with virtio device id dev
// (VirtioDeviceIDNet, VirtioDeviceIDBlk; 0 when the type is not known): the
// device type's name for a device-specific bit, the reserved bit's name
// (VIRTIO_F_…) for the others, else FEATURE_b. A device-specific bit of an
// unknown device type is FEATURE_b: the same bit means different things
// for different types. compat, the traces and `migsim decode` all name
// bits here.
func DeviceFeatureName(dev uint16, b int) string {
	if b >= 0 && b < 256 {
		f := Feature(b)
		if DeviceSpecificFeature(b) {
			if n, ok := deviceFeatureNames[dev][f]; ok {
				return n
			}
		} else if n, ok := transportFeatureNames[f]; ok {
			return n
		}
	}
	return "FEATURE_" + strconv.Itoa(b)
}

// DeviceFeatureWord renders feature word i (bits 64*i … 64*i+63) of a
// device with virtio device id dev as "0x%016x (NAME|NAME)", or the hex
// alone when no bit is set.
func DeviceFeatureWord(dev uint16, i int, w uint64) string {
	s := fmt.Sprintf("%#016x", w)
	if w == 0 {
		return s
	}
	var names []string
	for b := 0; b < 64; b++ {
		if w&(1<<uint(b)) != 0 {
			names = append(names, DeviceFeatureName(dev, 64*i+b))
		}
	}
	return s + " (" + strings.Join(names, "|") + ")"
}

// Mask returns the feature as a bit in a 64-bit feature word.
func (f Feature) Mask() uint64 { return 1 << uint64(f) }

// Features is a 64-bit feature bitmap.
type Features uint64

// Has reports whether bit f is set.
func (fs Features) Has(f Feature) bool { return uint64(fs)&f.Mask() != 0 }

// String lists the set bits by name, joined by '|'.
// A guest driver logs its features at every probe, so the names of the
// 64 bits are looked up once (featureNames) and the string is built in
// one allocation.
func (fs Features) String() string {
	if fs == 0 {
		return "0"
	}
	names := featureNames()
	n := 0
	for b := 0; b < 64; b++ {
		if uint64(fs)&(1<<uint(b)) != 0 {
			n += len(names[b]) + 1
		}
	}
	var sb strings.Builder
	sb.Grow(n - 1)
	for b := 0; b < 64; b++ {
		if uint64(fs)&(1<<uint(b)) != 0 {
			if sb.Len() > 0 {
				sb.WriteByte('|')
			}
			sb.WriteString(names[b])
		}
	}
	return sb.String()
}

// featureNames holds Feature(b).String() of bits 0 to 63.
var featureNames = sync.OnceValue(func() *[64]string {
	var t [64]string
	for b := range t {
		t[b] = Feature(b).String()
	}
	return &t
})
