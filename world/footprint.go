package world

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/world/por"
)

// Footprints: every world step declares the shared resources it reads and
// writes (docs/engine.md, "Scheduling model"), so that partial-order
// reduction reorders only steps that commute. Package world/por holds the
// resource classes and builds a footprint from its key and the world's
// shape (por.Shape); the world computes the keys from its state here and in
// footprint_steps.go. footprint_guard.go checks at run time that no step
// touches what it did not declare.

// footprint returns the footprint of key k, building it on first use.
func (w *World) footprint(k por.Key) engine.Footprint {
	return w.fpShape.Footprint(w.fpShapeHash, k)
}

// memberBits returns the state-dependent bits of an event of member vf of
// host h: built or not, with an admin command outstanding (the owner's
// record: a member may hold a reply without saying so); blame when a vCPU
// access now would be blamed on the hypervisor (the host's record says it
// froze or stopped the member, blame.go; the access reads that record,
// por.KindGuestTLP).
func (w *World) memberBits(h *host, vf int, vcpu bool) uint8 {
	if _, ok := h.pf.Member(vf); !ok {
		return por.VFUnbuilt
	}
	var bits uint8
	if h.pf.Forwarded(vf) {
		bits |= por.VFHeld
	}
	if vcpu && w.blame == "" && !w.cfg.Reference && h.truth.Mode(vf) == w.haltMode() { // hostHalted: the member is built, so present
		bits |= por.VFBlame
	}
	return bits
}

// deviceFootprint is the footprint of the next pending event of a device.
func (w *World) deviceFootprint(d *devActor) engine.Footprint {
	h := w.hosts[d.key.host]
	if d.key.target == owner.TargetPF {
		return w.footprint(por.Key{Kind: por.KindPF, H: uint8(h.idx)})
	}
	vf := int(d.key.target)
	bits := por.VFStep | por.VFEnable | w.memberBits(h, vf, false)
	ev := d.pending[0].Ev
	if ev.Kind != member.EvStep || (ev.Step.Kind != member.StepFetch && ev.Step.Kind != member.StepExecute &&
		ev.Step.Kind != member.StepComplete) {
		bits |= por.VFMode
	}
	return w.footprint(por.Key{Kind: por.KindVF, H: uint8(h.idx), A: uint16(vf), Bits: bits})
}
