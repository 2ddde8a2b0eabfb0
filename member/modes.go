package member

import (
	"github.com/migsim/migsim/spec"
)

// setMode moves the device to mode to (validated by the caller).
//
// Leaving Active: register work the device accepted and has not finished
// (a FEATURES_OK validation, a queue enable) is finished first or left
// pending, per pending-work; virtio-1.4 writes back every buffer already taken
// (execute + used element, interrupts held) before the reply (DP-DEV-09);
// draft-2023 keeps them as device-owned descriptors in the context. The
// incremental-read baseline is dropped, so the first read after the move
// out of Active returns every field.
//
// Entering Active: see resume.
func (d *Core) setMode(to spec.Mode, fx *Effects) {
	from := d.mode
	if from == to {
		fx.note("mode %s unchanged", d.cfg.Edition.ModeName(to))
		return
	}
	if !fx.quiet { // the names' boxing allocates even when note drops them
		fx.note("mode %s -> %s", d.cfg.Edition.ModeName(from), d.cfg.Edition.ModeName(to))
	}
	// The mode is not context (digest_cache.go): leaving Active changes it
	// only where work is finished, written back or latched (finishWork,
	// writeBackAll, latchPendingFetches forget the digest there), entering
	// Active applies what was latched.
	if to == spec.ModeActive {
		d.forgetDigest()
	}
	if from == spec.ModeActive {
		d.finishWorkBeforeQuiesce(fx)
		d.mode = to
		d.baseline = nil
		if d.cfg.Edition == spec.Virtio14 {
			d.writeBackAll(fx)
		} else {
			d.latchPendingFetches(fx)
		}
		return
	}
	d.mode = to
	if to == spec.ModeActive {
		d.resume(fx)
	}
}

// resume runs at the move to Active / running: it applies the latched
// context or parts, carries out a deferred FLR, re-derives the runtime
// state and asks for the steps that serve what is pending — held
// interrupts first (StepDeliverHeld), then per queue the requests taken and
// not completed, then a fetch when a doorbell was latched or avail idx
// moved.
func (d *Core) resume(fx *Effects) {
	d.baseline = nil
	fromParts := false
	var ev pendingApply
	// A doorbell this device accepted while quiesced (DRAFT-STOP-03,
	// DP-DEV-10) is its own record, newer than any context or parts written
	// to it: the latched state applied below must not erase it. On a
	// destination that passes through Stop after the context write (every
	// VF of a VM stopped before any resumes), a peer's doorbell arrives
	// exactly then.
	rung := d.latchedDoorbells()
	if len(d.latchedFields) > 0 {
		if err := d.applyFields(&d.st, d.latchedFields, &ev); err != nil {
			fx.note("latched context not applied: %v", err)
		} else {
			fx.note("latched context applied (%d fields)", len(d.latchedFields))
		}
		d.latchedFields = nil
	}
	if len(d.latchedParts) > 0 {
		if err := d.applyParts(&d.st, d.latchedParts); err != nil {
			fx.note("latched parts not applied: %v", err)
		} else {
			fx.note("latched parts applied (%d parts)", len(d.latchedParts))
			fromParts = true
		}
		d.latchedParts = nil
	}
	d.keepDoorbells(rung)
	if ev.flr {
		d.flrDeferred = true
	}
	if ev.reset && !d.resetPending {
		d.resetPending = true
		fx.Steps = append(fx.Steps, Step{Kind: StepFinishReset})
	} else if d.resetDeferred {
		d.resetDeferred = false
		fx.Steps = append(fx.Steps, Step{Kind: StepFinishReset})
	}
	if d.flrDeferred {
		fx.note("deferred FLR carried out at the move to %s", d.cfg.Edition.ModeName(spec.ModeActive))
		d.doFLR(fx)
		return
	}
	if d.cfg.Edition == spec.Draft2023 {
		// A host-side change deferred in Freeze is taken up now.
		if d.st.backend().HostChange().Config {
			d.applyHostChange(fx)
		}
	}
	if fromParts {
		d.rederive(fx)
	}
	if d.cfg.Rules.ResumeConfigNotify == spec.ResumeNotifyAlways {
		// The notifications a stopped device may owe and no part carries:
		// a config change, and the used buffers written back at Stop
		// (DP-DEV-09). Spurious ones are harmless to a driver.
		d.st.configHeld = true
		for qi := range d.st.queues {
			if d.queueLive(uint16(qi)) {
				d.st.queue(qi).irqHeld = true
			}
		}
	}
	if d.st.hasPendingWork() {
		// Register work accepted before the device was quiesced and
		// carried (pending-work=carry) is finished now.
		d.finishWork(fx)
	}
	if d.anyHeld() {
		fx.Steps = append(fx.Steps, Step{Kind: StepDeliverHeld})
	}
	for qi := range d.st.queues {
		if !d.queueLive(uint16(qi)) {
			continue
		}
		q := d.st.queue(qi)
		fetch := q.notifyLatched
		// With resume-avail=latched-only (the draft-2023 default) a device
		// serves what its context says: a doorbell it latched
		// (VQ_SPLIT_RUNTIME_CFG); a doorbell dropped in Freeze stays
		// unserved until the guest kicks again (question 7). With recheck
		// (the virtio-1.4 default: no part carries a doorbell) it compares
		// each queue's avail idx with last_avail and fetches what is new.
		// Either way a doorbell this device received while running and
		// had not served when it stopped (its fetch a no-op while
		// stopped, stepAllowed) is its own record: a virtio-1.4 source
		// resumed where it stopped (a cancelled migration) serves it. A
		// draft-2023 device latched it when it left Active
		// (latchPendingFetches); recheck finds its buffer in the avail
		// ring.
		switch {
		case fetch:
		case d.cfg.Rules.ResumeAvail == spec.ResumeAvailRecheck:
			ring := q.ring()
			if idx, err := ring.AvailIdxVia(d.cfg.Mem, d.cfg.RID, &d.ringBuf); err == nil && idx != q.lastAvail {
				fetch = true
			}
		case q.fetchPending:
			fetch = true
		}
		q.notifyLatched = false
		fx.Steps = append(fx.Steps, d.pendingSteps(uint16(qi), fetch)...)
	}
}

// latchPendingFetches runs when a draft-2023 device leaves Active: a
// doorbell received in Active whose fetch has not run yet becomes a latched
// notification, so the context carries it and a destination serves it.
func (d *Core) latchPendingFetches(fx *Effects) {
	for qi := range d.st.queues {
		q := d.st.queue(qi)
		if q.fetchPending && !q.notifyLatched {
			d.forgetDigest()
			q.notifyLatched = true
			fx.note("q%d: doorbell received in Active and not served yet: latched", qi)
		}
		q.fetchPending = false
	}
}

// rederive rebuilds what virtio-1.4 parts do not carry after a resume from
// parts: the ring indices come from used idx in guest memory (every taken
// buffer was written back at stop, so last_avail = used idx), and since a
// held interrupt is carried by no part, whether the used buffers written
// back at Stop are announced is resume-config-notify's choice (resume).
func (d *Core) rederive(fx *Effects) {
	for qi := range d.st.queues {
		if !d.queueLive(uint16(qi)) {
			continue
		}
		q := d.st.queue(qi)
		ring := q.ring()
		idx, err := ring.ReadUsedIdxVia(d.cfg.Mem, d.cfg.RID, &d.ringBuf)
		if err != nil {
			d.queueError(uint16(qi), err, fx)
			continue
		}
		q.lastAvail, q.usedIdx = idx, idx
		q.reqs = nil
		fx.note("q%d: indices re-derived from used idx %d", qi, idx)
	}
}

// latchedDoorbell is a doorbell a queue latched: its queue and the avail
// index it carried.
type latchedDoorbell struct {
	queue uint16
	avail uint16
}

// latchedDoorbells lists the queues with a latched doorbell.
func (d *Core) latchedDoorbells() []latchedDoorbell {
	var out []latchedDoorbell
	for qi, q := range d.st.queues {
		if q.notifyLatched {
			out = append(out, latchedDoorbell{uint16(qi), q.latchedAvail})
		}
	}
	return out
}

// keepDoorbells latches again the doorbells of rung that an applied context
// cleared.
func (d *Core) keepDoorbells(rung []latchedDoorbell) {
	for _, r := range rung {
		if int(r.queue) < len(d.st.queues) {
			q := d.st.queue(int(r.queue))
			q.notifyLatched, q.latchedAvail = true, r.avail
		}
	}
}
