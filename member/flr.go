package member

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// startFLR begins an FLR (Device Control bit 15): FLRDurationNs of virtual
// time during which memory requests to the VF are dropped. With
// flr-vs-mode=defer-flr an FLR started while quiesced is deferred to the
// move to Active (recorded in PENDING_EVENTS).
func (d *Core) startFLR(fx *Effects) {
	if d.flrPending || d.flrDeferred {
		fx.note("FLR already in progress")
		return
	}
	if d.cfg.Rules.FLRVsMode == spec.FLRDefer && d.quiesced() {
		d.flrDeferred = true
		fx.note("FLR deferred to the move to Active (flr-vs-mode=defer-flr, %s)", d.modeName())
		return
	}
	d.flrPending = true
	fx.note("FLR started")
	fx.Timers = append(fx.Timers, Timer{ID: TimerFLR, Delay: pcie.FLRDurationNs})
}

// finishFLR completes the FLR (StepFinishFLR), unless defer-flr holds it
// while quiesced.
func (d *Core) finishFLR(fx *Effects) {
	if !d.flrPending {
		fx.note("finish-flr with no FLR in progress: no-op")
		return
	}
	if d.cfg.Rules.FLRVsMode == spec.FLRDefer && d.quiesced() {
		d.flrPending = false
		d.flrDeferred = true
		fx.note("FLR completion deferred to the move to Active (flr-vs-mode=defer-flr)")
		d.releaseHeld(fx)
		return
	}
	d.doFLR(fx)
}

// doFLR returns every register and part to its default (DP-DEV-14): the
// virtio state, the MSI-X table, configuration space, latched context or
// parts and the taken requests. The mode follows mode-after-flr. Held
// replies are then answered.
func (d *Core) doFLR(fx *Effects) {
	d.flrPending, d.flrDeferred = false, false
	d.resetPending, d.resetDeferred = false, false
	d.st = newState(d.cfg, d.st.backend())
	d.msix = NewMSIXTable(d.cfg.MSIXTableSize())
	d.cs.Reset()
	d.latchedFields, d.latchedParts = nil, nil
	d.cursor = nil
	if d.cfg.Rules.ModeAfterFLR == spec.AfterFLRRunning {
		d.mode = spec.ModeActive
	}
	fx.note("FLR complete: defaults restored, mode %s", d.modeName())
	d.releaseHeld(fx)
}

// finishReset completes a virtio device reset (StepFinishReset): the virtio
// state returns to its defaults (MSI-X table and configuration space are
// PCI state and stay); device_status reads 0 from now on (PCI-DEV-03). The
// migration mode is the owner's and stays: a guest's virtio reset does not
// resume a device the owner stopped (mode-after-flr governs FLR only).
//
// With reset-vs-mode=reply-on-start the mode change was answered once the
// reset had started; a reset that would complete while the device is frozen
// completes instead at the move to Active (DRAFT-FRZ-02), still pending in
// the context (PENDING_EVENTS).
func (d *Core) finishReset(fx *Effects) {
	if !d.resetPending {
		fx.note("finish-reset with no reset in progress: no-op")
		return
	}
	if d.cfg.Rules.ResetVsMode == spec.ResetReplyOnStart && d.mode == spec.ModeFreeze {
		d.resetDeferred = true
		fx.note("device reset completion deferred to the move to %s (reset-vs-mode=reply-on-start)",
			d.cfg.Edition.ModeName(spec.ModeActive))
		return
	}
	d.resetPending, d.resetDeferred = false, false
	d.st = newState(d.cfg, d.st.backend())
	d.latchedFields, d.latchedParts = nil, nil
	fx.note("device reset complete, mode %s", d.modeName())
	d.releaseHeld(fx)
}
