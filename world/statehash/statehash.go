// Package statehash hashes the world's shared state for state pruning
// (engine.StateHasher; docs/engine.md, "Strategies": state pruning): every
// host's owner and members with their pending events and timers, its
// SR-IOV group, host and guest memory and its record of its members
// (ownerview.Record.StateHash), in the order the world's state hash has
// always mixed them, around what the world hashes of itself outside its
// hosts (World.Head, World.Tail). It sees the world only through World,
// which the world implements.
//
// Devices are hashed by reflection (internal/deephash: every field, so
// nothing is left out; package world/devhash says what is left to the
// shared state), once per change: a device's hash is kept until the world
// says an event reached it (Forget: a PF event may change the members it
// hands an event), but not for a member that is not Pure (its status and digest
// queries may change it). A member.Core is hashed from its parts
// (member.Core.PartsHash): its registers each time, each queue and its
// backend kept until a write to it forgets the kept hash, so that an
// event that moved one queue rehashes that queue and the registers. A
// member whose state lives outside the process
// is hashed by the chain of its inputs (member.InputChained: an external
// device's proxy hashes every line it sends the device), which stands for
// the state of a deterministic device as an actor's chain stands for the
// actor's.
//
// What the world hashes outside the devices keeps its hashes too, each
// dropped where its data is written, never where a change is expected: a
// net link's and port's (member/net's hashMemo, forgotten by every
// statement that writes them), the network's chain of the frames made
// (extended by network.Network.Made), a pending device event's (taken
// the first time a state hash asks for it: por.Queued), a member core's
// queues and backend (member.Core.PartsHash), and, for the judge hash, each member's
// record (ownerview's judgeMemo); guest and host memory and the disk
// keep the sums of their words and sectors as they are written. A hasher
// made fresh (the world's newStateHasher) reads none of them: world's TestStateMemos_Fresh
// compares the two at every decision of runs of the catalog's rows.
package statehash

import (
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/devhash"
	"github.com/migsim/migsim/world/ownerview"
	"github.com/migsim/migsim/world/por"
)

// Host is one host of the world as the hash reads it.
type Host struct {
	Name   string
	Failed bool
	PF     *owner.PF
	// HostMem holds the owner driver's admin queue and buffers; GuestMem
	// the VM's memory and OtherMem that of the VMs not migrated (nil when
	// the host holds none).
	HostMem, GuestMem, OtherMem *virtq.GuestMemory
	// Truth is the host's record of its members.
	Truth *ownerview.Record
	// HV is set when the world runs a hypervisor. Published and Seen are
	// then the admin completions the PF published and those the
	// hypervisor saw; Gone whether the SR-IOV group was removed under it.
	HV              bool
	Published, Seen int
	Gone            bool
	// Fresh recomputes the memories' hashes from their contents instead
	// of reading the sums they keep (virtq.GuestMemory.FreshStateHash):
	// set by a fresh hasher of the world.
	Fresh bool
}

// memHash is the state hash of m: its kept sum, or, for a fresh hash, its
// contents' hash recomputed.
func memHash(m *virtq.GuestMemory, fresh bool) uint64 {
	if fresh {
		return m.FreshStateHash()
	}
	return m.StateHash()
}

// World is what the hasher reads of the world: its hosts, and the hashes
// of what the world keeps outside its hosts' devices.
type World interface {
	// Hosts is the number of hosts; Host returns host i (creation order).
	Hosts() int
	Host(i int) Host
	// Head mixes into h what the state holds before its hosts: the
	// clock, the actors' stall releases, the signals, the blame, the VM's
	// host, the disk, the network and the writes in flight on the bus.
	Head(h uint64) uint64
	// Queued mixes into v the events pending for function t of host i
	// and its timers.
	Queued(v uint64, host int, t owner.Target) uint64
	// Tail mixes into h what the state holds after its hosts: the
	// guests' pending interrupts and halts and the actors' timers.
	Tail(h uint64) uint64
}

// devHashes caches the hash of every device of a host.
type devHashes struct {
	pf      uint64
	pfValid bool
	members map[int]uint64
}

// Hasher hashes the shared state of one world, keeping the hash of every
// device until it may have changed. It is plain data: a copy of the world
// copies it (World is the world's own value).
type Hasher struct {
	w World
	// hs hashes the devices; fresh: reading and keeping none of the
	// hashes a member keeps of its parts (member.Core.PartsHash).
	hs    devhash.Hashers
	fresh bool
	hosts []devHashes
	// hashed counts the members hashed rather than read from the kept
	// hashes (MembersHashed).
	hashed int
}

// MembersHashed returns how many times the hasher hashed a member rather
// than reusing the hash it kept: what a state hash costs beyond the
// functions an event reached (Forget).
func (sh *Hasher) MembersHashed() int { return sh.hashed }

// New returns a hasher of w with no hash cached. worldPkg is the package
// of the world's own types, which the device hashes leave out; net is set
// for a world of virtio-net VFs; reflective walks the devices by
// reflection alone (the reference the compiled walk is checked against);
// fresh hashes every member's parts from scratch, neither reading nor
// keeping the hashes it keeps of them (for checks of those).
func New(w World, worldPkg string, net, reflective, fresh bool) *Hasher {
	return &Hasher{w: w, hs: devhash.New(worldPkg, net, reflective), fresh: fresh}
}

// Forget forgets the hashes an event on function t of host h may have
// changed: the PF's always (its member table, its admin queue), member
// t's, and those of the members the PF handed an event during it
// (owner.PF.Touched: touched, or every member when all is set). A PF
// event changes only the members it hands an event to (an admin command
// reaches its member), so the others keep their hashes: the cost of a
// state hash after an admin command of a VM of many VFs is the members
// it reached, not every member.
func (sh *Hasher) Forget(h int, t owner.Target, touched []uint16, all bool) {
	if h >= len(sh.hosts) {
		return
	}
	d := &sh.hosts[h]
	d.pfValid = false
	if all {
		clear(d.members)
		return
	}
	for _, vf := range touched {
		delete(d.members, int(vf))
	}
	if t != owner.TargetPF {
		delete(d.members, int(t))
	}
}

// Shared hashes the whole shared state.
func (sh *Hasher) Shared() uint64 {
	w := sh.w
	h := w.Head(0)
	for i := range w.Hosts() {
		x := w.Host(i)
		h = deephash.String(h, x.Name)
		h = deephash.Mix(h, por.BoolBits(x.Failed))
		h = deephash.Mix(h, sh.function(i, &x, owner.TargetPF))
		for vf := range x.PF.Members() {
			h = deephash.Mix(h, sh.function(i, &x, owner.Target(vf)))
		}
		h = deephash.Mix(h, group(&x))
		h = deephash.Mix(h, adminQ(&x))
		h = deephash.Mix(h, memHash(x.GuestMem, x.Fresh))
		h = deephash.Mix(h, memHash(x.OtherMem, x.Fresh))
		h = deephash.Mix(h, x.Truth.StateHash())
	}
	return w.Tail(h)
}

// devices returns the hash cache of host i.
func (sh *Hasher) devices(i int) *devHashes {
	for len(sh.hosts) <= i {
		sh.hosts = append(sh.hosts, devHashes{members: map[int]uint64{}})
	}
	return &sh.hosts[i]
}

// function hashes one function of host i: the device (the PF without its
// members, or the member), its pending events and its timers.
func (sh *Hasher) function(i int, x *Host, t owner.Target) uint64 {
	d := sh.devices(i)
	var v uint64
	if t == owner.TargetPF {
		if !d.pfValid {
			d.pf, d.pfValid = sh.hs.PF.Hash(x.PF), true
		}
		v = d.pf
	} else if m, ok := x.PF.Member(int(t)); ok && InputChained(m) {
		// The proxy keeps its chain: nothing to cache.
		v = deephash.Mix(inputChainTag, m.(member.InputChained).InputChain())
	} else if ok {
		mh, ok := d.members[int(t)]
		if !ok {
			mh = sh.hs.MemberHash(m, sh.fresh)
			sh.hashed++
			if Pure(m) {
				// A member that is not may change when it is only
				// asked for its status or digest, with no event.
				d.members[int(t)] = mh
			}
		}
		v = mh
	}
	return sh.w.Queued(v, i, t)
}

// inputChainTag starts the hash of a member hashed by its input chain.
const inputChainTag = 0x1a9c4a17

// InputChained reports whether m is a member outside the process hashed
// by the chain of its inputs (member.InputChained).
func InputChained(m member.Device) bool {
	_, ok := m.(member.InputChained)
	return ok
}

// Pure reports whether m is a member.Pure inside the process: its hash
// changes only when an event reaches it.
func Pure(m member.Device) bool {
	_, pure := m.(member.Pure)
	_, opaque := m.(member.Opaque)
	return pure && !opaque
}

// group hashes a host's SR-IOV group as its readers see it: the VFs
// enabled and whether the group was removed under the hypervisor. Which
// members are built is not part of it (an event of one member does not see
// whether another was built); the whole state hashes every built member.
func group(x *Host) uint64 {
	v := uint64(x.PF.NumVFs())
	if x.HV {
		v = deephash.Mix(v, por.BoolBits(x.Gone))
	}
	return v
}

// adminQ hashes a host's memory (the owner driver's admin queue and
// buffers) with the hypervisor's counts of the completions its PF
// published and the driver saw.
func adminQ(x *Host) uint64 {
	v := memHash(x.HostMem, x.Fresh)
	if x.HV {
		v = deephash.Mix(deephash.Mix(v, uint64(x.Published)), uint64(x.Seen))
	}
	return v
}
