// Package guard is the world's footprint guard. Partial-order reduction
// trusts a step's footprint, and an understated one silently drops
// interleavings. So while a step runs, the world reports every resource it
// sees the step touch — the function an event reaches, a member's mode,
// guest memory, the PF's host memory, the disk (a net world's network),
// interrupts for a guest, pending events and timers, the host's record of
// its members, the hypervisor's code run on another actor — and what it
// looks like outside its events before and after the step (State: the
// VM's host, the hosts, signals, the blame, halted vCPUs, failed hosts, a
// write put in flight on the bus, the network's activity). The guard
// panics (a "panic" finding naming the step and the resource) on the
// first resource the step's footprint did not declare.
package guard

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// State is what the world looks like outside its events, around a step.
type State struct {
	// VM is the index of the host the VM runs on (-1: none), Hosts the
	// number of hosts.
	VM, Hosts int
	// Blame is whom the transparent oracle blames so far.
	Blame string
	// Signals are the signals set, sorted.
	Signals []string
	// Halted says, per guest, whether its vCPU is halted; Failed, per
	// host, whether it failed.
	Halted []bool
	Failed [4]bool
	// LanesIdle: no write is in flight on the bus.
	LanesIdle bool
	// Net is the network's activity (network.Activity), kept when
	// NetChecked: the step did not declare writing the disk, whose
	// resource a net world's network is.
	Net        uint64
	NetChecked bool
}

// Step is the guard of the running step.
type Step struct {
	on bool
	// all: the footprint declares writing everything (por.ResAll), looked
	// up once at Begin rather than at every MayWrite.
	all bool
	// lastW and lastR are the resources last found among the footprint's
	// writes and reads (0: none yet): a step touches the same resource
	// many times (guest memory at every access of a chain).
	lastW, lastR engine.Resource
	fp           engine.Footprint
	label        string
	before       State
	// The target of the event being delivered, before it: a member's
	// existence and mode (Member), or the PF's VFs and members (BeforeEvent).
	built bool
	mode  spec.Mode
	// numVFs and members are the PF's VFs enabled and members built
	// before a PF event.
	numVFs, members int
}

// Begin arms the guard for step s; the caller then fills Before.
func (g *Step) Begin(s engine.Step) {
	g.on, g.fp, g.label = true, s.Footprint, s.Label
	g.all = por.HasResource(s.Footprint.Writes(), por.ResAll)
	g.lastW, g.lastR = 0, 0
}

// Before is the state before the running step, for the caller to fill.
func (g *Step) Before() *State { return &g.before }

// On reports whether a step is being guarded.
func (g *Step) On() bool { return g.on }

// Label is the running step's label.
func (g *Step) Label() string { return g.label }

// End checks what changed outside events between Before and after, and
// disarms the guard.
func (g *Step) End(after *State) {
	if !g.on {
		return
	}
	b := &g.before
	if after.VM != b.VM {
		g.TouchW(por.ResVM)
	}
	if after.Hosts != b.Hosts {
		g.TouchW(por.ResHosts)
	}
	if b.NetChecked && after.Net != b.Net {
		g.TouchW(por.ResDisk)
	}
	if b.LanesIdle && !after.LanesIdle {
		// A write put in flight may reach any function ahead of any later
		// request.
		g.TouchW(por.ResAll)
	}
	if after.Blame != b.Blame {
		g.TouchW(por.ResBlame)
	}
	for i, h := range after.Halted {
		if i < len(b.Halted) && h != b.Halted[i] {
			g.TouchW(por.ResGuest(por.ClassHalt, i))
		}
	}
	for i := range min(after.Hosts, b.Hosts, len(b.Failed)) {
		if after.Failed[i] != b.Failed[i] {
			g.TouchW(por.ResHost(por.ClassFailed, i))
		}
	}
	for _, name := range after.Signals {
		if _, found := slices.BinarySearch(b.Signals, name); !found {
			g.TouchW(por.ResSignal(name))
		}
	}
	g.on = false
}

// MayWrite reports whether the running step declared writing r. A host
// the step created is its own: nothing else could have touched it.
func (g *Step) MayWrite(r engine.Resource) bool {
	if g.all || (r == g.lastW && r != 0) {
		return true
	}
	if por.HasResource(g.fp.Writes(), r) {
		g.lastW = r
		return true
	}
	return g.newHost(r)
}

// newHost reports whether r belongs to a host created by the running step.
func (g *Step) newHost(r engine.Resource) bool {
	h, ok := por.HostOf(r)
	return ok && h >= g.before.Hosts
}

// MayRead reports whether the running step declared reading or writing r.
// It looks in the reads before the writes: what a step reads (the host's
// record an oracle's owner view reads, at nearly every event) it mostly
// declares reading, and a read found there skips the writes' search.
func (g *Step) MayRead(r engine.Resource) bool {
	if r == g.lastR && r != 0 {
		return true
	}
	if por.HasResource(g.fp.Reads(), r) {
		g.lastR = r
		return true
	}
	return g.MayWrite(r)
}

// TouchW checks that the running step declared writing r.
func (g *Step) TouchW(r engine.Resource) {
	if g.on && !g.MayWrite(r) {
		g.understated("write", r)
	}
}

// TouchR checks that the running step declared reading r.
func (g *Step) TouchR(r engine.Resource) {
	if g.on && !g.MayRead(r) {
		g.understated("read", r)
	}
}

// TouchFunc checks that the running step declared writing function t of
// host h, or the whole group.
func (g *Step) TouchFunc(h int, t owner.Target) {
	if g.on && !g.MayWrite(por.ResFunc(h, t)) && !g.MayWrite(por.ResHost(por.ClassGroup, h)) {
		g.understated("write", por.ResFunc(h, t))
	}
}

// understated panics: the running step touched r (how: "read" or
// "write") without declaring it. An undeclared write of the backend (the
// disk's resource: the disk, a net world's network) is the member's
// breach of the member contract, a ContractError: the world's footprints
// declare every backend change the reference devices make (world's
// TestFootprintGuard_StepsThatTouchMore plants each one left out).
func (g *Step) understated(how string, r engine.Resource) {
	msg := fmt.Sprintf("world: footprint of %q (%s) does not declare the %s of %s", g.label, g.fp, how, por.ResourceName(r))
	if how == "write" && r == por.ResDisk {
		panic(&ContractError{msg: msg})
	}
	panic(msg)
}

// ContractError is the panic value of a member that broke the member
// contract: it changed its own migration mode (TouchVMMode) or its backend
// (understated) on a step whose footprint does not declare it. Its Error
// is the panic's whole message, as a string panic would have read; the
// engine marks the finding it becomes (engine.MemberBreach,
// engine.Finding.MemberContract), and the conformance kit asks that mark,
// not the message, whether the device broke the contract.
type ContractError struct{ msg string }

// Error is the panic's message.
func (e *ContractError) Error() string { return e.msg }

// BrokeMemberContract marks the value as a member's breach of its contract
// (engine.MemberBreach).
func (*ContractError) BrokeMemberContract() {}

// Member records a member an event is about to reach: whether it exists
// and its mode.
func (g *Step) Member(built bool, mode spec.Mode) { g.built, g.mode = built, mode }

// MemberChanged reports whether the member the event reached changed its
// existence or mode (Member recorded them before).
func (g *Step) MemberChanged(built bool, mode spec.Mode) bool {
	return built != g.built || (built && mode != g.mode)
}

// MemberContract begins the panic message of a member that changed its own
// migration mode on an event whose step does not declare it (TouchVMMode):
// the world's footprints hold that only the owner's mode commands and an
// FLR change a member's mode, so such a member breaks the member contract,
// not the world (the conformance kit reports it as the device's). The
// panic's value is a ContractError: the text only words the failure.
const MemberContract = "member contract: "

// FootprintNote begins the bracketed end of a member-contract panic: the
// step's footprint, which did not declare the change (for the world's
// developers; a device's report leaves it out).
const FootprintNote = "[undeclared by the step's footprint "

// TouchVMMode checks that the running step declared writing the modes of
// the VM's members on host h, after the event to member vf of host name
// changed its existence or mode (MemberChanged) to built and mode. The
// panic names the modes in edition ed's words (spec.Edition.ModeName).
func (g *Step) TouchVMMode(ed spec.Edition, h int, name string, vf int, built bool, mode spec.Mode) {
	if !g.on || g.MayWrite(por.ResHost(por.ClassVMMode, h)) {
		return
	}
	what := fmt.Sprintf("changed its mode from %s to %s", ed.ModeName(g.mode), ed.ModeName(mode))
	if built != g.built {
		what = fmt.Sprintf("went from built=%v to built=%v", g.built, built)
	}
	panic(&ContractError{msg: fmt.Sprintf("world: %s%s.vf%d %s on %q, which only the owner's mode commands and an FLR do %s%s]",
		MemberContract, name, vf, what, g.label, FootprintNote, g.fp)})
}
