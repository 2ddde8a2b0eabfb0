package conformance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
)

// peerWriteRows are the rows whose expected finding is a peer's writeback
// write lost across the migration.
var peerWriteRows = []string{"peer-devcfg-write-quiesced/draft-2023", "peer-devcfg-write-quiesced/virtio-1.4", "peer-mmio-writes-stopped/virtio-1.4"}

// A row expected to give a finding about a peer's write that the device
// ignores, without migration too, for want of a feature it does not offer
// is not exercised: a virtio-blk device without VIRTIO_BLK_F_CONFIG_WCE
// may ignore writes to writeback, so a peer's writeback write lost across
// the migration cannot be. Those rows failed such a device on DP-DEV-06,
// DP-DEV-09, DP-DEV-10, DRAFT-STOP-03, DRAFT-FRZ-03, DRAFT-CTX-01 and
// DRAFT-PCI-01 ("expected violation transparent, got pass").
func TestRows_PeerWriteNeedsAFeatureNotOffered(t *testing.T) {
	rep, err := conformance.Check(conformance.FactoryDevice("nowce.New", noWCE), conformance.Parts(false, true),
		conformance.Scenarios("peer-devcfg-write-quiesced", "peer-mmio-writes-stopped"))
	require.NoError(t, err)
	assert.Empty(t, rep.FailedRequirements())
	for _, name := range peerWriteRows {
		u, ok := rep.Unit(name)
		require.True(t, ok, name)
		assert.Equal(t, "skip", u.Verdict, name)
		assert.Equal(t, "not exercised: violation transparent needs a peer's write the device ignored without migration: "+
			"p2p wrote writeback (vf1 +0x2020) 00 and read back 01, without VIRTIO_BLK_F_CONFIG_WCE", u.Reason, name)
	}
	u, ok := rep.Unit("peer-mmio-writes-stopped/draft-2023")
	require.True(t, ok)
	assert.Equal(t, "pass", u.Verdict, "a row expected to pass is judged as before")
}

// dropsWriteback offers what it wraps (VIRTIO_BLK_F_CONFIG_WCE among it)
// but drops every write to writeback.
type dropsWriteback struct {
	member.Device
	c member.Config
}

func (d *dropsWriteback) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && ev.TLP.Addr == d.c.BAR0+pcie.BAR0DeviceCfg+blk.ConfigWritebackOffset {
		return member.Effects{}
	}
	return d.Device.Handle(ev)
}

// A device that offers VIRTIO_BLK_F_CONFIG_WCE and ignores the peer's
// writeback write still fails those rows: the write it drops is one the
// spec has it take.
func TestRows_PeerWriteIgnoredWithTheFeatureFails(t *testing.T) {
	drops := func(c member.Config) member.Device { return &dropsWriteback{Device: blk.New(c), c: c} }
	rep, err := conformance.Check(conformance.FactoryDevice("dropswb.New", drops), conformance.Parts(false, true),
		conformance.Scenarios("peer-devcfg-write-quiesced", "peer-mmio-writes-stopped"))
	require.NoError(t, err)
	for _, name := range peerWriteRows {
		u, ok := rep.Unit(name)
		require.True(t, ok, name)
		assert.Equal(t, "fail", u.Verdict, name)
		require.NotEmpty(t, u.Failures, name)
		assert.Contains(t, u.Failures[0].Message, "expected violation transparent, got pass", name)
	}
}
