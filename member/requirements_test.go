package member_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
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

// partsSet sends DEV_PARTS_SET with the object header and parts.
func (g *rig) partsSet(ps ...devctx.Part) member.AdminCompletion {
	return g.admin(uint16(spec.OpDevPartsSet), append(make([]byte, objHeaderSize), devctx.EncodeParts(ps)...), 0)
}

func TestDP_DEV_04_PartsSetWhileRunningRejected(t *testing.T) {
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	c := g.partsSet(devctx.NewPart(spec.PartDeviceStatus, []byte{0}))
	assert.Equal(t, spec.StatusEINVAL, c.Status)
	assert.Equal(t, spec.QInvalidField, c.Qualifier)
	assert.Zero(t, g.in.LatchedParts())
}

func TestDP_DEV_05_PartsSetLengthMismatchRejected(t *testing.T) {
	tests := []devctx.Part{
		devctx.NewVQPart(spec.PartVQCfg, 0, make([]byte, 31)),
		devctx.NewVQPart(spec.PartVQNotifyCfg, 0, make([]byte, 9)),
		devctx.NewPart(spec.PartDeviceStatus, []byte{1, 2}),
		devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1}),
	}
	for _, p := range tests {
		g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
		require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
		c := g.partsSet(p)
		assert.Equal(t, spec.StatusEINVAL, c.Status, "%s", p.Type)
		assert.Zero(t, g.in.LatchedParts())
	}
}

func TestDP_DEV_06_DevFeaturesCheckedReadOnlyNotApplied(t *testing.T) {
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	bad := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{1 << 63}.Encode())
	assert.Equal(t, spec.StatusEINVAL, g.partsSet(bad).Status, "DEV_FEATURES with a bit not offered")

	ok := devctx.NewPart(spec.PartDevFeatures, devctx.FeatureWords{uint64(blk.DefaultFeatures)}.Encode())
	ro := devctx.NewCommonCfgPart(spec.CfgNumQueues, []byte{9, 0})
	sel := devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})
	require.Equal(t, spec.StatusOK, g.partsSet(ok, ro, sel).Status)
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
	assert.Equal(t, uint32(2), g.commonRead(spec.CfgNumQueues), "read-only num_queues not applied")
	assert.Equal(t, uint32(1), g.commonRead(spec.CfgQueueSelect), "queue_select applied at resume")
}

func TestDP_DEV_08_FailedSetNoSideEffects(t *testing.T) {
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	good := devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})
	require.Equal(t, spec.StatusOK, g.partsSet(good).Status)
	d, st, latched := g.dev.ContextDigest(), g.dev.Status(), g.in.LatchedParts()
	// A valid part followed by an invalid one: nothing of it is latched.
	c := g.partsSet(devctx.NewCommonCfgPart(spec.CfgDriverFeatureSelect, []byte{1, 0, 0, 0}), devctx.NewVQPart(spec.PartVQCfg, 7, make([]byte, 32)))
	assert.Equal(t, spec.StatusEINVAL, c.Status)
	assert.Equal(t, d, g.dev.ContextDigest())
	assert.Equal(t, st, g.dev.Status())
	assert.Equal(t, latched, g.in.LatchedParts())
}

func TestDP_DEV_09_StopWritesBackTakenBuffers(t *testing.T) {
	g, gu := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	gu.submit(0, tOut, 0, pattern(1, 512), 512)
	gu.submit(0, tOut, 1, pattern(2, 512), 512)
	gu.kick(0)
	g.run(3) // fetch, execute, fetch: one executed, one fetched
	require.Equal(t, 2, g.in.Taken(0))
	g.irqs = nil
	fx := g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 9, Opcode: uint16(spec.OpDevModeSet), Data: []byte{1}}})
	require.Len(t, fx.Completions, 1)
	assert.Empty(t, fx.Interrupts, "no interrupt while stopping")
	assert.Zero(t, g.in.Taken(0), "every taken buffer written back")
	used, err := gu.rings[0].UsedIdx()
	require.NoError(t, err)
	assert.Equal(t, uint16(2), used)
	assert.True(t, g.in.IRQHeld(0))
	g.rec.Reset()
	g.run(-1) // the leftover steps are no-ops while stopped
	assert.Empty(t, g.rec.Accesses)
	assert.Empty(t, g.irqs)
	g.modeSet(spec.ModeActive)
	g.run(-1)
	assert.NotEmpty(t, g.irqs, "held interrupt delivered after resume")
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

func TestDP_DEV_12_ReplyHeldDuringFLR(t *testing.T) {
	for _, e := range spec.Editions {
		g, _ := liveRig(t, e, spec.DefaultRules(e))
		fx := g.flr()
		require.Equal(t, []member.Timer{{ID: member.TimerFLR, Delay: pcie.FLRDurationNs}}, fx.Timers)
		fx = g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 7, Opcode: modeSetOp(e), Data: modeData(e, spec.ModeStop)}})
		assert.Empty(t, fx.Completions)
		assert.Equal(t, 1, g.dev.Status().HeldReplies)
		// Memory requests are dropped; config reads stay valid.
		assert.Equal(t, []byte{0xff, 0xff}, g.read(uint64(spec.CfgQueueSelect), 2))
		fx = g.handle(member.Event{Kind: member.EvTimer, Timer: member.TimerFLR})
		require.Equal(t, []member.Step{{Kind: member.StepFinishFLR}}, fx.Steps)
		fx = g.handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: member.StepFinishFLR}})
		require.Len(t, fx.Completions, 1, "the completion is in the effects of the event that ends the FLR")
		assert.Equal(t, uint64(7), fx.Completions[0].Tag)
		assert.Equal(t, spec.StatusOK, fx.Completions[0].Status)
		assert.Equal(t, spec.ModeStop, g.dev.Status().Mode)
		assert.Zero(t, g.dev.Status().HeldReplies)
	}
}

func TestDP_DEV_12_ReplyHeldDuringResetAndPM(t *testing.T) {
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	g.common(spec.CfgDeviceStatus, 0)
	fx := g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 3, Opcode: uint16(spec.OpDevModeSet), Data: []byte{1}}})
	assert.Empty(t, fx.Completions)
	fx = g.handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: member.StepFinishReset}})
	require.Len(t, fx.Completions, 1)

	pm := g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PMCapOffset + 4, Data: []byte{3, 0}}})
	require.Equal(t, []member.Timer{{ID: member.TimerPM, Delay: member.PMTransitionNs}}, pm.Timers)
	fx = g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 4, Opcode: uint16(spec.OpDevModeSet), Data: []byte{0}}})
	assert.Empty(t, fx.Completions)
	fx = g.handle(member.Event{Kind: member.EvTimer, Timer: member.TimerPM})
	require.Len(t, fx.Completions, 1)
	assert.Equal(t, uint64(4), fx.Completions[0].Tag)
}

func modeSetOp(e spec.Edition) uint16 {
	if e == spec.Draft2023 {
		return uint16(spec.DraftOpDevModeSet)
	}
	return uint16(spec.OpDevModeSet)
}

func modeData(e spec.Edition, m spec.Mode) []byte {
	if e == spec.Draft2023 {
		return []byte{uint8(m), 0, 0, 0, 0, 0, 0, 0}
	}
	if m == spec.ModeStop {
		return []byte{1}
	}
	return []byte{0}
}

func TestDP_DEV_13_RepeatedModeSetIdempotent(t *testing.T) {
	for _, e := range spec.Editions {
		for _, m := range e.Modes() {
			g, _ := liveRig(t, e, spec.DefaultRules(e))
			require.Equal(t, spec.StatusOK, g.modeSet(m).Status)
			d := g.dev.ContextDigest()
			assert.Equal(t, spec.StatusOK, g.modeSet(m).Status)
			assert.Equal(t, m, g.dev.Status().Mode)
			assert.Equal(t, d, g.dev.ContextDigest())
		}
	}
}

func TestDP_DEV_14_FLRRestoresDefaults(t *testing.T) {
	for _, e := range spec.Editions {
		g, _ := liveRig(t, e, spec.DefaultRules(e))
		fresh := newRig(t, e, spec.DefaultRules(e), 2, nil, nil)
		require.NotEqual(t, fresh.dev.ContextDigest(), g.dev.ContextDigest())
		g.flr()
		g.handle(member.Event{Kind: member.EvTimer, Timer: member.TimerFLR})
		g.run(-1)
		assert.Equal(t, fresh.dev.ContextDigest(), g.dev.ContextDigest())
		assert.Equal(t, spec.ModeActive, g.dev.Status().Mode)
	}
}

func TestModeAfterFLRKeep(t *testing.T) {
	r := spec.DefaultRules(spec.Virtio14)
	r.ModeAfterFLR = spec.AfterFLRKeep
	g, _ := liveRig(t, spec.Virtio14, r)
	g.modeSet(spec.ModeStop)
	g.flr()
	g.handle(member.Event{Kind: member.EvTimer, Timer: member.TimerFLR})
	g.run(-1)
	assert.Equal(t, spec.ModeStop, g.dev.Status().Mode)
}

func TestDP_DEV_15_MetadataBufferTooSmall(t *testing.T) {
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	data := make([]byte, 16)
	data[objHeaderSize] = uint8(spec.MetadataList)
	c := g.admin(uint16(spec.OpDevPartsMetadataGet), data, 16)
	assert.Equal(t, spec.StatusENOMEM, c.Status)
	c = g.admin(uint16(spec.OpDevPartsMetadataGet), data, 4096)
	require.Equal(t, spec.StatusOK, c.Status)
	l, err := devctx.DecodeMetadataList(c.Result)
	require.NoError(t, err)
	assert.Len(t, l.Headers, len(g.in.Parts()))
	data[objHeaderSize] = uint8(spec.MetadataSize)
	c = g.admin(uint16(spec.OpDevPartsMetadataGet), data, 8)
	require.Equal(t, spec.StatusOK, c.Status)
	assert.Equal(t, uint32(len(devctx.EncodeParts(g.in.Parts()))), binary.LittleEndian.Uint32(c.Result))
}

func TestDP_DEV_03_PartsGetOrderAndSelected(t *testing.T) {
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	all := g.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetAll), 4096)
	require.Equal(t, spec.StatusOK, all.Status)
	_, err := devctx.DecodeParts(all.Result, devctx.DecodeOptions{Complete: true})
	require.NoError(t, err, "required order, one DEVICE_STATUS")
	again := g.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetAll), 4096)
	assert.Equal(t, all.Result, again.Result, "repeatable (DP-DEV-02)")
	ps := g.in.Parts()
	sel := g.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetSelected, ps[5].Header(), ps[1].Header(),
		devctx.NewVQPart(spec.PartVQCfg, 40, nil).Header()), 4096)
	require.Equal(t, spec.StatusOK, sel.Status)
	assert.Equal(t, devctx.EncodeParts([]devctx.Part{ps[1], ps[5]}), sel.Result, "selected parts in order; a missing one skipped")
}

func TestDRAFT_FRZ_02_ContextUnchangedInFreeze(t *testing.T) {
	g, gu := liveRig(t, spec.Draft2023, spec.DefaultRules(spec.Draft2023))
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeFreeze).Status)
	d := g.dev.ContextDigest()
	gu.submit(0, tOut, 0, pattern(1, 512), 512)
	gu.kick(0)
	g.write(pcie.BAR0DeviceCfg+cfgWriteback, []byte{0})
	g.disk.Resize(4096)
	g.handle(member.Event{Kind: member.EvBackend})
	g.run(-1)
	assert.Equal(t, d, g.dev.ContextDigest())
	// The deferred capacity change is not lost (question 8): raised at Active.
	g.irqs = nil
	g.modeSet(spec.ModeActive)
	g.run(-1)
	assert.Equal(t, uint64(4096), binary.LittleEndian.Uint64(g.read(pcie.BAR0DeviceCfg+cfgCapacity, 8)), "capacity shown")
	assert.Contains(t, g.irqs, pcie.MSIXMessage{Source: testRID, Vector: 0, Addr: 0xfee00000, Data: 0x40})
}

func TestDraftModeSetValidation(t *testing.T) {
	g, _ := liveRig(t, spec.Draft2023, spec.DefaultRules(spec.Draft2023))
	c := g.admin(uint16(spec.DraftOpDevModeSet), []byte{3}, 0)
	assert.Equal(t, spec.StatusEINVAL, c.Status)
	assert.Equal(t, spec.QInvalidField, c.Qualifier)
	r := spec.DefaultRules(spec.Draft2023)
	r.Transitions = spec.TransitionsStrictChain
	g2, _ := liveRig(t, spec.Draft2023, r)
	c = g2.modeSet(spec.ModeFreeze)
	assert.Equal(t, spec.StatusEINVAL, c.Status, "Active→Freeze with strict-chain")
	assert.Equal(t, spec.ModeActive, g2.dev.Status().Mode)
	c = g.admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(devctx.DraftContext{}), 0)
	assert.Equal(t, spec.StatusEINVAL, c.Status, "DEV_CTX_WRITE outside Freeze")
	mg := g.admin(uint16(spec.DraftOpDevModeGet), nil, 8)
	assert.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 0}, mg.Result)
}

func TestDraftIncrementalReadCursorAndDiscard(t *testing.T) {
	g, _ := liveRig(t, spec.Draft2023, spec.DefaultRules(spec.Draft2023))
	full := devctx.EncodeDraftContext(devctx.DraftContext{Fields: g.in.DraftFields()})
	size := g.admin(uint16(spec.DraftOpDevCtxSizeGet), []byte{0}, 8)
	assert.Equal(t, uint64(len(full)), binary.LittleEndian.Uint64(size.Result))
	// A small buffer returns whole fields and the rest on the next read.
	var got devctx.DraftContext
	for i := 0; ; i++ {
		require.Less(t, i, 20)
		c := g.admin(uint16(spec.DraftOpDevCtxRead), nil, 120)
		require.Equal(t, spec.StatusOK, c.Status)
		r, err := devctx.DecodeCtxReadResult(c.Result)
		require.NoError(t, err)
		part, err := devctx.DecodeDraftContext(r.Ctx)
		require.NoError(t, err)
		require.NotEmpty(t, part.Fields)
		got.Fields = append(got.Fields, part.Fields...)
		if r.Remaining == 0 {
			break
		}
	}
	assert.Equal(t, full, devctx.EncodeDraftContext(got))
	// Nothing changed: the next read is empty; after DISCARD it is full.
	c := g.admin(uint16(spec.DraftOpDevCtxRead), nil, 4096)
	assert.Equal(t, 8+spec.DraftCtxHeaderSize, len(c.Result))
	g.admin(uint16(spec.DraftOpDevCtxDiscard), nil, 0)
	c = g.admin(uint16(spec.DraftOpDevCtxRead), nil, 4096)
	assert.Equal(t, 8+len(full), len(c.Result))
	tiny := g.admin(uint16(spec.DraftOpDevCtxRead), nil, 4)
	assert.Equal(t, spec.StatusOK, tiny.Status, "nothing changed: an empty read fits")
	g.admin(uint16(spec.DraftOpDevCtxDiscard), nil, 0)
	tiny = g.admin(uint16(spec.DraftOpDevCtxRead), nil, 4)
	assert.Equal(t, spec.StatusENOMEM, tiny.Status)
	q := g.admin(uint16(spec.DraftOpDevCtxFieldsQuery), nil, 4096)
	fq, err := devctx.DecodeFieldsQuery(q.Result)
	require.NoError(t, err)
	assert.Len(t, fq.Entries, 10)
}

// Question 8 on virtio-1.4: a capacity change seen while stopped is held on
// the source and carried by no part; resume-config-notify decides whether
// the destination signals it.
func TestResumeConfigNotifyV14(t *testing.T) {
	for _, always := range []bool{false, true} {
		r := spec.DefaultRules(spec.Virtio14)
		if always {
			r.ResumeConfigNotify = spec.ResumeNotifyAlways
		}
		src, _ := liveRig(t, spec.Virtio14, r)
		src.modeSet(spec.ModeStop)
		src.disk.Resize(2048)
		src.handle(member.Event{Kind: member.EvBackend})
		require.True(t, src.in.ConfigHeld())
		get := src.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetAll), 4096)
		dst := newRig(t, spec.Virtio14, r, 2, src.disk, src.mem.Clone())
		dst.setupMSIX(dst.in.MSIXLen())
		dst.modeSet(spec.ModeStop)
		require.Equal(t, spec.StatusOK, dst.admin(uint16(spec.OpDevPartsSet), append(make([]byte, objHeaderSize), get.Result...), 0).Status)
		dst.modeSet(spec.ModeActive)
		dst.run(-1)
		var cfgIRQ bool
		for _, m := range dst.irqs {
			cfgIRQ = cfgIRQ || m.Vector == 0
		}
		assert.Equal(t, always, cfgIRQ, "always=%v", always)
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
