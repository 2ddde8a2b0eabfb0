package exercised_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/exercised"
	"github.com/migsim/migsim/spec"
)

// The probe lines of guest/net for the reference virtio-net and for one
// that offers no control-queue feature (catalog.Target.Reference of
// net-mac-table-before-stop).
const (
	fullProbe = "vcpu0: probe: features VIRTIO_NET_F_MTU|VIRTIO_NET_F_MAC|VIRTIO_NET_F_STATUS|VIRTIO_NET_F_CTRL_VQ|VIRTIO_NET_F_CTRL_RX|VIRTIO_NET_F_CTRL_VLAN|VIRTIO_NET_F_CTRL_RX_EXTRA|VIRTIO_NET_F_GUEST_ANNOUNCE|VIRTIO_NET_F_MQ|VIRTIO_NET_F_CTRL_MAC_ADDR|VIRTIO_F_VERSION_1"
	bareProbe = "vcpu0: probe: features VIRTIO_NET_F_MTU|VIRTIO_NET_F_MAC|VIRTIO_NET_F_STATUS|VIRTIO_F_VERSION_1"
)

func TestWhy(t *testing.T) {
	for _, tc := range []struct {
		name string
		log  []string
		id   string
		ok   bool
		why  string
	}{
		{"full device, CVQ part", []string{fullProbe, "vcpu0: recv: 4 frames"}, "NET-PART-01", true, ""},
		{"full device, MQ", []string{fullProbe}, "NET-DEV-10", true, ""},
		{"bare device, CVQ part", []string{bareProbe, "vcpu0: FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: no control queue"}, "NET-PART-01", true,
			"the run did not negotiate VIRTIO_NET_F_CTRL_VQ"},
		{"bare device, MQ", []string{bareProbe}, "NET-DRV-02", true, "the run did not negotiate VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_MQ"},
		{"bare device, STATUS", []string{bareProbe}, "NET-DEV-03", true, ""},
		{"bare device, no feature needed", []string{bareProbe}, "DP-DEV-11", true, ""},
		{"second guest without the feature", []string{fullProbe, bareProbe}, "NET-DEV-08", true,
			"the run did not negotiate VIRTIO_NET_F_CTRL_VQ, VIRTIO_NET_F_CTRL_VLAN"},
		{"no probe", []string{"vcpu0: recv: 0 of 4 frames"}, "NET-DEV-06", false, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs, ok := exercised.Negotiated(spec.VirtioDeviceIDNet, tc.log)
			assert.Equal(t, tc.ok, ok)
			if ok {
				assert.Equal(t, tc.why, exercised.Why(spec.VirtioDeviceIDNet, tc.id, fs))
			}
		})
	}
}

func TestNegotiatedBits(t *testing.T) {
	fs, ok := exercised.Negotiated(spec.VirtioDeviceIDNet, []string{bareProbe})
	assert.True(t, ok)
	want := spec.Features(spec.FeatureNetMTU.Mask() | spec.FeatureNetMAC.Mask() | spec.FeatureNetStatus.Mask() | spec.FeatureVersion1.Mask())
	assert.Equal(t, want, fs)
}

// TestNeedsAreRequirements checks that every requirement of the table is
// in the spec catalog.
func TestNeedsAreRequirements(t *testing.T) {
	for _, r := range []string{"NET-DEV-03", "NET-DEV-06", "NET-DEV-10", "NET-DRV-03", "NET-PART-03"} {
		assert.NotEmpty(t, exercised.Needs(r), r)
		_, ok := spec.LookupRequirement(r)
		assert.True(t, ok, r)
	}
}

// TestGaveUpOn: a guest's FAIL line is the device's to answer for unless
// its command needs a feature the run did not negotiate (the control
// queue, its class's feature, MQ for a second pair, CONFIG_WCE).
func TestGaveUpOn(t *testing.T) {
	full, _ := exercised.Negotiated(spec.VirtioDeviceIDNet, []string{fullProbe})
	bare, _ := exercised.Negotiated(spec.VirtioDeviceIDNet, []string{bareProbe})
	noRx := full &^ spec.Features(spec.FeatureNetCtrlRx.Mask())
	for _, tc := range []struct {
		name string
		dev  uint16
		fs   spec.Features
		line string
		cmd  string // "": excused
	}{
		{"ack refused, features negotiated", spec.VirtioDeviceIDNet, full,
			"vcpu0: FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1: ack 1", "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1"},
		{"no control queue offered", spec.VirtioDeviceIDNet, bare, "vcpu0: FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: no control queue", ""},
		{"control queue without CTRL_RX", spec.VirtioDeviceIDNet, noRx, "vcpu0: FAIL ctrl VIRTIO_NET_CTRL_RX_PROMISC 1: ack 1", ""},
		{"control queue without CTRL_RX, VLAN command", spec.VirtioDeviceIDNet, noRx,
			"vcpu0: FAIL ctrl VIRTIO_NET_CTRL_VLAN_ADD 5: ack 1", "ctrl VIRTIO_NET_CTRL_VLAN_ADD 5"},
		{"no MQ", spec.VirtioDeviceIDNet, bare, "vcpu0: FAIL mq: VIRTIO_NET_F_MQ not negotiated", ""},
		{"second pair without MQ", spec.VirtioDeviceIDNet, bare, "vcpu0: FAIL tx: pair 1 not in use (1 pairs)", ""},
		{"second pair with MQ", spec.VirtioDeviceIDNet, full, "vcpu0: FAIL tx: pair 1 not in use (1 pairs)", "tx"},
		{"first pair", spec.VirtioDeviceIDNet, bare, "vcpu0: FAIL kick: pair 0 not in use (0 pairs)", "kick"},
		{"probe refused", spec.VirtioDeviceIDNet, bare, "vcpu0: FAIL probe: config vector not accepted", "probe"},
		{"block write error", spec.VirtioDeviceIDBlk, 0, "vcpu1: FAIL write sector=8: status 1", "write sector=8"},
		{"block WCE not offered", spec.VirtioDeviceIDBlk, 0, "vcpu0: FAIL wce: CONFIG_WCE not negotiated", ""},
		{"not a FAIL line", spec.VirtioDeviceIDBlk, 0, "vcpu0: read sector=8: FAIL marker in data", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := exercised.GaveUpOn(tc.dev, []string{"vcpu0: probe: features …", tc.line}, tc.fs)
			if tc.cmd == "" {
				assert.Empty(t, got)
				return
			}
			assert.Equal(t, []exercised.GaveUp{{Command: tc.cmd, Line: tc.line}}, got)
		})
	}
}
