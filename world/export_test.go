package world

// CanonicalStateHash is StateHash without the ids of the device
// pseudo-actors, which depend on the order devices first had work: two
// runs that differ only in that order hash alike.
func (w *World) CanonicalStateHash() uint64 {
	if !w.chaining {
		w.StateHash()
	}
	return w.stateHash(false)
}
