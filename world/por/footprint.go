package por

import (
	"encoding/binary"
	"hash/fnv"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/slotcache"
	"github.com/migsim/migsim/owner"
)

// Footprints: every world step declares the shared resources it reads and
// writes, so that partial-order reduction reorders only steps that
// commute. A step of an actor is the visible operation it yielded on *and*
// the actor's code that runs after it up to its next yield (the driver
// writing its next descriptors, the hypervisor's program moving to its
// next operation), so the footprint covers both. The world checks at run
// time that no step touches what it did not declare (world's
// footprint_guard.go).

// Kind names the shape of a footprint; a Key adds its coordinates.
type Kind uint8

// The kinds of footprint.
const (
	KindAll Kind = iota + 1
	// KindVF is an event of member A of host H (bits: VF*).
	KindVF
	// KindPF is an event of the PF of host H that may reach any member.
	KindPF
	// KindDoorbell is a write to the notify region of host H's PF: it only
	// queues admin work on the PF.
	KindDoorbell
	// KindGuest is a vCPU operation of guest A that is not a device
	// access, with its memory on host H (sub: Guest*).
	KindGuest
	// KindGuestTLP is a device access of guest A to its VF on host H. It
	// reads host H's record of its members: whether the hypervisor froze
	// or stopped the VF there decides whether the access is blamed on it
	// (bit VFBlame, computed from that record).
	KindGuestTLP
	// KindHV is a hypervisor step (sub: HV*; H its host).
	KindHV
	// KindPeer is a peer step (sub: Peer*).
	KindPeer
)

// Bits of a member event (Key.Bits).
const (
	// VFStep: an internal step, timer or backend change (it may write the
	// disk); else a TLP (it may read it).
	VFStep uint8 = 1 << iota
	// VFMode: the event may change the member's mode.
	VFMode
	// VFUnbuilt: the member does not exist yet; the event builds it.
	VFUnbuilt
	// VFHeld: an admin command forwarded to the member is outstanding;
	// the event may complete it.
	VFHeld
	// VFBlame: the access will be blamed on the hypervisor (the host's
	// record says it froze or stopped the member, and nothing was blamed
	// yet): it writes the blame.
	VFBlame
	// VFEnable: the event's enabledness depends on the host not having
	// failed (device steps).
	VFEnable
	// VFTruth: the access changes what the host knows of the member
	// (Initiate FLR, a write of 0 to device_status, a read of
	// device_status: ownerview.Observed).
	VFTruth
	// VFReset: the access may reset the member (Initiate FLR, a write of 0
	// to device_status), and its backend with it: a virtio-net member drops
	// the frames it holds (the network is the disk's resource).
	VFReset
)

// Sub-kinds of guest, hypervisor and peer steps (Key.Sub).
const (
	GuestPlain uint8 = iota + 1
	GuestWaitIRQ
	GuestSignal
	GuestAwait

	HVPlain
	HVSignal
	HVAwait
	HVHalt
	HVCopyMem
	HVCopyPCI
	HVSwitch
	HVFail
	HVResize

	PeerPlain
	PeerSignal
	PeerAwait
	PeerTLP
	PeerPF
	// PeerWire is an operation of the network on one net VF (rx, link,
	// announce): it changes the VF's port where the VM runs and its link,
	// and hands the member that port's change (member.EvBackend).
	PeerWire
)

// Key identifies one footprint of a world of a given shape.
type Key struct {
	Kind     Kind
	Sub      uint8
	H        uint8 // host index
	NH       uint8 // number of hosts
	Bits     uint8
	LoadMask uint8 // hosts whose members the hypervisor loads
	VMHost   uint8 // the host the VM runs on (for hypervisor steps)
	A        uint16
	C        uint16
	B        uint32
}

// Shape is what footprints depend on besides their key: the VM's VFs
// (sorted), which VF every guest drives, the VFs the hypervisor may load
// (sorted) and its error handling. Worlds of one target share it, and
// their footprints.
type Shape struct {
	VMVFs    []int
	GuestVFs []int
	LoadVFs  []int
	Rollback bool
}

// Hash hashes the shape: footprints of shapes with one hash are shared.
func (s *Shape) Hash() uint64 {
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
	put(s.VMVFs)
	put(s.GuestVFs)
	put(s.LoadVFs)
	if s.Rollback {
		h.Write([]byte{1})
	}
	return h.Sum64()
}

type cacheKey struct {
	shape uint64
	key   Key
}

// fpCache holds every footprint built, for every world: a footprint is
// immutable and its key says everything it depends on (with the shape's
// hash), so worlds of one target build each footprint once.
var fpCache cache[cacheKey, engine.Footprint]

// Footprint returns the footprint of key k in a world of shape s, whose
// Hash is hash, building it on first use.
func (s *Shape) Footprint(hash uint64, k Key) engine.Footprint {
	ck := cacheKey{hash, k}
	slot := ck.slot()
	if fp, ok := fpRecent.Get(slot, ck); ok {
		return fp
	}
	fp := fpCache.get(ck, func() engine.Footprint { return s.build(k) })
	fpRecent.Put(slot, ck, fp)
	return fp
}

// fpRecent keeps, in front of fpCache, the footprint last looked up in each
// of its slots (a key's slot is a hash of it, cacheKey.slot): a slot is
// read with one atomic load and one comparison, several times cheaper than
// fpCache's locked map of whole keys. Its entries are never changed, only
// replaced, and are fpCache's values, so a hit gives what fpCache gives.
var fpRecent = slotcache.New[cacheKey, engine.Footprint](1 << fpRecentBits)

const fpRecentBits = 10

// slot hashes k into fpRecent.
func (k cacheKey) slot() uint64 {
	x := k.shape ^ uint64(k.key.Kind) ^ uint64(k.key.Sub)<<8 ^ uint64(k.key.H)<<16 ^ uint64(k.key.NH)<<24 ^
		uint64(k.key.Bits)<<32 ^ uint64(k.key.LoadMask)<<40 ^ uint64(k.key.VMHost)<<48
	y := uint64(k.key.A) | uint64(k.key.C)<<16 | uint64(k.key.B)<<32
	return (x*0x9e3779b97f4a7c15 ^ y*0xbf58476d1ce4e5b9) >> (64 - fpRecentBits)
}

// builder collects the resources of one footprint.
type builder struct{ r, w []engine.Resource }

func (b *builder) read(ids ...engine.Resource)  { b.r = append(b.r, ids...) }
func (b *builder) write(ids ...engine.Resource) { b.w = append(b.w, ids...) }

func (s *Shape) build(k Key) engine.Footprint {
	if k.Kind == KindAll {
		return FPAll
	}
	b := &builder{}
	b.read(ResAll)
	switch k.Kind {
	case KindVF:
		s.member(b, int(k.H), int(k.A), k.Bits)
	case KindPF:
		s.pf(b, int(k.H))
	case KindDoorbell:
		b.read(ResHost(ClassGroup, int(k.H)))
		b.write(ResFunc(int(k.H), owner.TargetPF))
	case KindGuestTLP:
		s.member(b, int(k.H), s.GuestVFs[k.A], k.Bits)
		s.guest(b, int(k.A), int(k.H))
		b.read(ResHost(ClassTruth, int(k.H))) // the blame's mode (VFBlame)
	case KindGuest:
		s.guest(b, int(k.A), int(k.H))
		switch k.Sub {
		case GuestWaitIRQ:
			b.write(ResGuest(ClassIRQ, int(k.A)))
		case GuestSignal:
			b.write(ResSignalHash(k.B))
		case GuestAwait:
			b.read(ResSignalHash(k.B))
		}
	case KindHV:
		s.hv(b, k)
	case KindPeer:
		s.peer(b, k)
	}
	return engine.NewFootprint(b.r, b.w)
}

// member is an event of member vf of host h: its function, the group it
// belongs to, the guest memory it may reach, the interrupts it may raise
// for the guests bound to it, and, by bits, the disk, its mode, the admin
// queue and the blame.
func (s *Shape) member(b *builder, h, vf int, bits uint8) {
	inVM := InSorted(s.VMVFs, vf)
	// The event oracles judge what the event did (its memory accesses, its
	// interrupts, the mode the member reports) against what the host knows
	// of the member (ClassTruth): whether the owner stopped or resumed it.
	b.read(ResHost(ClassGroup, h), ResHost(ClassFailed, h), ResHost(ClassTruth, h))
	b.write(ResFunc(h, owner.Target(vf)), ResMem(h, !inVM))
	if inVM {
		b.read(ResVM) // where its interrupts go
	}
	for g, gvf := range s.GuestVFs {
		if gvf == vf {
			b.write(ResGuest(ClassIRQ, g))
		}
	}
	if bits&(VFStep|VFReset) != 0 {
		b.write(ResDisk)
	} else {
		b.read(ResDisk)
	}
	if inVM && bits&(VFMode|VFUnbuilt) != 0 {
		b.write(ResHost(ClassVMMode, h))
	}
	if bits&VFHeld != 0 {
		b.write(ResHost(ClassAdminQ, h))
	}
	if bits&VFBlame != 0 {
		b.write(ResBlame)
	}
	if bits&VFTruth != 0 {
		b.write(ResHost(ClassTruth, h))
	}
}

// pf is an event of the PF of host h that may reach any member: admin
// commands (a resume may read and write guest memory, raise interrupts and
// serve requests), configuration writes (FLR, VF Enable; the host then
// forgets what it knew of the members).
func (s *Shape) pf(b *builder, h int) {
	b.read(ResVM, ResHost(ClassFailed, h))
	b.write(ResFunc(h, owner.TargetPF), ResHost(ClassGroup, h), ResHost(ClassVMMode, h), ResHost(ClassAdminQ, h),
		ResHost(ClassTruth, h), ResMem(h, false), ResMem(h, true), ResDisk)
	for g := range s.GuestVFs {
		b.write(ResGuest(ClassIRQ, g))
	}
}

// guest is what every step of guest g touches: its halted flag (it runs
// only when not halted) and, in the driver code after the operation, its
// guest memory on host h (the VM's memory reads where the VM runs).
func (s *Shape) guest(b *builder, g, h int) {
	inVM := InSorted(s.VMVFs, s.GuestVFs[g])
	b.read(ResGuest(ClassHalt, g))
	b.write(ResMem(h, !inVM))
	if inVM {
		b.read(ResVM)
	}
}

// hv is a hypervisor step. Besides its operation, the program after it
// may read the VM's host, every host's group, failure and the modes of the
// VM's members (the flow-end oracles), the halted vCPUs, the members it
// loads (the load oracles compare them before and after), write any admin
// queue (the next command) and the host's record of its members (the
// commands it submits and the completions it reads) and create a host; with on-error=rollback it
// may move the VM back to the source, which changes nothing while the VM
// runs there.
func (s *Shape) hv(b *builder, k Key) {
	b.read(ResVM)
	b.write(ResHosts)
	for h := 0; h < int(k.NH); h++ {
		b.read(ResHost(ClassGroup, h), ResHost(ClassFailed, h), ResHost(ClassVMMode, h))
		b.write(ResHost(ClassAdminQ, h), ResHost(ClassTruth, h))
		if k.LoadMask&(1<<h) != 0 {
			for _, vf := range s.LoadVFs {
				b.read(ResFunc(h, owner.Target(vf)))
			}
		}
	}
	for g := range s.GuestVFs {
		b.read(ResGuest(ClassHalt, g))
	}
	if s.Rollback && k.VMHost != 0 {
		// A failed operation moves the VM back to the source (host 0);
		// while it runs there, that move changes nothing.
		b.write(ResVM)
	}
	h := int(k.H)
	switch k.Sub {
	case HVSignal:
		b.write(ResSignalHash(k.B))
	case HVAwait:
		b.read(ResSignalHash(k.B))
	case HVHalt:
		for g, vf := range s.GuestVFs {
			if InSorted(s.VMVFs, vf) {
				b.write(ResGuest(ClassHalt, g))
			}
		}
	case HVCopyMem:
		b.read(ResMem(int(k.VMHost), false))
		b.write(ResMem(h, false))
	case HVCopyPCI:
		for _, vf := range s.VMVFs {
			s.member(b, int(k.VMHost), vf, VFMode|VFUnbuilt|VFHeld)
			s.member(b, h, vf, VFMode|VFUnbuilt|VFHeld)
		}
	case HVSwitch:
		b.write(ResVM)
	case HVFail:
		b.write(ResHost(ClassFailed, h))
	case HVResize:
		b.write(ResDisk)
		for _, vf := range s.VMVFs {
			s.member(b, int(k.VMHost), vf, VFStep|VFMode|VFUnbuilt|VFHeld)
		}
		for _, vf := range s.GuestVFs {
			if !InSorted(s.VMVFs, vf) {
				s.member(b, 0, vf, VFStep|VFMode|VFUnbuilt|VFHeld)
			}
		}
	}
}

// peer is a peer step: its operation, and whether it may start a
// transaction (its own VF runs on the VM's host); the program after it may
// create a host.
func (s *Shape) peer(b *builder, k Key) {
	b.write(ResHosts)
	if k.C != 0 { // backed by a VF: running() reads it where the VM runs
		b.read(ResVM)
		for h := 0; h < int(k.NH); h++ {
			b.read(ResHost(ClassFailed, h), ResHost(ClassGroup, h), ResFunc(h, owner.Target(k.C)))
		}
	}
	switch k.Sub {
	case PeerSignal:
		b.write(ResSignalHash(k.B))
	case PeerAwait:
		b.read(ResSignalHash(k.B))
	case PeerTLP:
		s.member(b, int(k.H), int(k.A), k.Bits)
	case PeerWire:
		// The member takes the port's change as a backend event, declared
		// as the device's own backend events are (stepfp.Steps.Device).
		s.member(b, int(k.H), int(k.A), k.Bits|VFStep|VFMode)
	case PeerPF:
		s.pf(b, int(k.H))
	}
}

// InSorted reports whether the sorted s holds v.
func InSorted(s []int, v int) bool {
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

// unionKey caches unions of two cached footprints.
type unionKey struct{ a, b engine.Footprint }

// fpUnions caches unions of cached footprints (unionKey → Footprint).
var fpUnions cache[unionKey, engine.Footprint]

// Union returns f ∪ g, built once per pair for the process.
func Union(f, g engine.Footprint) engine.Footprint {
	return fpUnions.get(unionKey{f, g}, func() engine.Footprint { return f.Union(g) })
}
