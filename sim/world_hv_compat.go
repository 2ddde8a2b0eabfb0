package sim

// Compatibility hooks of the hypervisor (issue 6). The saved state of every
// VF travels wrapped in a compatibility header; the destination checks it
// before anything is applied.

// precheck checks, before the source leaves Active/running, that destination
// h can take the state of every VF. Until the compatibility check is wired
// in, every destination is accepted.
func (hv *hvActor) precheck(op Op, h *host) error {
	_, _ = op, h
	return nil
}

// unwrapRead turns what the source returned for a read into the payload the
// hypervisor keeps (identity until the header is wired in).
func (hv *hvActor) unwrapRead(h *host, vf int, b []byte) ([]byte, error) {
	_, _ = h, vf
	return b, nil
}

// wrapState wraps one VF's saved payload for transport (identity until the
// header is wired in).
func (hv *hvActor) wrapState(vf int, payload []byte) []byte {
	_ = vf
	return payload
}

// loadCheck checks saved state at the destination before it is applied and
// returns the payload to write (identity until the header is wired in).
func (hv *hvActor) loadCheck(h *host, vf int, saved []byte) ([]byte, error) {
	_, _ = h, vf
	return saved, nil
}
