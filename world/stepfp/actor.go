package stepfp

import (
	"slices"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/world/por"
)

// Classify parses the label of actor i's pending operation; name is the
// actor's name. The world keeps the result with the operation, to parse
// each label once.
func (s *Steps) Classify(i int, name, label string) por.Step {
	cls := por.Step{Kind: por.KindAll}
	// The label is "NAME:..."; cut the two parts apart without
	// building "NAME:".
	if rest, ok := strings.CutPrefix(label, name); ok {
		if rest, ok = strings.CutPrefix(rest, ":"); ok {
			cls = por.ClassifyRecent(s.actors[i].Kind, rest)
		}
	}
	return cls
}

// sync brings the host cache up to the world's hosts, and returns their
// number.
func (s *Steps) sync(w World) int {
	n := w.Hosts()
	if n == s.hosts.n {
		return n
	}
	c := &s.hosts
	for i := c.n; i < min(n, cachedHosts); i++ {
		c.names[i] = w.HostName(i)
	}
	c.n = n
	c.mask = s.loadMask(w)
	return n
}

// hostIndex finds a host by name; ok is false when it does not exist.
func (s *Steps) hostIndex(w World, name string) (int, bool) {
	n := s.sync(w)
	for i := range n {
		if i < cachedHosts && s.hosts.names[i] == name || i >= cachedHosts && w.HostName(i) == name {
			return i, true
		}
	}
	return -1, false
}

// Actor is the footprint of actor i's pending operation, classified as c
// (Classify); access is what it touches of a VF besides the member
// (por.VFAccess).
func (s *Steps) Actor(w World, i int, c *por.Step, access uint8) engine.Footprint {
	info := s.actors[i]
	switch c.Kind {
	case por.KindGuestTLP:
		h, vf := w.GuestTarget(info.Guest)
		return s.Footprint(por.Key{Kind: por.KindGuestTLP, H: uint8(h), A: uint16(info.Guest), Bits: w.MemberBits(h, vf, true) | access})
	case por.KindGuest:
		h, _ := w.GuestTarget(info.Guest)
		return s.Footprint(por.Key{Kind: por.KindGuest, Sub: c.Sub, H: uint8(h), A: uint16(info.Guest), B: c.Sig})
	case por.KindHV:
		if w.Unbooted() {
			// The program after this step may boot a host another actor
			// created (the owner driver probes its PF and enables its VFs),
			// which no hypervisor key declares.
			return por.FPAll
		}
		return s.HV(w, c)
	case por.KindPeer:
		k := por.Key{Kind: por.KindPeer, Sub: c.Sub, NH: uint8(w.Hosts()), C: uint16(info.PeerVF), B: c.Sig}
		switch c.Sub {
		case por.PeerTLP, por.PeerWire:
			h := w.HostOfVF(c.VF)
			k.H, k.A, k.Bits = uint8(h), uint16(c.VF), w.MemberBits(h, c.VF, false)|access
		case por.PeerPF:
			h, ok := s.hostIndex(w, c.Host)
			if !ok {
				return por.FPAll
			}
			k.H = uint8(h)
		}
		return s.Footprint(k)
	}
	return por.FPAll
}

// HV is the footprint of the hypervisor's pending operation c once every
// host it may name is booted.
func (s *Steps) HV(w World, c *por.Step) engine.Footprint {
	nh := s.sync(w)
	k := por.Key{Kind: por.KindHV, Sub: c.Sub, NH: uint8(nh), LoadMask: s.hosts.mask, B: c.Sig}
	if vm, ok := w.VMHost(); ok {
		k.VMHost = uint8(vm)
	}
	if c.Host != "" {
		h, ok := s.hostIndex(w, c.Host)
		if !ok {
			return por.FPAll
		}
		k.H = uint8(h)
	}
	fp := s.Footprint(k)
	if c.PFAccess {
		pk := por.Key{Kind: por.KindPF, H: k.H}
		if c.Doorbell && w.PFNotify(int(k.H), c.Addr) {
			pk.Kind = por.KindDoorbell
		}
		fp = por.Union(fp, s.Footprint(pk))
	}
	return fp
}

// loadMask has bit i set when host i is one the hypervisor loads into.
func (s *Steps) loadMask(w World) uint8 {
	var m uint8
	for i := range w.Hosts() {
		if slices.Contains(s.loadHosts, w.HostName(i)) {
			m |= 1 << i
		}
	}
	return m
}

// Device is the footprint of ev, the next pending event of function t of
// host h.
func (s *Steps) Device(w World, h int, t owner.Target, ev *member.Event) engine.Footprint {
	if t == owner.TargetPF {
		return s.Footprint(por.Key{Kind: por.KindPF, H: uint8(h)})
	}
	vf := int(t)
	bits := por.VFStep | por.VFEnable | w.MemberBits(h, vf, false)
	if ev.Kind != member.EvStep || (ev.Step.Kind != member.StepFetch && ev.Step.Kind != member.StepExecute &&
		ev.Step.Kind != member.StepComplete) {
		bits |= por.VFMode
	}
	return s.Footprint(por.Key{Kind: por.KindVF, H: uint8(h), A: uint16(vf), Bits: bits})
}
