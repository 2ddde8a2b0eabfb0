package conformance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// A row expected to give a finding that the device's run never reaches
// because the guest gave up, without migration too, on the command the
// finding is on, for want of a feature the device does not offer, is not
// exercised: config-write-while-frozen's virtio-1.4 rows lose a writeback
// write the guest makes only with VIRTIO_BLK_F_CONFIG_WCE, which a
// virtio-blk device may leave out. They failed the device on DP-DEV-09
// and DP-DEV-10 ("expected violation transparent, got pass") under the
// full budget, though the device ignores that write as the spec says.
func TestRows_ExpectedFindingNeedsAFeatureNotOffered(t *testing.T) {
	rep, err := conformance.Check(conformance.FactoryDevice("nowce.New", noWCE), conformance.Parts(false, true),
		conformance.Scenarios("config-write-while-frozen"))
	require.NoError(t, err)
	assert.Empty(t, rep.FailedRequirements())
	for _, name := range []string{"config-write-while-frozen/virtio-1.4", "config-write-while-frozen/virtio-1.4/stop-config-write=ignore"} {
		u, ok := rep.Unit(name)
		require.True(t, ok, name)
		assert.Equal(t, "skip", u.Verdict, name)
		assert.Equal(t, `not exercised: violation transparent needs what the guest gave up on without migration: "wce" without VIRTIO_BLK_F_CONFIG_WCE`, u.Reason, name)
	}
	u, ok := rep.Unit("config-write-while-frozen/draft-2023")
	require.True(t, ok)
	assert.Equal(t, "pass", u.Verdict, "a row expected to pass is judged as before")
}

// noWCE builds the reference virtio-blk device without
// VIRTIO_BLK_F_CONFIG_WCE: it ignores writes to writeback, as a virtio-blk
// device that does not offer the feature may.
func noWCE(c member.Config) member.Device {
	c.Features = blk.DefaultFeatures &^ spec.Features(spec.FeatureBlkConfigWCE.Mask())
	return blk.New(c)
}
