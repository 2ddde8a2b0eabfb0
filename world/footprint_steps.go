package world

import (
	"encoding/binary"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"sync"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// actorKind says which program an actor runs.
type actorKind uint8

const (
	kindGuest actorKind = iota + 1
	kindHV
	kindPeer
)

// actorInfo is what footprints need to know of an actor.
type actorInfo struct {
	kind actorKind
	// guest is the guest's index in World.guests; peerVF the VF backing a
	// peer (0: none).
	guest  int
	peerVF int
}

// stepClass is the classification of one pending operation, parsed once
// from its label: the step kind, the host, VF and signal it names.
type stepClass struct {
	kind fpKind
	sub  uint8
	host string
	vf   int
	sig  uint32
	addr uint64
	// tlp: a device access of a guest; doorbell: a hypervisor write into a
	// PF's notify region (else a PF access is a PF event).
	tlp, doorbell, pfAccess bool
}

// initFootprints records, once the actors exist, what footprints depend
// on: the world's shape and every actor's kind.
func (w *World) initFootprints() {
	s := &w.fpShape
	s.vmVFs = slices.Clone(w.vmVFs)
	for _, g := range w.guests {
		s.guestVFs = append(s.guestVFs, g.vf)
	}
	loadVFs := slices.Clone(w.vmVFs)
	if w.hv != nil {
		s.rollback = w.hv.OnError() == "rollback"
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
				if n, err := strconv.Atoi(v); err == nil {
					loadVFs = append(loadVFs, n)
				}
			}
		}
	}
	slices.Sort(loadVFs)
	s.loadVFs = slices.Compact(loadVFs)
	h := fnv.New64a()
	put := func(xs []int) {
		var b [8]byte
		binary.LittleEndian.PutUint64(b[:], uint64(len(xs)))
		h.Write(b[:])
		for _, x := range xs {
			binary.LittleEndian.PutUint64(b[:], uint64(x))
			h.Write(b[:])
		}
	}
	put(s.vmVFs)
	put(s.guestVFs)
	put(s.loadVFs)
	if s.rollback {
		h.Write([]byte{1})
	}
	w.fpShapeHash = h.Sum64()

	w.actorInfo = make([]actorInfo, len(w.actors))
	for i, a := range w.actors {
		switch {
		case w.hv != nil && a == w.hvActor:
			w.actorInfo[i] = actorInfo{kind: kindHV}
		case w.guestOf(a) != nil:
			gi := slices.Index(w.guests, w.guestOf(a))
			w.actorInfo[i] = actorInfo{kind: kindGuest, guest: gi}
		default:
			w.actorInfo[i] = actorInfo{kind: kindPeer, peerVF: w.peerVF(a.name)}
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
			n, _ := strconv.Atoi(v)
			return n
		}
	}
	return 0
}

// classify parses the label of an actor's pending operation once.
func (w *World) classify(a *actor, info actorInfo) *stepClass {
	if a.req.cls != nil {
		return a.req.cls
	}
	c := &stepClass{kind: fkAll}
	rest, ok := strings.CutPrefix(a.req.label, a.name+":")
	if ok {
		switch info.kind {
		case kindGuest:
			classifyGuest(c, rest)
		case kindHV:
			w.classifyHV(c, rest)
		case kindPeer:
			classifyPeer(c, rest)
		}
	}
	a.req.cls = c
	return c
}

func classifyGuest(c *stepClass, rest string) {
	verb, arg, _ := strings.Cut(rest, " ")
	switch verb {
	case "cfg-read", "cfg-write", "mmio-read", "mmio-write":
		c.kind, c.tlp = fkGuestTLP, true
	case "wait-irq":
		c.kind, c.sub = fkGuest, guestWaitIRQ
	case "sleep":
		c.kind, c.sub = fkGuest, guestPlain
	case "signal":
		c.kind, c.sub, c.sig = fkGuest, guestSignal, fnv32(arg)
	case "await":
		c.kind, c.sub, c.sig = fkGuest, guestAwait, fnv32(arg)
	}
}

// classifyHV parses a hypervisor label: "HOST pf KIND 0xADDR…", "HOST
// wait-admin" or one of the operations of its own.
func (w *World) classifyHV(c *stepClass, rest string) {
	verb, arg, _ := strings.Cut(rest, " ")
	c.kind = fkHV
	switch verb {
	case "signal":
		c.sub, c.sig = hvSignal, fnv32(arg)
		return
	case "await":
		c.sub, c.sig = hvAwait, fnv32(arg)
		return
	case "sleep", "forget", "precheck", "corrupt":
		c.sub = hvPlain
		return
	case "halt-vcpus", "resume-vcpus":
		c.sub = hvHalt
		return
	case "copy-memory", "copy-pci", "switchover", "fail":
		c.sub = map[string]uint8{"copy-memory": hvCopyMem, "copy-pci": hvCopyPCI, "switchover": hvSwitch, "fail": hvFail}[verb]
		c.host = arg
		return
	case "resize":
		c.sub = hvResize
		return
	}
	// A host's owner driver: "HOST wait-admin", "HOST pf KIND 0xADDR…".
	c.host = verb
	switch {
	case arg == "wait-admin":
		c.sub = hvPlain
	case strings.HasPrefix(arg, "pf "):
		c.sub, c.pfAccess = hvPlain, true
		if s, ok := strings.CutPrefix(arg, "pf mmio-write 0x"); ok {
			hexAddr, _, _ := strings.Cut(s, "=")
			if addr, err := strconv.ParseUint(hexAddr, 16, 64); err == nil {
				c.addr, c.doorbell = addr, true
			}
		}
	default:
		c.kind = fkAll
	}
}

func classifyPeer(c *stepClass, rest string) {
	verb, arg, _ := strings.Cut(rest, " ")
	c.kind = fkPeer
	switch verb {
	case "p2p-kick", "p2p-write":
		vfWord, _, _ := strings.Cut(arg, " ")
		n, err := strconv.Atoi(strings.TrimPrefix(vfWord, "vf"))
		if err != nil {
			c.kind = fkAll
			return
		}
		c.sub, c.vf = peerTLP, n
	case "pf-flr":
		c.sub, c.host = peerPF, arg
	case "signal":
		c.sub, c.sig = peerSignal, fnv32(arg)
	case "await":
		c.sub, c.sig = peerAwait, fnv32(arg)
	case "sleep":
		c.sub = peerPlain
	default:
		c.kind = fkAll
	}
}

// hostIndex finds a host by name; ok is false when it does not exist.
func (w *World) hostIndex(name string) (int, bool) {
	for _, h := range w.hosts {
		if h.name == name {
			return h.idx, true
		}
	}
	return 0, false
}

// actorFootprint is the footprint of actor i's pending operation.
func (w *World) actorFootprint(i int) engine.Footprint {
	a := w.actors[i]
	info := w.actorInfo[i]
	c := w.classify(a, info)
	switch c.kind {
	case fkGuestTLP:
		g := w.guests[info.guest]
		h := w.hostOfVF(g.vf)
		return w.footprint(fpKey{kind: fkGuestTLP, h: uint8(h.idx), a: uint16(info.guest), bits: w.memberBits(h, g.vf, true)})
	case fkGuest:
		g := w.guests[info.guest]
		return w.footprint(fpKey{kind: fkGuest, sub: c.sub, h: uint8(w.hostOfVF(g.vf).idx), a: uint16(info.guest), b: c.sig})
	case fkHV:
		k := fpKey{kind: fkHV, sub: c.sub, nh: uint8(len(w.hosts)), loadMask: w.loadMask(), b: c.sig}
		if w.vm != nil {
			k.vmHost = uint8(w.vm.idx)
		}
		if c.host != "" {
			h, ok := w.hostIndex(c.host)
			if !ok {
				return fpAll
			}
			k.h = uint8(h)
		}
		fp := w.footprint(k)
		if c.pfAccess {
			pk := fpKey{kind: fkPF, h: k.h}
			if c.doorbell && w.isPFNotify(w.hosts[k.h], c.addr) {
				pk.kind = fkDoorbell
			}
			fp = w.union(fp, w.footprint(pk))
		}
		return fp
	case fkPeer:
		k := fpKey{kind: fkPeer, sub: c.sub, nh: uint8(len(w.hosts)), c: uint16(info.peerVF), b: c.sig}
		switch c.sub {
		case peerTLP:
			h := w.hostOfVF(c.vf)
			k.h, k.a, k.bits = uint8(h.idx), uint16(c.vf), w.memberBits(h, c.vf, false)
		case peerPF:
			h, ok := w.hostIndex(c.host)
			if !ok {
				return fpAll
			}
			k.h = uint8(h)
		}
		return w.footprint(k)
	}
	return fpAll
}

// unionKey caches unions of two cached footprints.
type unionKey struct{ a, b engine.Footprint }

// union returns f ∪ g, built once per pair for the process.
func (w *World) union(f, g engine.Footprint) engine.Footprint {
	k := unionKey{f, g}
	if u, ok := fpUnions.Load(k); ok {
		return u.(engine.Footprint)
	}
	u := f.Union(g)
	fpUnions.Store(k, u)
	return u
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

// isPFNotify reports whether addr is in the notify region of h's PF BAR0.
func (w *World) isPFNotify(h *host, addr uint64) bool {
	base := h.pfCfg.BAR0()
	return addr >= base+pcie.BAR0Notify && addr < base+pcie.BAR0Notify+pcie.BAR0NotifyLen
}

// haltMode is the mode in which a vCPU access is blamed on the hypervisor
// (guestActor.checkHalted): Freeze under draft-2023, Stop under virtio-1.4.
func (w *World) haltMode() spec.Mode {
	if w.ed == spec.Draft2023 {
		return spec.ModeFreeze
	}
	return spec.ModeStop
}

// fpUnions caches unions of cached footprints (unionKey → Footprint).
var fpUnions sync.Map
