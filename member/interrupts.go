package member

import (
	"fmt"

	"github.com/migsim/migsim/pcie"
)

// raise sends the MSI-X message of vector, unless the vector is NO_VECTOR
// or outside the table, an FLR is in progress or MSI-X is disabled (then
// the signal is dropped: msixControl), or the function or the entry is
// masked (then the pending bit is set).
func (d *Core) raise(vector uint16, what string, fx *Effects) {
	if vector == NoVector {
		fx.note("%s interrupt: no vector", what)
		return
	}
	if int(vector) >= d.msix.Len() {
		fx.note("%s interrupt: vector %d outside a table of %d", what, vector, d.msix.Len())
		return
	}
	if d.flrPending {
		// The function is being reset: it sends nothing, and the FLR's
		// end clears MSI-X Enable (PCI Express Base, Function Level Reset).
		fx.note("%s interrupt: vector %d, FLR in progress: dropped", what, vector)
		return
	}
	enabled, fnMasked := d.msixControl()
	if !enabled {
		fx.note("%s interrupt: vector %d, MSI-X disabled: dropped", what, vector)
		return
	}
	if fnMasked {
		d.msix.SetPending(vector)
		fx.note("%s interrupt: vector %d, function masked: pending", what, vector)
		return
	}
	msg, sent := d.msix.Signal(d.cfg.RID, vector)
	if !sent {
		fx.note("%s interrupt: vector %d masked, pending", what, vector)
		return
	}
	d.msix.ClearPending(vector) // the message sent is the one pending too
	fx.Interrupts = append(fx.Interrupts, msg)
}

// queueInterrupt signals a used buffer on queue q, or holds it while
// quiesced.
func (d *Core) queueInterrupt(q uint16, fx *Effects) {
	d.st.isr |= 1
	if d.quiesced() {
		d.st.queue(int(q)).irqHeld = true
		fx.note("q%d interrupt held (%s)", q, d.modeName())
		return
	}
	d.raise(d.st.queues[q].Vector, fmt.Sprintf("q%d", q), fx)
}

// configInterrupt signals a configuration change, or holds it while
// quiesced.
func (d *Core) configInterrupt(fx *Effects) {
	d.st.isr |= 2
	if d.quiesced() {
		d.st.configHeld = true
		fx.note("config-change interrupt held (%s)", d.modeName())
		return
	}
	d.raise(d.st.ConfigVector, "config", fx)
}

// deliverHeld sends every held interrupt (StepDeliverHeld). While still
// quiesced it is a no-op.
func (d *Core) deliverHeld(fx *Effects) {
	if d.quiesced() {
		fx.note("deliver-held while %s: no-op", d.modeName())
		return
	}
	if d.flrPending {
		// A function sends nothing while its FLR runs, and the FLR's end
		// returns the held interrupts to none (doFLR): a mode change
		// answered before the FLR ended (flr-vs-mode=complete-anyway)
		// leaves them to it. The host has seen MSI-X Enable reset since it
		// started the FLR (PCI Express Base, Function Level Reset).
		fx.note("deliver-held while an FLR is in progress: no-op (the FLR's end clears what is held)")
		return
	}
	if d.st.configHeld {
		d.st.configHeld = false
		d.raise(d.st.ConfigVector, "config (held)", fx)
	}
	for i := range d.st.queues {
		if q := &d.st.queues[i]; q.irqHeld {
			d.st.queue(i).irqHeld = false
			d.raise(q.Vector, fmt.Sprintf("q%d (held)", i), fx)
		}
	}
	// An entry unmasked while quiesced with its pending bit set: PCI's
	// MSI-X rule sends the pending message once the entry is unmasked, and
	// a stopped function keeps PCI-architected behaviour (DP-DEV-10), so
	// it goes now.
	d.sendAllPending(fx)
}

// msixControl reads MSI-X Enable and Function Mask from the Message
// Control register of the member's MSI-X capability (PCI Express Base,
// "MSI-X Capability and Table Structure"; a VF's sits at
// pcie.MSIXCapOffset). While Enable is 0 the function must not send MSI-X
// messages and, a VF having no INTx, a signal is dropped: PCI defines
// pending bits for masked vectors of an enabled function only. While
// Function Mask is 1 every vector is masked, whatever its own Mask bit.
func (d *Core) msixControl() (enabled, fnMasked bool) {
	v, err := d.cs.Read(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, 2)
	if err != nil {
		return false, false
	}
	return uint16(v)&pcie.MSIXCtlEnable != 0, uint16(v)&pcie.MSIXCtlFunctionMask != 0
}

// msixMayFire reports whether MSI-X is enabled and the function unmasked:
// whether an unmasked entry with its pending bit set is owed now.
func (d *Core) msixMayFire() bool {
	enabled, fnMasked := d.msixControl()
	return enabled && !fnMasked
}

// sendAllPending sends the pending message of every unmasked entry, in
// vector order, when MSI-X is enabled and the function unmasked.
func (d *Core) sendAllPending(fx *Effects) {
	if !d.msix.Deliverable() || !d.msixMayFire() {
		return
	}
	for v := range d.msix.Len() {
		if d.msix.pendingUnmasked(uint16(v)) {
			d.sendPending(uint16(v), fx)
		}
	}
}

// msixControlWritten acts on a configuration write that changed MSI-X
// Enable or Function Mask: the pending message of every unmasked entry is
// sent once MSI-X is enabled and the function unmasked (PCI's rule for a
// vector unmasked with its pending bit set, which Function Mask's clearing
// unmasks too), unless the member is quiesced: then deliverHeld sends them
// when it runs again, as for an entry unmasked while quiesced.
func (d *Core) msixControlWritten(we pcie.WriteEffect, fx *Effects) {
	if !we.Has(pcie.MSIXEnableChanged) && !we.Has(pcie.MSIXMaskChanged) {
		return
	}
	if d.quiesced() {
		return
	}
	d.sendAllPending(fx)
}

// sendPending sends the pending message of unmasked entry v and clears
// its pending bit.
func (d *Core) sendPending(v uint16, fx *Effects) {
	d.msix.ClearPending(v)
	msg, _ := d.msix.Signal(d.cfg.RID, v)
	fx.Interrupts = append(fx.Interrupts, msg)
}

// anyHeld reports whether an interrupt is held.
func (d *Core) anyHeld() bool {
	if d.st.configHeld || d.msix.Deliverable() && d.msixMayFire() {
		return true
	}
	for i := range d.st.queues {
		if d.st.queues[i].irqHeld {
			return true
		}
	}
	return false
}
