package member_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

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

// TestNoHeldInterruptDuringFLR: with flr-vs-mode=complete-anyway a mode
// change is answered while an FLR runs, so the member may resume before
// the FLR ends. An interrupt held while it was quiesced must not go out
// then: a function sends nothing during its FLR, whose end returns the
// held interrupts to none (the host saw MSI-X Enable reset from the FLR's
// start; the msix-target oracle judges it). Nor after the FLR's end, nor
// the configuration change a draft device defers from Freeze to the move
// to Active (PCI-DEV-08), which it raises in that move.
func TestNoHeldInterruptDuringFLR(t *testing.T) {
	for _, e := range spec.Editions {
		for _, m := range e.Modes() {
			if !m.Quiesced() {
				continue
			}
			r := spec.DefaultRules(e)
			r.FLRVsMode = spec.FLRCompleteAnyway
			g, _ := liveRig(t, e, r)
			require.Equal(t, spec.StatusOK, g.modeSet(m).Status)
			g.disk.Resize(2048)
			g.handle(member.Event{Kind: member.EvBackend})
			require.Empty(t, g.irqs, "%s %s: the configuration interrupt is held", e, m)
			g.flr()
			require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status, "%s: answered during the FLR (complete-anyway)", e)
			g.handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: member.StepDeliverHeld}})
			assert.Empty(t, g.irqs, "%s %s: an interrupt held before the FLR sent during it", e, m)
			g.handle(member.Event{Kind: member.EvTimer, Timer: member.TimerFLR})
			g.handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: member.StepFinishFLR}})
			g.handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: member.StepDeliverHeld}})
			assert.Empty(t, g.irqs, "%s %s: an interrupt held before the FLR sent after it", e, m)
		}
	}
}
