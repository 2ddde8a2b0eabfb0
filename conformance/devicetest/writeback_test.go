package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// TestWritebackWritesNeedConfigWCE runs every device test that writes
// virtio_blk_config's writeback on virtio-blk members that offer other
// features than the reference. Without VIRTIO_BLK_F_CONFIG_WCE the field is
// not writable (virtio spec, "Block Device", "Device configuration
// layout"): each such test is skipped, naming the feature, and fails
// nothing. With CONFIG_WCE and without FLUSH the device starts with
// writeback 0 (the spec's "Device Initialization"; the reference does so):
// each test still judges, and passes, since it writes the other cache mode
// than the one the device shows. The reference passes them all.
func TestWritebackWritesNeedConfigWCE(t *testing.T) {
	offering := func(drop spec.Feature) member.Factory {
		return func(cfg member.Config) member.Device {
			cfg.Features = blk.Type.Features &^ spec.Features(drop.Mask())
			return blk.New(cfg)
		}
	}
	devices := []struct {
		name    string
		f       member.Factory
		skipped bool
	}{
		{"reference", blk.New, false},
		{"without CONFIG_WCE", offering(spec.FeatureBlkConfigWCE), true},
		{"CONFIG_WCE without FLUSH", offering(spec.FeatureBlkFlush), false},
	}
	var tests []Test
	for _, dt := range All() {
		if strings.HasPrefix(dt.name, "config-write") || strings.HasSuffix(dt.name, "-device-config-write") {
			tests = append(tests, dt)
		}
	}
	require.Len(t, tests, 7, "the tests that write writeback: the config-write tests and the table's device-config-write cells")
	for _, dev := range devices {
		for _, dt := range tests {
			for _, e := range spec.Editions {
				if !dt.AppliesTo(e) {
					continue
				}
				rules, err := spec.ParseRules(e, dt.Knobs())
				require.NoError(t, err)
				c := runCheck(dt, e, rules, dev.f, extdevice.TypeBlk)
				unit := dev.name + " " + dt.Unit(e)
				for _, fl := range c.Fails {
					t.Errorf("%s: %s", unit, fl.Message)
				}
				if dev.skipped {
					assert.Contains(t, c.Skipped, "VIRTIO_BLK_F_CONFIG_WCE", unit)
				} else {
					assert.Empty(t, c.Skipped, unit)
				}
			}
		}
	}
}
