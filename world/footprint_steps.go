package world

import (
	"math"
	"slices"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/por"
)

// actorInfo is what footprints need to know of an actor.
type actorInfo struct {
	kind por.ActorKind
	// guest is the guest's index in World.guests; peerVF the VF backing a
	// peer (0: none).
	guest  int
	peerVF int
}

// initFootprints records, once the actors exist, what footprints depend
// on: the world's shape and every actor's kind.
func (w *World) initFootprints() {
	s := &w.fpShape
	s.VMVFs = slices.Clone(w.vmVFs)
	for _, g := range w.guests {
		s.GuestVFs = append(s.GuestVFs, g.vf)
	}
	loadVFs := slices.Clone(w.vmVFs)
	if w.hv != nil {
		s.Rollback = w.hv.OnError() == "rollback"
		for _, op := range w.hv.Program().Ops {
			if op.Verb != "write" && op.Verb != "load" && op.Verb != "vfio-write" {
				continue
			}
			for _, a := range op.Args {
				if a.Key == "" && !slices.Contains(w.loadHosts, a.Value) {
					w.loadHosts = append(w.loadHosts, a.Value)
				}
			}
			if v, ok := scenario.Lookup(op.Args, "vf"); ok {
				if n, err := scenario.ParseNumber(v, 1, math.MaxInt32); err == nil {
					loadVFs = append(loadVFs, int(n))
				}
			}
		}
	}
	slices.Sort(loadVFs)
	s.LoadVFs = slices.Compact(loadVFs)
	w.fpShapeHash = s.Hash()

	w.actorInfo = make([]actorInfo, len(w.actors))
	for i, a := range w.actors {
		switch {
		case w.hv != nil && a == w.hvActor:
			w.actorInfo[i] = actorInfo{kind: por.ActorHV}
		case w.guestOf(a) != nil:
			gi := slices.Index(w.guests, w.guestOf(a))
			w.actorInfo[i] = actorInfo{kind: por.ActorGuest, guest: gi}
		default:
			w.actorInfo[i] = actorInfo{kind: por.ActorPeer, peerVF: w.peerVF(a.name)}
		}
	}
}

// peerVF is the VF backing the named peer (`peer NAME vf=N`), or 0.
func (w *World) peerVF(name string) int {
	for _, p := range w.scen.Actors {
		if p.Kind != scenario.ActorPeer || p.Name != name || (p.Edition != 0 && p.Edition != w.ed) {
			continue
		}
		if v, ok := scenario.Lookup(p.Args, "vf"); ok {
			n, _ := scenario.ParseNumber(v, 1, math.MaxInt32)
			return int(n)
		}
	}
	return 0
}

// classify parses the label of an actor's pending operation once.
func (w *World) classify(a *actor, info actorInfo) *por.Step {
	r := a.req
	if !r.classified {
		r.cls = por.Step{Kind: por.KindAll}
		// The label is "NAME:..."; cut the two parts apart without
		// building "NAME:".
		if rest, ok := strings.CutPrefix(r.label, a.name); ok {
			if rest, ok = strings.CutPrefix(rest, ":"); ok {
				r.cls = por.ClassifyRecent(info.kind, rest)
			}
		}
		r.classified = true
	}
	return &r.cls
}

// hostIndex finds a host by name; ok is false when it does not exist.
func (w *World) hostIndex(name string) (int, bool) {
	i := slices.IndexFunc(w.hosts, func(h *host) bool { return h.name == name }) // hosts[i].idx == i
	return i, i >= 0
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
	info := w.actorInfo[i]
	c := w.classify(a, info)
	switch c.Kind {
	case por.KindGuestTLP:
		g := w.guests[info.guest]
		h := w.hostOfVF(g.vf)
		return w.footprint(por.Key{Kind: por.KindGuestTLP, H: uint8(h.idx), A: uint16(info.guest), Bits: w.memberBits(h, g.vf, true) | a.req.access})
	case por.KindGuest:
		g := w.guests[info.guest]
		return w.footprint(por.Key{Kind: por.KindGuest, Sub: c.Sub, H: uint8(w.hostOfVF(g.vf).idx), A: uint16(info.guest), B: c.Sig})
	case por.KindHV:
		if w.hv.Unbooted(len(w.hosts)) {
			// The program after this step may boot a host another actor
			// created (the owner driver probes its PF and enables its VFs),
			// which no hypervisor key declares.
			return por.FPAll
		}
		return w.hvFootprint(c)
	case por.KindPeer:
		k := por.Key{Kind: por.KindPeer, Sub: c.Sub, NH: uint8(len(w.hosts)), C: uint16(info.peerVF), B: c.Sig}
		switch c.Sub {
		case por.PeerTLP, por.PeerWire:
			h := w.hostOfVF(c.VF)
			k.H, k.A, k.Bits = uint8(h.idx), uint16(c.VF), w.memberBits(h, c.VF, false)|a.req.access
		case por.PeerPF:
			h, ok := w.hostIndex(c.Host)
			if !ok {
				return por.FPAll
			}
			k.H = uint8(h)
		}
		return w.footprint(k)
	}
	return por.FPAll
}

// hvFootprint is the footprint of the hypervisor's pending operation c
// once every host it may name is booted.
func (w *World) hvFootprint(c *por.Step) engine.Footprint {
	k := por.Key{Kind: por.KindHV, Sub: c.Sub, NH: uint8(len(w.hosts)), LoadMask: w.loadMask(), B: c.Sig}
	if w.vm != nil {
		k.VMHost = uint8(w.vm.idx)
	}
	if c.Host != "" {
		h, ok := w.hostIndex(c.Host)
		if !ok {
			return por.FPAll
		}
		k.H = uint8(h)
	}
	fp := w.footprint(k)
	if c.PFAccess {
		pk := por.Key{Kind: por.KindPF, H: k.H}
		if c.Doorbell && addrmap.PFNotify(w.hosts[k.H].pfCfg, c.Addr) {
			pk.Kind = por.KindDoorbell
		}
		fp = por.Union(fp, w.footprint(pk))
	}
	return fp
}

// loadMask has bit i set when host i is one the hypervisor loads into.
func (w *World) loadMask() uint8 {
	var m uint8
	for _, h := range w.hosts {
		if slices.Contains(w.loadHosts, h.name) {
			m |= 1 << h.idx
		}
	}
	return m
}
