package world

import "github.com/migsim/migsim/adminq"

// CanonicalStateHash is StateHash without the ids of the device
// pseudo-actors, which depend on the order devices first had work: two
// runs that differ only in that order hash alike.
func (w *World) CanonicalStateHash() uint64 {
	if !w.chaining {
		w.StateHash()
	}
	return w.stateHash(false)
}

// SetGuestIRQs sets the interrupts pending for guest i.
func (w *World) SetGuestIRQs(i int, irqs []uint16) { w.guests[i].irqs = irqs }

// SubmitForTest records on host 0's owner record that cmd was submitted.
func (w *World) SubmitForTest(cmd adminq.Command) { w.hosts[0].truth.Submitted(cmd) }
