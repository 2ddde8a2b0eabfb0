package member

import (
	"github.com/migsim/migsim/spec"
)

// setMode moves the device to mode to (validated by the caller).
//
// Leaving Active: virtio-1.4 writes back every buffer already taken
// (execute + used element, interrupts held) before the reply (DP-DEV-09);
// draft-2023 keeps them as device-owned descriptors in the context. The
// incremental-read baseline is dropped, so the first read after the move
// out of Active returns every field.
//
// Entering Active: see resume.
func (b *Blk) setMode(to spec.Mode, fx *Effects) {
	from := b.mode
	if from == to {
		fx.note("mode %s unchanged", b.cfg.Edition.ModeName(to))
		return
	}
	fx.note("mode %s -> %s", b.cfg.Edition.ModeName(from), b.cfg.Edition.ModeName(to))
	if from == spec.ModeActive {
		b.mode = to
		b.baseline = nil
		if b.cfg.Edition == spec.Virtio14 {
			b.writeBackAll(fx)
		} else {
			b.latchPendingFetches(fx)
		}
		return
	}
	b.mode = to
	if to == spec.ModeActive {
		b.resume(fx)
	}
}

// resume runs at the move to Active / running: it applies the latched
// context or parts, carries out a deferred FLR, re-derives the runtime
// state and asks for the steps that serve what is pending — held
// interrupts first (StepDeliverHeld), then per queue the requests taken and
// not completed, then a fetch when a doorbell was latched or avail idx
// moved.
func (b *Blk) resume(fx *Effects) {
	b.baseline = nil
	fromParts := false
	var ev pendingApply
	if len(b.latchedFields) > 0 {
		if err := b.applyFields(&b.st, b.latchedFields, &ev); err != nil {
			fx.note("latched context not applied: %v", err)
		} else {
			fx.note("latched context applied (%d fields)", len(b.latchedFields))
		}
		b.latchedFields = nil
	}
	if len(b.latchedParts) > 0 {
		if err := b.applyParts(&b.st, b.latchedParts); err != nil {
			fx.note("latched parts not applied: %v", err)
		} else {
			fx.note("latched parts applied (%d parts)", len(b.latchedParts))
			fromParts = true
		}
		b.latchedParts = nil
	}
	if ev.flr {
		b.flrDeferred = true
	}
	if ev.reset && !b.resetPending {
		b.resetPending = true
		fx.Steps = append(fx.Steps, Step{Kind: StepFinishReset})
	}
	if b.flrDeferred {
		fx.note("deferred FLR carried out at the move to %s", b.cfg.Edition.ModeName(spec.ModeActive))
		b.doFLR(fx)
		return
	}
	if b.cfg.Edition == spec.Draft2023 {
		if c := b.cfg.Disk.Capacity(); c != b.st.capacity {
			b.capacityChanged(c, fx)
		}
	}
	if fromParts {
		b.rederive(fx)
	}
	if b.cfg.Rules.ResumeConfigNotify == spec.ResumeNotifyAlways {
		b.st.configHeld = true
	}
	if b.anyHeld() {
		fx.Steps = append(fx.Steps, Step{Kind: StepDeliverHeld})
	}
	for qi := range b.st.queues {
		q := &b.st.queues[qi]
		if !b.queueLive(uint16(qi)) {
			continue
		}
		fetch := q.notifyLatched
		// A draft-2023 device serves what its context says: a doorbell it
		// latched (VQ_SPLIT_RUNTIME_CFG). It does not poll the avail ring,
		// so a doorbell dropped in Freeze stays lost (question 7). A
		// virtio-1.4 device checks the ring: no part carries a doorbell.
		if !fetch && b.cfg.Edition == spec.Virtio14 {
			ring := q.ring()
			if idx, err := ring.AvailIdx(b.cfg.Mem, b.cfg.RID); err == nil && idx != q.lastAvail {
				fetch = true
			}
		}
		q.notifyLatched = false
		fx.Steps = append(fx.Steps, b.pendingSteps(uint16(qi), fetch)...)
	}
}

// latchPendingFetches runs when a draft-2023 device leaves Active: a
// doorbell received in Active whose fetch has not run yet becomes a latched
// notification, so the context carries it and a destination serves it.
func (b *Blk) latchPendingFetches(fx *Effects) {
	for qi := range b.st.queues {
		q := &b.st.queues[qi]
		if q.fetchPending && !q.notifyLatched {
			q.notifyLatched = true
			fx.note("q%d: doorbell received in Active and not served yet: latched", qi)
		}
		q.fetchPending = false
	}
}

// rederive rebuilds what virtio-1.4 parts do not carry after a resume from
// parts: the ring indices come from used idx in guest memory (every taken
// buffer was written back at stop, so last_avail = used idx), and since a
// held interrupt is carried by no part, one used-buffer notification per
// enabled queue is sent (spurious notifications are harmless).
func (b *Blk) rederive(fx *Effects) {
	for qi := range b.st.queues {
		q := &b.st.queues[qi]
		if !b.queueLive(uint16(qi)) {
			continue
		}
		ring := q.ring()
		idx, err := ring.ReadUsedIdx(b.cfg.Mem, b.cfg.RID)
		if err != nil {
			b.queueError(uint16(qi), err, fx)
			continue
		}
		q.lastAvail, q.usedIdx = idx, idx
		q.reqs = nil
		q.irqHeld = true
		fx.note("q%d: indices re-derived from used idx %d", qi, idx)
	}
}
