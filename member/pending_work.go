package member

import (
	"github.com/migsim/migsim/spec"
)

// Register work that takes more than one device step: the device accepts a
// driver's write at once and finishes it later, as a device with firmware
// behind its register file does. Two writes work this way:
//
//   - setting FEATURES_OK: device_status keeps the bit clear until the
//     device has validated the driver's features, then sets it (or leaves it
//     clear, refusing them);
//   - writing queue_enable: the queue reads as not enabled until the device
//     has committed it.
//
// The device finishes the work when something needs it, never on its own
// in between: the virtio registers handle accesses in order, so a later
// access to the common configuration or a doorbell (the driver's read-back
// of device_status, its next register write, a kick) waits for it and a
// driver never sees it half done; a mode change that quiesces the device
// does what the `pending-work` knob says (finish it before the reply, carry
// it in the saved state, or drop it: spec.PendingWork); the move to Active
// finishes what was carried. Finishing as late as that is what a mode change
// can catch; a device that finished earlier is the schedule in which it
// does not. The PCI-architected MSI-X table and PBA (which a hypervisor
// copies) do not wait.

// hasPendingWork reports whether a FEATURES_OK validation or a queue
// enable is accepted and not finished.
func (s *state) hasPendingWork() bool {
	if s.featuresPending {
		return true
	}
	for i := range s.queues {
		if s.queues[i].enablePending {
			return true
		}
	}
	return false
}

// acceptWork records register work just accepted. Under
// pending-work=finish a quiesced device does not leave it owed: it finishes
// it at once.
func (d *Core) acceptWork(fx *Effects) {
	if d.quiesced() && d.cfg.Rules.PendingWork == spec.PendingWorkFinish {
		d.finishWork(fx)
	}
}

// pendingWorkName names a pending-work value as the knob spells it.
func pendingWorkName(v spec.PendingWork) string {
	switch v {
	case spec.PendingWorkFinish:
		return "finish"
	case spec.PendingWorkCarry:
		return "carry"
	}
	return "drop"
}

// finishWork validates a pending FEATURES_OK and commits pending queue
// enables.
func (d *Core) finishWork(fx *Effects) {
	d.forgetDigest()
	s := &d.st
	if s.featuresPending {
		s.featuresPending = false
		v := s.Status | spec.StatusFeaturesOK
		if !FeaturesAcceptable(d.cfg.Features, s.DriverFeatures) {
			fx.note("FEATURES_OK refused: driver features %s not acceptable (offered %s)",
				spec.Features(s.DriverFeatures), d.cfg.Features)
			v &^= spec.StatusFeaturesOK
		} else if fc, ok := s.backend().(FeatureChecker); ok {
			if err := fc.CheckFeatures(spec.Features(s.DriverFeatures)); err != nil {
				fx.note("FEATURES_OK refused: %v", err)
				v &^= spec.StatusFeaturesOK
			}
		}
		if v&spec.StatusFeaturesOK != 0 {
			fx.note("FEATURES_OK validated")
		}
		s.Status = v
	}
	for qi := range s.queues {
		if s.queues[qi].enablePending {
			q := s.queue(qi)
			q.enablePending = false
			q.Enable, q.Reset = 1, 0
			fx.note("q%d enable committed", qi)
		}
	}
}

// finishWorkBeforeQuiesce runs when a mode change quiesces the device:
// under pending-work=finish the work is done before the reply; otherwise it
// stays pending, held until the move to Active.
func (d *Core) finishWorkBeforeQuiesce(fx *Effects) {
	if !d.st.hasPendingWork() {
		return
	}
	if d.cfg.Rules.PendingWork == spec.PendingWorkFinish {
		fx.note("register work finished before the mode change completes (pending-work=finish)")
		d.finishWork(fx)
		return
	}
	fx.note("register work left pending across the mode change (pending-work=%s)",
		pendingWorkName(d.cfg.Rules.PendingWork))
}
