package world

import (
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/por"
	"github.com/migsim/migsim/world/stepfp"
)

// Footprints: every world step declares the shared resources it reads and
// writes (docs/engine.md, "Scheduling model"), so that partial-order
// reduction reorders only steps that commute. Package world/por holds the
// resource classes and builds a footprint from its key and the world's
// shape (por.Shape); package world/stepfp computes the keys from the
// world's state, which it reads through fpWorld. footprint_guard.go checks
// at run time that no step touches what it did not declare.

// initFootprints records, once the actors exist, what footprints depend
// on: the world's shape and every actor's kind.
func (w *World) initFootprints() {
	var guestVFs []int
	for _, g := range w.guests {
		guestVFs = append(guestVFs, g.vf)
	}
	actors := make([]stepfp.Actor, len(w.actors))
	for i, a := range w.actors {
		switch {
		case w.hv != nil && a == w.hvActor:
			actors[i] = stepfp.Actor{Kind: por.ActorHV}
		case w.guestOf(a) != nil:
			gi := slices.Index(w.guests, w.guestOf(a))
			actors[i] = stepfp.Actor{Kind: por.ActorGuest, Guest: gi}
		default:
			actors[i] = stepfp.Actor{Kind: por.ActorPeer, PeerVF: stepfp.PeerVF(w.scen, w.ed, a.name)}
		}
	}
	if w.hv != nil {
		w.fp.Init(w.vmVFs, guestVFs, w.hv.Program(), w.hv.OnError() == "rollback", actors)
	} else {
		w.fp.Init(w.vmVFs, guestVFs, nil, false, actors)
	}
}

// actorFootprint is the footprint of actor i's pending operation.
func (w *World) actorFootprint(i int) engine.Footprint {
	a := w.actors[i]
	if a.trapping || a.req.trap || a.req.post {
		// The step runs the hypervisor's code (a trapped FLR): it reads and
		// changes the hypervisor's state, which no resource names. Or it
		// puts a write on a bus lane, which any later request may push
		// ahead of itself to any function (package posted): with a write in
		// flight every step declares everything, and so does the step that
		// puts the first one there.
		return por.FPAll
	}
	r := a.req
	if !r.classified { // the label is parsed once
		r.cls = w.fp.Classify(i, a.name, r.label)
		r.classified = true
	}
	return w.fp.Actor(fpWorld{w}, i, &r.cls, r.access)
}

// deviceFootprint is the footprint of the next pending event of a device.
func (w *World) deviceFootprint(d *devActor) engine.Footprint {
	return w.fp.Device(fpWorld{w}, d.key.host, d.key.target, &d.pending[0].Ev)
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

// fpWorld is the world as the footprints of its steps read it
// (stepfp.World).
type fpWorld struct{ w *World }

func (s fpWorld) Hosts() int            { return len(s.w.hosts) }
func (s fpWorld) HostName(i int) string { return s.w.hosts[i].name }
func (s fpWorld) HostOfVF(vf int) int   { return s.w.hostOfVF(vf).idx }
func (s fpWorld) Unbooted() bool        { return s.w.hv.Unbooted(len(s.w.hosts)) }
func (s fpWorld) PFNotify(h int, a uint64) bool {
	return addrmap.PFNotify(s.w.hosts[h].pfCfg, a)
}

func (s fpWorld) GuestTarget(g int) (h, vf int) {
	vf = s.w.guests[g].vf
	return s.w.hostOfVF(vf).idx, vf
}

func (s fpWorld) MemberBits(h, vf int, vcpu bool) uint8 {
	return s.w.memberBits(s.w.hosts[h], vf, vcpu)
}

func (s fpWorld) VMHost() (int, bool) {
	if s.w.vm == nil {
		return 0, false
	}
	return s.w.vm.idx, true
}
