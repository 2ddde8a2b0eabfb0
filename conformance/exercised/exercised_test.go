package exercised_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/exercised"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
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

// TestWentWrong: the run without migration of a row with a device that
// acks the MAC table command with an error shows the command the guest
// gave up on, as its driver recorded it (a failed status whose command
// needs the control queue and CTRL_RX, both negotiated); with the
// reference device nothing went wrong.
func TestWentWrong(t *testing.T) {
	m, ok := mutants.Lookup("naks-mac-table")
	require.True(t, ok)
	for _, tc := range []struct {
		name string
		net  member.Factory
		want []guest.Trouble
	}{
		{"reference", membernet.New, nil},
		{"naks-mac-table", m.Factory(membernet.New), []guest.Trouble{{Kind: guest.FailedStatus,
			Line:    "vcpu0: FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1: ack 1",
			Command: "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=1 mc=1",
			Needs:   spec.Features(spec.FeatureNetCtrlVQ.Mask() | spec.FeatureNetCtrlRx.Mask()),
		}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := catalog.CatalogScenario("net-mac-table-before-stop")
			require.NoError(t, err)
			tgt, err := catalog.NewTarget(s, spec.Virtio14, nil, nil)
			require.NoError(t, err)
			tgt.NetMember = tc.net
			run := exercised.RunWithout(tgt)
			require.NoError(t, run.Err())
			got := run.WentWrong()
			for i := range got { // what the guest negotiated is the device's offer
				assert.NotZero(t, got[i].Negotiated)
				got[i].Negotiated = 0
			}
			assert.Equal(t, tc.want, got)
		})
	}
}
