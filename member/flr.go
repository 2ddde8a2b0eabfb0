package member

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// startFLR begins an FLR (Device Control bit 15): FLRDurationNs of virtual
// time during which memory requests to the VF are dropped. With
// flr-vs-mode=defer-flr an FLR started while quiesced is deferred to the
// move to Active (recorded in PENDING_EVENTS).
func (b *Blk) startFLR(fx *Effects) {
	if b.flrPending || b.flrDeferred {
		fx.note("FLR already in progress")
		return
	}
	if b.cfg.Rules.FLRVsMode == spec.FLRDefer && b.quiesced() {
		b.flrDeferred = true
		fx.note("FLR deferred to the move to Active (flr-vs-mode=defer-flr, %s)", b.cfg.Edition.ModeName(b.mode))
		return
	}
	b.flrPending = true
	fx.note("FLR started")
	fx.Timers = append(fx.Timers, Timer{ID: TimerFLR, Delay: pcie.FLRDurationNs})
}

// finishFLR completes the FLR (StepFinishFLR), unless defer-flr holds it
// while quiesced.
func (b *Blk) finishFLR(fx *Effects) {
	if !b.flrPending {
		fx.note("finish-flr with no FLR in progress: no-op")
		return
	}
	if b.cfg.Rules.FLRVsMode == spec.FLRDefer && b.quiesced() {
		b.flrPending = false
		b.flrDeferred = true
		fx.note("FLR completion deferred to the move to Active (flr-vs-mode=defer-flr)")
		b.releaseHeld(fx)
		return
	}
	b.doFLR(fx)
}

// doFLR returns every register and part to its default (DP-DEV-14): the
// virtio state, the MSI-X table, configuration space, latched context or
// parts and the taken requests. The mode follows mode-after-flr. Held
// replies are then answered.
func (b *Blk) doFLR(fx *Effects) {
	b.flrPending, b.flrDeferred = false, false
	b.resetPending = false
	b.st = newState(b.cfg)
	b.msix = newMSIXTable(b.cfg.MSIXVectors)
	b.cs.Reset()
	b.latchedFields, b.latchedParts = nil, nil
	b.cursor = nil
	if b.cfg.Rules.ModeAfterFLR == spec.AfterFLRRunning {
		b.mode = spec.ModeActive
	}
	fx.note("FLR complete: defaults restored, mode %s", b.cfg.Edition.ModeName(b.mode))
	b.releaseHeld(fx)
}

// finishReset completes a virtio device reset (StepFinishReset): the virtio
// state returns to its defaults (MSI-X table and configuration space are
// PCI state and stay); device_status reads 0 from now on (PCI-DEV-03). The
// migration mode is the owner's and stays: a guest's virtio reset does not
// resume a device the owner stopped (mode-after-flr governs FLR only).
func (b *Blk) finishReset(fx *Effects) {
	if !b.resetPending {
		fx.note("finish-reset with no reset in progress: no-op")
		return
	}
	b.resetPending = false
	b.st = newState(b.cfg)
	b.latchedFields, b.latchedParts = nil, nil
	fx.note("device reset complete, mode %s", b.cfg.Edition.ModeName(b.mode))
	b.releaseHeld(fx)
}
