package member_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// liveRig returns a rig with a guest whose queue 0 is live.
func liveRig(t *testing.T, e spec.Edition, r spec.Rules) (*rig, *guest) {
	g := newRig(t, e, r, 2, nil, nil)
	return g, newGuest(g, 1)
}

// flr writes Initiate FLR to the VF's PCIe Device Control.
func (g *rig) flr() member.Effects {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: 0x0001, Completer: testRID,
		Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, 0x80}}})
}

func TestPCI_DEV_02_HalvesLatchedIndependently(t *testing.T) {
	for _, e := range spec.Editions {
		g := newRig(t, e, spec.DefaultRules(e), 2, nil, nil)
		g.common(spec.CfgQueueSelect, 1)
		g.common(spec.CfgQueueDescLo, 0x11112222)
		assert.Equal(t, uint32(0x11112222), g.commonRead(spec.CfgQueueDescLo))
		assert.Equal(t, uint32(0), g.commonRead(spec.CfgQueueDescHi))
		assert.Equal(t, member.HalfLo, g.in.Queue(1).Split[member.AddrDesc])
		g.common(spec.CfgQueueDriverHi, 0x7)
		assert.Equal(t, uint64(0x7)<<32, g.in.Queue(1).Addr[member.AddrDriver], "hi first keeps lo")
		g.common(spec.CfgQueueDescHi, 0x3)
		assert.Equal(t, uint64(0x3_11112222), g.in.Queue(1).Addr[member.AddrDesc])
		assert.Zero(t, g.in.Queue(1).Split[member.AddrDesc], "a complete pair clears the split flags")
		g.write(uint64(spec.CfgQueueDeviceLo), binary.LittleEndian.AppendUint64(nil, 0x5_00000040))
		assert.Equal(t, uint64(0x5_00000040), g.in.Queue(1).Addr[member.AddrDevice], "a 64-bit access writes both halves")
		assert.Zero(t, g.in.Queue(0).Addr, "other queues untouched")
	}
}

func TestPCI_DEV_03_ResetReadsZeroWhenDone(t *testing.T) {
	for _, e := range spec.Editions {
		g, _ := liveRig(t, e, spec.DefaultRules(e))
		before := g.commonRead(spec.CfgDeviceStatus)
		require.NotZero(t, before)
		fx := g.common(spec.CfgDeviceStatus, 0)
		assert.Equal(t, []member.Step{{Kind: member.StepFinishReset}}, fx.Steps)
		assert.Equal(t, before, g.commonRead(spec.CfgDeviceStatus), "non-zero until the reset is done")
		assert.True(t, g.dev.Status().ResetPending)
		g.run(-1)
		assert.Zero(t, g.commonRead(spec.CfgDeviceStatus))
		assert.False(t, g.dev.Status().ResetPending)
		assert.Equal(t, uint32(member.NoVector), g.commonRead(spec.CfgConfigMSIXVector))
	}
}

func TestFeaturesOKRefusedForUnofferedFeature(t *testing.T) {
	g := newRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14), 1, nil, nil)
	g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver))
	g.common(spec.CfgDriverFeatureSelect, 1)
	g.common(spec.CfgDriverFeature, 1|1<<(spec.FeatureAdminVQ-32))
	g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver|spec.StatusFeaturesOK))
	assert.Zero(t, g.commonRead(spec.CfgDeviceStatus)&uint32(spec.StatusFeaturesOK))
	g.common(spec.CfgDeviceFeatureSelect, 1)
	assert.Equal(t, uint32(uint64(blk.DefaultFeatures)>>32), g.commonRead(spec.CfgDeviceFeature))
}

func TestDP_DEV_10_DoorbellAcceptedAndTransportUnchangedWhileStopped(t *testing.T) {
	for _, e := range spec.Editions {
		g, gu := liveRig(t, e, spec.DefaultRules(e))
		require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
		gu.submit(0, tOut, 0, pattern(1, 512), 512)
		g.rec.Reset()
		fx := gu.kick(0)
		assert.Empty(t, fx.Steps)
		assert.True(t, g.in.NotifyLatched(0))
		g.common(spec.CfgQueueSelect, 1)
		assert.Equal(t, uint32(1), g.commonRead(spec.CfgQueueSelect), "common config behaves as running")
		cfg := g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Addr: 0, Len: 4}})
		assert.Len(t, cfg.ReadData, 4)
		assert.Empty(t, g.rec.Accesses, "no DMA while stopped")
		g.modeSet(spec.ModeActive)
		g.run(-1)
		used, err := gu.rings[0].UsedIdx()
		require.NoError(t, err)
		assert.Equal(t, uint16(1), used, "the latched doorbell is served at resume")
	}
}

func TestDP_DEV_11_NoDMANoInterruptWhenStopped(t *testing.T) {
	for _, e := range spec.Editions {
		for _, m := range e.Modes() {
			if !m.Quiesced() {
				continue
			}
			g, gu := liveRig(t, e, spec.DefaultRules(e))
			gu.submit(0, tOut, 0, pattern(1, 512), 512)
			require.Equal(t, spec.StatusOK, g.modeSet(m).Status)
			g.rec.Reset()
			g.irqs = nil
			for _, k := range []member.StepKind{member.StepFetch, member.StepExecute, member.StepComplete, member.StepDeliverHeld} {
				g.handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: k}})
			}
			g.disk.Resize(2048)
			g.handle(member.Event{Kind: member.EvBackend})
			assert.Empty(t, g.rec.Accesses, "%s %s", e, m)
			assert.Empty(t, g.irqs, "%s %s", e, m)
		}
	}
}

func TestDeviceConfigWriteInStop(t *testing.T) {
	for _, ignore := range []bool{false, true} {
		r := spec.DefaultRules(spec.Virtio14)
		if ignore {
			r.StopConfigWrite = spec.StopConfigIgnore
		}
		g, _ := liveRig(t, spec.Virtio14, r)
		g.modeSet(spec.ModeStop)
		g.write(pcie.BAR0DeviceCfg+cfgWriteback, []byte{0})
		want := byte(0)
		if ignore {
			want = 1
		}
		assert.Equal(t, []byte{want}, g.read(pcie.BAR0DeviceCfg+cfgWriteback, 1))
	}
}

// TestMSIXUnmaskedWhileStopped: a used-buffer interrupt raised while its
// MSI-X entry is masked sets the pending bit; the entry unmasked while the
// owner has the member stopped must not send it then (no notification
// while stopped) and must send it, once, when the member runs again (PCI's
// MSI-X pending rule; a stopped function keeps PCI-architected behaviour,
// DP-DEV-10). Before, the pending message was never sent and the guest
// waited forever.
func TestMSIXUnmaskedWhileStopped(t *testing.T) {
	masked, unmasked := []byte{1, 0, 0, 0}, []byte{0, 0, 0, 0}
	for _, e := range spec.Editions {
		g, gu := liveRig(t, e, spec.DefaultRules(e))
		n := g.in.MSIXLen()
		for v := range n {
			g.write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+12, masked)
		}
		gu.submit(0, tOut, 0, pattern(1, 512), 512)
		g.irqs = nil
		gu.kick(0)
		require.Positive(t, g.run(-1), "%s: the request is served", e)
		require.Empty(t, g.irqs, "%s: masked: pending, not sent", e)
		require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
		for v := range n {
			g.write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+12, unmasked)
		}
		g.run(-1)
		assert.Empty(t, g.irqs, "%s: unmasked while stopped: still not sent", e)
		require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
		g.run(-1)
		qv := g.in.Queue(0).Vector
		sent := 0
		for _, m := range g.irqs {
			if m.Vector == qv {
				sent++
			}
		}
		assert.Equal(t, 1, sent, "%s: queue 0's pending message sent once the member runs: %v", e, g.irqs)
	}
}
