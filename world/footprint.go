package world

import (
	"sync"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
)

// Footprints: every world step declares the shared resources it reads and
// writes (docs/engine.md, "Scheduling model"), so that partial-order
// reduction reorders only steps that commute. A step of an actor is the
// visible operation it yielded on *and* the actor's code that runs after
// it up to its next yield (the driver writing its next descriptors, the
// hypervisor's program moving to its next operation), so the footprint
// covers both. The rules the classes below keep:
//
//   - whoever reads or writes one function of a host also reads the host's
//     group, so an event of the PF (which may change any member) conflicts
//     with every event of a member;
//   - every footprint reads rcAll; a step the world cannot classify (a
//     label it does not know) writes it and conflicts with every step;
//   - state-dependent parts (a member not built yet, a held admin reply, a
//     vCPU access the hypervisor will be blamed for) are computed from
//     state the step itself reads, so they cannot change under a step that
//     commutes with it.
//
// footprint_guard.go checks at run time that no step touches what it did
// not declare.

// Resource classes (engine.ResourceID's class byte).
const (
	// rcAll is everything: every footprint reads it.
	rcAll uint8 = iota + 1
	// rcFunc (host, function): one function's registers, queues and
	// internal state, its pending internal events and its timers.
	rcFunc
	// rcGroup (host): the SR-IOV group (VF Enable, which members exist) and,
	// for a PF event, every member at once.
	rcGroup
	// rcVMMode (host): the mode and presence of the VM's members there, as
	// the flow-end oracles read them.
	rcVMMode
	// rcAdminQ (host): host memory with the PF's admin queue and the
	// completions the PF published.
	rcAdminQ
	// rcFailed (host): the host crashed.
	rcFailed
	// rcMem (host, 0 the VM's copy / 1 the other VMs'): guest memory.
	rcMem
	// rcDisk is the disk every host shares.
	rcDisk
	// rcIRQ (guest): the interrupts pending for a guest vCPU.
	rcIRQ
	// rcHalt (guest): the vCPU is halted.
	rcHalt
	// rcSignal (hash of the name): a scenario signal.
	rcSignal
	// rcVM is the host the VM runs on.
	rcVM
	// rcBlame is the first vCPU access to a device the hypervisor froze or
	// stopped.
	rcBlame
	// rcHosts is the set of hosts (the hypervisor and peers create them).
	rcHosts
)

func resFunc(h int, t owner.Target) engine.Resource {
	return engine.ResourceID(rcFunc, uint32(h), uint32(t))
}
func resHost(class uint8, h int) engine.Resource { return engine.ResourceID(class, uint32(h), 0) }
func resMem(h int, other bool) engine.Resource {
	k := uint32(0)
	if other {
		k = 1
	}
	return engine.ResourceID(rcMem, uint32(h), k)
}
func resGuest(class uint8, g int) engine.Resource { return engine.ResourceID(class, uint32(g), 0) }
func resSignal(name string) engine.Resource {
	return engine.ResourceID(rcSignal, 0, uint32(fnv32(name)))
}

var (
	resAll   = engine.ResourceID(rcAll, 0, 0)
	resDisk  = engine.ResourceID(rcDisk, 0, 0)
	resVM    = engine.ResourceID(rcVM, 0, 0)
	resBlame = engine.ResourceID(rcBlame, 0, 0)
	resHosts = engine.ResourceID(rcHosts, 0, 0)
	// fpAll writes everything: a step the world cannot classify.
	fpAll = engine.NewFootprint([]engine.Resource{resAll}, []engine.Resource{resAll})
)

func fnv32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// fpKind names the shape of a footprint; an fpKey adds its coordinates.
type fpKind uint8

const (
	fkAll fpKind = iota + 1
	// fkVF is an event of member a of host h (bits: vfBit*).
	fkVF
	// fkPF is an event of the PF of host h that may reach any member.
	fkPF
	// fkDoorbell is a write to the notify region of host h's PF: it only
	// queues admin work on the PF.
	fkDoorbell
	// fkGuest is a vCPU operation of guest a that is not a device access,
	// with its memory on host h (sub: guestSub*).
	fkGuest
	// fkGuestTLP is a device access of guest a to its VF on host h.
	fkGuestTLP
	// fkHV is a hypervisor step (sub: hvSub*; h its host).
	fkHV
	// fkPeer is a peer step (sub: peerSub*).
	fkPeer
)

// Bits of a member event (fpKey.bits).
const (
	// vfStep: an internal step, timer or backend change (it may write the
	// disk); else a TLP (it may read it).
	vfStep uint8 = 1 << iota
	// vfMode: the event may change the member's mode.
	vfMode
	// vfUnbuilt: the member does not exist yet; the event builds it.
	vfUnbuilt
	// vfHeld: an admin command forwarded to the member is outstanding;
	// the event may complete it.
	vfHeld
	// vfBlame: the access will be blamed on the hypervisor.
	vfBlame
	// vfEnable: the event's enabledness depends on the host not having
	// failed (device steps).
	vfEnable
)

// Sub-kinds of guest, hypervisor and peer steps.
const (
	guestPlain uint8 = iota + 1
	guestWaitIRQ
	guestSignal
	guestAwait

	hvPlain
	hvSignal
	hvAwait
	hvHalt
	hvCopyMem
	hvCopyPCI
	hvSwitch
	hvFail
	hvResize

	peerPlain
	peerSignal
	peerAwait
	peerTLP
	peerPF
)

// fpKey identifies one footprint of a world of a given shape.
type fpKey struct {
	kind     fpKind
	sub      uint8
	h        uint8 // host index
	nh       uint8 // number of hosts
	bits     uint8
	loadMask uint8 // hosts whose members the hypervisor loads
	vmHost   uint8 // the host the VM runs on (for hypervisor steps)
	a        uint16
	c        uint16
	b        uint32
}

// fpShape is what footprints depend on besides their key: the VM's VFs,
// which VF every guest drives, the hypervisor's error handling and the
// VFs it may load. Worlds of one target share it, and their footprints.
type fpShape struct {
	vmVFs    []int
	guestVFs []int
	loadVFs  []int
	rollback bool
}

type fpCacheKey struct {
	shape uint64
	key   fpKey
}

// fpCache holds every footprint built, for every world: a footprint is
// immutable and its key says everything it depends on (with the shape's
// hash), so worlds of one target build each footprint once.
var fpCache sync.Map // fpCacheKey → engine.Footprint

// footprint returns the footprint of key k, building it on first use.
func (w *World) footprint(k fpKey) engine.Footprint {
	ck := fpCacheKey{w.fpShapeHash, k}
	if fp, ok := fpCache.Load(ck); ok {
		return fp.(engine.Footprint)
	}
	fp := w.buildFootprint(k)
	fpCache.Store(ck, fp)
	return fp
}

// fpBuild collects the resources of one footprint.
type fpBuild struct{ r, w []engine.Resource }

func (b *fpBuild) read(ids ...engine.Resource)  { b.r = append(b.r, ids...) }
func (b *fpBuild) write(ids ...engine.Resource) { b.w = append(b.w, ids...) }

func (w *World) buildFootprint(k fpKey) engine.Footprint {
	if k.kind == fkAll {
		return fpAll
	}
	b := &fpBuild{}
	b.read(resAll)
	s := &w.fpShape
	switch k.kind {
	case fkVF:
		w.fpMember(b, int(k.h), int(k.a), k.bits)
	case fkPF:
		w.fpPF(b, int(k.h))
	case fkDoorbell:
		b.read(resHost(rcGroup, int(k.h)))
		b.write(resFunc(int(k.h), owner.TargetPF))
	case fkGuestTLP:
		w.fpMember(b, int(k.h), s.guestVFs[k.a], k.bits)
		w.fpGuest(b, int(k.a), int(k.h))
	case fkGuest:
		w.fpGuest(b, int(k.a), int(k.h))
		switch k.sub {
		case guestWaitIRQ:
			b.write(resGuest(rcIRQ, int(k.a)))
		case guestSignal:
			b.write(engine.ResourceID(rcSignal, 0, k.b))
		case guestAwait:
			b.read(engine.ResourceID(rcSignal, 0, k.b))
		}
	case fkHV:
		w.fpHV(b, k)
	case fkPeer:
		w.fpPeer(b, k)
	}
	return engine.NewFootprint(b.r, b.w)
}

// fpMember is an event of member vf of host h: its function, the group it
// belongs to, the guest memory it may reach, the interrupts it may raise
// for the guests bound to it, and, by bits, the disk, its mode, the admin
// queue and the blame.
func (w *World) fpMember(b *fpBuild, h, vf int, bits uint8) {
	s := &w.fpShape
	inVM := inSorted(s.vmVFs, vf)
	b.read(resHost(rcGroup, h), resHost(rcFailed, h))
	b.write(resFunc(h, owner.Target(vf)), resMem(h, !inVM))
	if inVM {
		b.read(resVM) // where its interrupts go
	}
	for g, gvf := range s.guestVFs {
		if gvf == vf {
			b.write(resGuest(rcIRQ, g))
		}
	}
	if bits&vfStep != 0 {
		b.write(resDisk)
	} else {
		b.read(resDisk)
	}
	if inVM && bits&(vfMode|vfUnbuilt) != 0 {
		b.write(resHost(rcVMMode, h))
	}
	if bits&vfHeld != 0 {
		b.write(resHost(rcAdminQ, h))
	}
	if bits&vfBlame != 0 {
		b.write(resBlame)
	}
}

// fpPF is an event of the PF of host h that may reach any member: admin
// commands (a resume may read and write guest memory, raise interrupts and
// serve requests), configuration writes (FLR, VF Enable).
func (w *World) fpPF(b *fpBuild, h int) {
	b.read(resVM, resHost(rcFailed, h))
	b.write(resFunc(h, owner.TargetPF), resHost(rcGroup, h), resHost(rcVMMode, h), resHost(rcAdminQ, h),
		resMem(h, false), resMem(h, true), resDisk)
	for g := range w.fpShape.guestVFs {
		b.write(resGuest(rcIRQ, g))
	}
}

// fpGuest is what every step of guest g touches: its halted flag (it runs
// only when not halted) and, in the driver code after the operation, its
// guest memory on host h (the VM's memory reads where the VM runs).
func (w *World) fpGuest(b *fpBuild, g, h int) {
	s := &w.fpShape
	inVM := inSorted(s.vmVFs, s.guestVFs[g])
	b.read(resGuest(rcHalt, g))
	b.write(resMem(h, !inVM))
	if inVM {
		b.read(resVM)
	}
}

// fpHV is a hypervisor step. Besides its operation, the program after it
// may read the VM's host, every host's group, failure and the modes of the
// VM's members (the flow-end oracles), the halted vCPUs, the members it
// loads (the load oracles compare them before and after), write any admin
// queue (the next command) and create a host; with on-error=rollback it
// may move the VM back to the source.
func (w *World) fpHV(b *fpBuild, k fpKey) {
	s := &w.fpShape
	b.read(resVM)
	b.write(resHosts)
	for h := 0; h < int(k.nh); h++ {
		b.read(resHost(rcGroup, h), resHost(rcFailed, h), resHost(rcVMMode, h))
		b.write(resHost(rcAdminQ, h))
		if k.loadMask&(1<<h) != 0 {
			for _, vf := range s.loadVFs {
				b.read(resFunc(h, owner.Target(vf)))
			}
		}
	}
	for g := range s.guestVFs {
		b.read(resGuest(rcHalt, g))
	}
	if s.rollback {
		b.write(resVM)
	}
	h := int(k.h)
	switch k.sub {
	case hvSignal:
		b.write(engine.ResourceID(rcSignal, 0, k.b))
	case hvAwait:
		b.read(engine.ResourceID(rcSignal, 0, k.b))
	case hvHalt:
		for g, vf := range s.guestVFs {
			if inSorted(s.vmVFs, vf) {
				b.write(resGuest(rcHalt, g))
			}
		}
	case hvCopyMem:
		b.read(resMem(int(k.vmHost), false))
		b.write(resMem(h, false))
	case hvCopyPCI:
		for _, vf := range s.vmVFs {
			w.fpMember(b, int(k.vmHost), vf, vfMode|vfUnbuilt|vfHeld)
			w.fpMember(b, h, vf, vfMode|vfUnbuilt|vfHeld)
		}
	case hvSwitch:
		b.write(resVM)
	case hvFail:
		b.write(resHost(rcFailed, h))
	case hvResize:
		b.write(resDisk)
		for _, vf := range s.vmVFs {
			w.fpMember(b, int(k.vmHost), vf, vfStep|vfMode|vfUnbuilt|vfHeld)
		}
		for _, vf := range s.guestVFs {
			if !inSorted(s.vmVFs, vf) {
				w.fpMember(b, 0, vf, vfStep|vfMode|vfUnbuilt|vfHeld)
			}
		}
	}
}

// fpPeer is a peer step: its operation, and whether it may start a
// transaction (its own VF runs on the VM's host); the program after it may
// create a host.
func (w *World) fpPeer(b *fpBuild, k fpKey) {
	b.write(resHosts)
	if k.c != 0 { // backed by a VF: running() reads it where the VM runs
		b.read(resVM)
		for h := 0; h < int(k.nh); h++ {
			b.read(resHost(rcFailed, h), resHost(rcGroup, h), resFunc(h, owner.Target(k.c)))
		}
	}
	switch k.sub {
	case peerSignal:
		b.write(engine.ResourceID(rcSignal, 0, k.b))
	case peerAwait:
		b.read(engine.ResourceID(rcSignal, 0, k.b))
	case peerTLP:
		w.fpMember(b, int(k.h), int(k.a), k.bits)
	case peerPF:
		w.fpPF(b, int(k.h))
	}
}

func inSorted(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
		if x > v {
			return false
		}
	}
	return false
}

// memberBits returns the state-dependent bits of an event of member vf of
// host h: built or not, with an admin command outstanding (the owner's
// record: a member may hold a reply without saying so); blame when a vCPU
// access now would be blamed on the hypervisor.
func (w *World) memberBits(h *host, vf int, vcpu bool) uint8 {
	m, ok := h.pf.Member(vf)
	if !ok {
		return vfUnbuilt
	}
	st := m.Status()
	var bits uint8
	if h.pf.Forwarded(vf) {
		bits |= vfHeld
	}
	if vcpu && w.blame == "" && !w.cfg.Reference && st.Mode == w.haltMode() {
		bits |= vfBlame
	}
	return bits
}

// deviceFootprint is the footprint of the next pending event of a device.
func (w *World) deviceFootprint(d *devActor) engine.Footprint {
	h := w.hosts[d.key.host]
	if d.key.target == owner.TargetPF {
		return w.footprint(fpKey{kind: fkPF, h: uint8(h.idx)})
	}
	vf := int(d.key.target)
	bits := vfStep | vfEnable | w.memberBits(h, vf, false)
	ev := d.pending[0].ev
	if ev.Kind != member.EvStep || (ev.Step.Kind != member.StepFetch && ev.Step.Kind != member.StepExecute &&
		ev.Step.Kind != member.StepComplete) {
		bits |= vfMode
	}
	return w.footprint(fpKey{kind: fkVF, h: uint8(h.idx), a: uint16(vf), bits: bits})
}
