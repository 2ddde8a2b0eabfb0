package hv

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/hv/devimpl"
)

// Compatibility hooks of the hypervisor (docs/compat.md "In the
// simulated flows"). The saved state of every VF travels wrapped in a
// compatibility header describing the host it was read from; the
// destination checks it before anything is applied.

// precheck checks, before the source leaves Active/running, that
// destination h can take the state of every VF (`precheck HOST`, steps 1–7
// of the decision procedure). It changes nothing: on failure the flow
// stops with the *compat.IncompatibleError of the first VF that fails.
func (hv *Hypervisor) precheck(op scenario.Op, h Host) error {
	vfs, err := hv.vfs(op)
	if err != nil {
		return err
	}
	c, from := hv.compat, hv.w.VM()
	// The step changes nothing: the check runs in the hypervisor's code
	// once the step ran (so a rebuilt hypervisor, which runs no step's Do,
	// finds the same error).
	hv.local("precheck "+h.Name(), nop)
	hdr, err := c.identity(from).Header()
	if err != nil {
		return fmt.Errorf("source %s: %w", from.Name(), err)
	}
	dst := c.implOf(h)
	for _, vf := range vfs {
		at := compat.Where{Phase: compat.PhasePrecheck, Member: uint64(vf)}
		if err := compat.CheckCompatible(hdr, dst.Caps(), at); err != nil {
			return fmt.Errorf("%s: %w", h.Name(), err)
		}
	}
	hv.w.Notef("precheck %s: %s (%s) accepts %s state version %d from %s (%s), %d VF(s)",
		h.Name(), dst.Name, dst.ID, hdr.Model, hdr.StateVersion, from.Name(), hdr.Impl, len(vfs))
	return nil
}

// unwrapRead takes what host h returned for a read of VF vf (a draft
// DEV_CTX_READ, a PARTS_GET record, VFIO stream bytes) and returns the
// payload the hypervisor keeps. The bytes come from the device unwrapped;
// the hypervisor remembers h, whose identity wrapState writes into the
// header.
func (hv *Hypervisor) unwrapRead(h Host, vf int, b []byte) ([]byte, error) {
	hv.compat.origin[vf] = h
	return b, nil
}

// wrapState wraps one VF's saved payload for transport: the compatibility
// header of the host the state was read from (the source when nothing was
// read), with the parts manifest and the device and driver features taken
// from the payload when it holds them.
func (hv *Hypervisor) wrapState(vf int, kind devimpl.Kind, payload []byte) ([]byte, error) {
	from := hv.compat.origin[vf]
	if from == nil {
		from = hv.w.Hosts()[0]
	}
	d := hv.compat.identity(from)
	devimpl.DescribePayload(&d, kind, payload)
	hdr, err := d.Header()
	if err != nil {
		return nil, fmt.Errorf("world: compat: vf%d from %s: %w", vf, from.Name(), err)
	}
	return compat.EncodeSavedState(hdr, payload), nil
}

// loadCheck checks saved state at destination h before it is applied
// (steps 1–9, phase load) and returns the payload to write. Bytes the
// scenario corrupts (`corrupt`) are flipped first, in transit. A
// rejected state is an *compat.IncompatibleError; nothing was applied.
func (hv *Hypervisor) loadCheck(h Host, vf int, saved []byte) ([]byte, error) {
	c := hv.compat
	saved, err := c.applyCorruption(vf, saved)
	if err != nil {
		return nil, err
	}
	dst := c.implOf(h)
	at := compat.Where{Phase: compat.PhaseLoad, Member: uint64(vf)}
	plan, err := compat.CheckLoad(saved, dst.Caps(), at, nil)
	if err != nil {
		return nil, err
	}
	if err := devimpl.CheckSelectors(hv.ed, plan.Payload, plan, at); err != nil {
		return nil, err
	}
	for _, w := range plan.Warnings {
		hv.w.Notef("load %s vf%d: %s", h.Name(), vf, w)
	}
	for _, p := range plan.SetToOff {
		hv.w.Notef("load %s vf%d: %s runs at its off value (the source omits it)", h.Name(), vf, p)
	}
	c.adopt(h, hv.scen.Queues, plan)
	return plan.Payload, nil
}

// compatErrName names a compatibility failure for verdicts: `corrupt` when
// the saved state was damaged (length, CRC, device id), `incompatible`
// for every other mismatch.
func compatErrName(err error) (string, bool) {
	var ie *compat.IncompatibleError
	if !errors.As(err, &ie) {
		return "", false
	}
	if ie.Has(compat.CodeCorrupt) {
		return "corrupt", true
	}
	return "incompatible", true
}

// touch records that a migration operation addressed host h.
func (c *hvCompat) touch(h Host, verb string) {
	switch verb {
	case "mode", "read", "discard", "write", "save", "load", "vfio", "precopy", "vfio-write":
		c.touched[h.Index()] = true
	}
}
