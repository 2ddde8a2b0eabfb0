package observe

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/ownerview"
)

// World is what the passes read of the world they observe. The world
// implements it and hands it to NewSet.
type World interface {
	// Edition is the world's edition; Rules its knobs.
	Edition() spec.Edition
	Rules() spec.Rules
	// Now is the virtual time of the run.
	Now() engine.VTime
	// VFs is the number of VFs every host enables; VMVFs the VFs of the
	// VM being migrated, sorted (the passes copy it).
	VFs() int
	VMVFs() []int
	// SourceHost names the host the VM started on (the first host);
	// VMHost the host it runs on now (the last switchover's). Both are
	// empty before the hosts are built.
	SourceHost() string
	VMHost() string
	// Member returns member vf of the named host, if the host exists and
	// the member was instantiated.
	Member(host string, vf int) (member.Device, bool)
	// OwnerView is what the named host knows of its member vf now.
	OwnerView(host string, vf int) ownerview.OwnerView
	// Doorbell reports whether ev is a memory write into the notify
	// region of a member of any host.
	Doorbell(ev member.Event) bool
	// Report records a finding of the named oracle; only the first of a
	// step counts.
	Report(oracle string, reqs, actors []string, format string, args ...any)
	// GuestLog is what the guests observed; Wire the network views of
	// a world of virtio-net VFs, VF by VF.
	GuestLog() []string
	Wire() []WireView
	// GuestTrouble is the lines of GuestLog that tell of trouble, as
	// data (guest.Trouble), guest by guest in log order.
	GuestTrouble() []guest.Trouble
	// GuestMemoryWhere names the part of the guests' memory an address
	// is in (a queue's ring memory, a driver's buffers), "" for none.
	GuestMemoryWhere(addr uint64) string
}
