package stepfp

import "github.com/migsim/migsim/world/por"

// World is the world as the footprints of its steps read it.
type World interface {
	// Hosts is the number of hosts; HostName the name of host i (hosts
	// are numbered in creation order).
	Hosts() int
	HostName(i int) string
	// HostOfVF is the index of the host backing VF vf of the VM now.
	HostOfVF(vf int) int
	// GuestTarget is the VF guest g (its index among the world's guests)
	// drives and the index of the host backing it now (HostOfVF).
	GuestTarget(g int) (h, vf int)
	// MemberBits are the state-dependent bits of an event of member vf of
	// host h (por.VFUnbuilt, por.VFHeld, por.VFBlame); vcpu when a vCPU
	// accesses it.
	MemberBits(h, vf int, vcpu bool) uint8
	// Unbooted reports whether the hypervisor's program may still boot a
	// host (hv.Hypervisor.Unbooted).
	Unbooted() bool
	// VMHost is the index of the host the VM runs on; ok is false before
	// there is one.
	VMHost() (h int, ok bool)
	// PFNotify reports whether addr is in the notify region of host h's PF
	// (addrmap.PFNotify).
	PFNotify(h int, addr uint64) bool
}

// Actor is what footprints need to know of an actor.
type Actor struct {
	Kind por.ActorKind
	// Guest is the guest's index among the world's guests; PeerVF the VF
	// backing a peer (0: none).
	Guest  int
	PeerVF int
}
