package member_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

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

// Question 8 on virtio-1.4: a capacity change seen while stopped is held on
// the source and carried by no part; resume-config-notify decides whether
// the destination signals it.
func TestResumeConfigNotifyV14(t *testing.T) {
	for _, always := range []bool{false, true} {
		r := spec.DefaultRules(spec.Virtio14)
		r.ResumeConfigNotify = spec.ResumeNotifyHeldOnly
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
