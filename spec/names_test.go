package spec

import (
	"strings"
	"testing"
)

// TestFeaturesString checks the table-built Features.String against the
// names of its bits joined by '|', on sets a guest negotiates and on
// single, empty and full words.
func TestFeaturesString(t *testing.T) {
	cases := []Features{0, 1, 1 << 63, ^Features(0),
		Features(FeatureVersion1.Mask() | FeatureBlkFlush.Mask() | FeatureRingReset.Mask()),
		Features(FeatureSRIOV.Mask() | FeatureAdminVQ.Mask() | FeatureSuspend.Mask() | 1<<40)}
	for b := 0; b < 64; b++ {
		cases = append(cases, Features(1)<<b)
	}
	for _, fs := range cases {
		var parts []string
		for b := 0; b < 64; b++ {
			if uint64(fs)&(1<<uint(b)) != 0 {
				parts = append(parts, Feature(b).String())
			}
		}
		want := strings.Join(parts, "|")
		if len(parts) == 0 {
			want = "0"
		}
		if got := fs.String(); got != want {
			t.Errorf("Features(%#x).String() = %q, want %q", uint64(fs), got, want)
		}
	}
}

// TestDeviceStatusString checks DeviceStatus.String, read from its table,
// on named values and every byte against the computed string.
func TestDeviceStatusString(t *testing.T) {
	for _, c := range []struct {
		s    DeviceStatus
		want string
	}{
		{0, "RESET"},
		{StatusAcknowledge | StatusDriver | StatusFeaturesOK | StatusDriverOK, "ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK"},
		{StatusFailed | 32, "FAILED|0x20"},
	} {
		if got := c.s.String(); got != c.want {
			t.Errorf("DeviceStatus(%#x).String() = %q, want %q", uint8(c.s), got, c.want)
		}
	}
	for i := 0; i < 256; i++ {
		if got, want := DeviceStatus(i).String(), deviceStatusString(DeviceStatus(i)); got != want {
			t.Errorf("DeviceStatus(%#x).String() = %q, want %q", i, got, want)
		}
	}
}
