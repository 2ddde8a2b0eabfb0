package exercised_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/exercised"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// The probe lines of guest/blk for a device that offers
// VIRTIO_BLK_F_CONFIG_WCE and for one that does not.
const (
	wceProbe   = "vcpu0: probe: features VIRTIO_BLK_F_SIZE_MAX|VIRTIO_BLK_F_SEG_MAX|VIRTIO_BLK_F_BLK_SIZE|VIRTIO_BLK_F_FLUSH|VIRTIO_BLK_F_CONFIG_WCE|VIRTIO_F_VERSION_1|VIRTIO_F_RING_RESET"
	noWCEProbe = "vcpu0: probe: features VIRTIO_BLK_F_SIZE_MAX|VIRTIO_BLK_F_SEG_MAX|VIRTIO_BLK_F_BLK_SIZE|VIRTIO_BLK_F_FLUSH|VIRTIO_F_VERSION_1|VIRTIO_F_RING_RESET"
)

// blkTarget is the virtio-1.4 row of a catalog scenario.
func blkTarget(t *testing.T, name string) catalog.Target {
	t.Helper()
	s, err := catalog.CatalogScenario(name)
	require.NoError(t, err)
	tgt, err := catalog.NewTarget(s, spec.Virtio14, nil, nil)
	require.NoError(t, err)
	return tgt
}

// TestIgnoredPeerWrites: peer-devcfg-write-quiesced's peer writes
// writeback <- 0 and reads it back after the move. The write counts as
// ignored only when the run did not negotiate VIRTIO_BLK_F_CONFIG_WCE and
// the peer read back something else.
func TestIgnoredPeerWrites(t *testing.T) {
	const ignored = "p2p wrote writeback (vf1 +0x2020) 00 and read back 01, without VIRTIO_BLK_F_CONFIG_WCE"
	for _, tc := range []struct {
		name string
		log  []string
		err  error
		want string
	}{
		{"ignored without the feature", []string{noWCEProbe, "p2p: read vf1 +0x2020/1: 01"}, nil, ignored},
		{"ignored with the feature", []string{wceProbe, "p2p: read vf1 +0x2020/1: 01"}, nil, ""},
		{"taken without the feature", []string{noWCEProbe, "p2p: read vf1 +0x2020/1: 00"}, nil, ""},
		{"read not sent", []string{noWCEProbe}, nil, ""},
		{"read of another place", []string{noWCEProbe, "p2p: read vf1 +0x2021/1: 01"}, nil, ""},
		{"no probe", []string{"p2p: read vf1 +0x2020/1: 01"}, nil, ""},
		{"run failed", nil, errors.New("reference run failed"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := exercised.RunOf(blkTarget(t, "peer-devcfg-write-quiesced"), tc.log, nil, tc.err)
			assert.Equal(t, tc.want, run.IgnoredPeerWrites())
			if tc.want == "" {
				assert.Empty(t, run.Unexercised("violation transparent"))
			} else {
				assert.Equal(t, "not exercised: violation transparent needs a peer's write the device ignored without migration: "+tc.want,
					run.Unexercised("violation transparent"))
			}
		})
	}
}

// TestIgnoredPeerWrites_Run: the runs without migration of the reference
// virtio-blk and of one without VIRTIO_BLK_F_CONFIG_WCE, where only the
// latter ignores the peer's writeback write.
func TestIgnoredPeerWrites_Run(t *testing.T) {
	noWCE := func(c member.Config) member.Device {
		c.Features = blk.DefaultFeatures &^ spec.Features(spec.FeatureBlkConfigWCE.Mask())
		return blk.New(c)
	}
	for _, name := range []string{"peer-devcfg-write-quiesced", "peer-mmio-writes-stopped"} {
		tgt := blkTarget(t, name)
		run := exercised.RunWithout(tgt)
		require.NoError(t, run.Err())
		assert.Empty(t, run.IgnoredPeerWrites(), name)
		tgt.Member = noWCE
		run = exercised.RunWithout(tgt)
		require.NoError(t, run.Err())
		assert.Equal(t, "p2p wrote writeback (vf1 +0x2020) 00 and read back 01, without VIRTIO_BLK_F_CONFIG_WCE", run.IgnoredPeerWrites(), name)
	}
}

// TestIgnoredPeerWrites_OtherWriters: a write another peer also makes, or
// one the peer overwrites before reading, or one that covers more than
// writeback, is not judged.
func TestIgnoredPeerWrites_OtherWriters(t *testing.T) {
	for _, tc := range []struct {
		name, peers string
		log         []string
		want        string
	}{
		{"alone", "peer a\n  write offset=0x2020 bytes=00\n  read offset=0x2020 len=1\n",
			[]string{noWCEProbe, "a: read vf1 +0x2020/1: 01"}, "a wrote writeback (vf1 +0x2020) 00 and read back 01, without VIRTIO_BLK_F_CONFIG_WCE"},
		{"read of a wider range", "peer a\n  write offset=0x2020 bytes=00\n  read offset=0x201c len=8\n",
			[]string{noWCEProbe, "a: read vf1 +0x201c/8: 0000000001000100"}, "a wrote writeback (vf1 +0x2020) 00 and read back 01, without VIRTIO_BLK_F_CONFIG_WCE"},
		{"another peer writes it", "peer a\n  write offset=0x2020 bytes=00\n  read offset=0x2020 len=1\npeer b\n  write offset=0x2020 bytes=01\n",
			[]string{noWCEProbe, "a: read vf1 +0x2020/1: 01"}, ""},
		{"overwritten before the read", "peer a\n  write offset=0x2020 bytes=00\n  write offset=0x2020 bytes=01\n  read offset=0x2020 len=1\n",
			[]string{noWCEProbe, "a: read vf1 +0x2020/1: 01"}, ""},
		{"wider than writeback", "peer a\n  write offset=0x2020 bytes=0000\n  read offset=0x2020 len=2\n",
			[]string{noWCEProbe, "a: read vf1 +0x2020/2: 0100"}, ""},
		{"another VF", "peer a\n  write offset=0x2020 bytes=00\n  read vf=2 offset=0x2020 len=1\n",
			[]string{noWCEProbe, "a: read vf2 +0x2020/1: 01"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "scenario t\nvfs 2\nguest vcpu0\n  probe\n" + tc.peers + "expect virtio-1.4 violation transparent\nexplore strategy=random schedules=1\n"
			s, err := scenario.ParseScenario("t.scn", []byte(src))
			require.NoError(t, err)
			tgt, err := catalog.NewTarget(s, spec.Virtio14, nil, nil)
			require.NoError(t, err)
			got := exercised.RunOf(tgt, tc.log, nil, nil).IgnoredPeerWrites()
			assert.Equal(t, tc.want, got)
			assert.False(t, strings.Contains(got, ";"), "one write")
		})
	}
}
