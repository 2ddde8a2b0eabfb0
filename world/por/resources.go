// Package por holds what the world's partial-order reduction and state
// pruning need that does not walk the world (docs/engine.md, "Scheduling
// model"): the resource classes every world step's footprint is made of,
// the footprints themselves, built from a key and the world's shape, the
// classification of a pending operation from its label, and the helpers
// the world's state hash mixes values with. The world computes the keys
// from its state (package world/stepfp), checks footprints at run time and
// hashes its state with them (package world); this package sees none of
// it.
package por

import (
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
)

// Resource classes (engine.ResourceID's class byte). The rules they keep:
//
//   - whoever reads or writes one function of a host also reads the host's
//     group, so an event of the PF (which may change any member) conflicts
//     with every event of a member;
//   - every footprint reads ClassAll; a step the world cannot classify (a
//     label it does not know) writes it and conflicts with every step;
//   - state-dependent parts (a member not built yet, a held admin reply, a
//     vCPU access the hypervisor will be blamed for: the host's record,
//     which every vCPU access reads) are computed from state the step
//     itself reads, so they cannot change under a step that commutes with
//     it.
const (
	// ClassAll is everything: every footprint reads it.
	ClassAll uint8 = iota + 1
	// ClassFunc (host, function): one function's registers, queues and
	// internal state, its pending internal events and its timers.
	ClassFunc
	// ClassGroup (host): the SR-IOV group (VF Enable, which members exist)
	// and, for a PF event, every member at once.
	ClassGroup
	// ClassVMMode (host): the mode and presence of the VM's members there,
	// as the flow-end oracles read them.
	ClassVMMode
	// ClassAdminQ (host): host memory with the PF's admin queue and the
	// completions the PF published.
	ClassAdminQ
	// ClassFailed (host): the host crashed.
	ClassFailed
	// ClassMem (host, 0 the VM's copy / 1 the other VMs'): guest memory.
	ClassMem
	// ClassDisk is the disk every host shares, and in a world of net VFs
	// the network (every link and port).
	ClassDisk
	// ClassIRQ (guest): the interrupts pending for a guest vCPU.
	ClassIRQ
	// ClassHalt (guest): the vCPU is halted.
	ClassHalt
	// ClassSignal (hash of the name): a scenario signal.
	ClassSignal
	// ClassVM is the host the VM runs on.
	ClassVM
	// ClassBlame is the first vCPU access to a device the hypervisor froze
	// or stopped (as the host's record says).
	ClassBlame
	// ClassHosts is the set of hosts (the hypervisor and peers create them).
	ClassHosts
	// ClassTruth (host): what the host knows of its members
	// (ownerview.Record): the owner driver's commands and completions, and
	// the FLRs and resets it saw start and end. A vCPU's access reads it
	// (whether the hypervisor froze or stopped the member it reaches), and
	// so does every member event: the event oracles judge what it did
	// (memory accesses, interrupts, the mode it reports) by whether the
	// owner stopped or resumed the member.
	ClassTruth
)

// ResFunc is function t of host h.
func ResFunc(h int, t owner.Target) engine.Resource {
	return engine.ResourceID(ClassFunc, uint32(h), uint32(t))
}

// ResHost is the resource of a per-host class for host h.
func ResHost(class uint8, h int) engine.Resource { return engine.ResourceID(class, uint32(h), 0) }

// ResMem is the guest memory of host h: the VM's copy, or (other) the
// other VMs'.
func ResMem(h int, other bool) engine.Resource {
	k := uint32(0)
	if other {
		k = 1
	}
	return engine.ResourceID(ClassMem, uint32(h), k)
}

// ResGuest is the resource of a per-guest class for guest g.
func ResGuest(class uint8, g int) engine.Resource { return engine.ResourceID(class, uint32(g), 0) }

// ResSignal is the scenario signal name.
func ResSignal(name string) engine.Resource {
	return engine.ResourceID(ClassSignal, 0, uint32(FNV32(name)))
}

// ResSignalHash is the scenario signal whose name hashes to sig (FNV32).
func ResSignalHash(sig uint32) engine.Resource { return engine.ResourceID(ClassSignal, 0, sig) }

// The resources of the classes without coordinates, and FPAll.
var (
	ResAll   = engine.ResourceID(ClassAll, 0, 0)
	ResDisk  = engine.ResourceID(ClassDisk, 0, 0)
	ResVM    = engine.ResourceID(ClassVM, 0, 0)
	ResBlame = engine.ResourceID(ClassBlame, 0, 0)
	ResHosts = engine.ResourceID(ClassHosts, 0, 0)
	// FPAll writes everything: a step the world cannot classify.
	FPAll = engine.NewFootprint([]engine.Resource{ResAll}, []engine.Resource{ResAll})
)

// Split returns the class of r and its two coordinates.
func Split(r engine.Resource) (class uint8, a, b uint32) {
	return uint8(r >> 56), uint32(r>>32) & (1<<24 - 1), uint32(r)
}

// HostOf returns the host a per-host resource belongs to; ok is false for
// a resource of no host.
func HostOf(r engine.Resource) (int, bool) {
	class, a, _ := Split(r)
	switch class {
	case ClassFunc, ClassGroup, ClassVMMode, ClassAdminQ, ClassFailed, ClassMem, ClassTruth:
		return int(a), true
	}
	return 0, false
}

// FNV32 is the 32-bit FNV-1a hash of s (a signal's coordinate).
func FNV32(s string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= 16777619
	}
	return h
}

// HasResource reports whether the sorted set s holds r. It is a binary
// search written out for resources: the footprint guard asks it several
// times a step, and the generic slices.BinarySearch costs about twice as
// many instructions.
func HasResource(s []engine.Resource, r engine.Resource) bool {
	lo, hi := 0, len(s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if s[m] < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(s) && s[lo] == r
}

// ResourceName renders a resource for the footprint guard's messages.
func ResourceName(r engine.Resource) string {
	class, a, b := Split(r)
	switch class {
	case ClassAll:
		return "everything"
	case ClassFunc:
		return fmt.Sprintf("host %d %s", a, owner.Target(b))
	case ClassGroup:
		return fmt.Sprintf("host %d's SR-IOV group", a)
	case ClassVMMode:
		return fmt.Sprintf("the modes of the VM's members on host %d", a)
	case ClassAdminQ:
		return fmt.Sprintf("host %d's admin queue", a)
	case ClassFailed:
		return fmt.Sprintf("host %d's failure", a)
	case ClassMem:
		return fmt.Sprintf("guest memory %d on host %d", b, a)
	case ClassDisk:
		return "the disk (the network in a net world)"
	case ClassIRQ:
		return fmt.Sprintf("guest %d's interrupts", a)
	case ClassHalt:
		return fmt.Sprintf("guest %d's halt", a)
	case ClassSignal:
		return fmt.Sprintf("signal %#x", b)
	case ClassVM:
		return "the VM's host"
	case ClassBlame:
		return "the blame"
	case ClassHosts:
		return "the hosts"
	case ClassTruth:
		return fmt.Sprintf("host %d's record of its members", a)
	}
	return fmt.Sprintf("resource %#x", uint64(r))
}
