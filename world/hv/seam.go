// Package hv is the hypervisor of a simulated world: the owner driver it
// runs on every host, the migration flow of its program (draft-2023 mode
// and context commands, virtio-1.4 device parts, QEMU's VFIO state machine
// with vfio-pci's trapped resets), the compatibility header its saved
// state travels in and the checks at the destination (docs/compat.md), and
// the edition's default flow.
//
// The world builds it (New, Boot, Run) and hands it the services of
// World: the hosts, the bus, the clock, the vCPUs, the signals and the
// oracle hooks. hv knows nothing else of the world, so the world may
// import it.
package hv

import (
	"encoding/binary"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Name is the hypervisor actor's name in step labels, traces and findings.
const Name = "hv"

// HostRID is the requester ID of the host's own accesses (the owner driver
// and the hypervisor's configuration copies).
const HostRID pcie.RID = 0x0000

// Host is one physical host as the hypervisor addresses it.
type Host interface {
	// Name is "src", "dst" or "dst2".
	Name() string
	// Index is the host's position in creation order; 0 is the source.
	Index() int
	// Failed reports whether the host crashed (`fail`).
	Failed() bool
}

// Req is the next visible operation of the actor running the hypervisor's
// code: the scheduler may run it when Ready reports true (nil: always); Do
// performs it and its result is what the yield returns.
type Req struct {
	Label string
	Ready func() bool
	Do    func() []byte
}

// Yield suspends the running actor on r and returns r.Do's result once the
// scheduler ran it.
type Yield func(r *Req) []byte

// World is what the hypervisor uses of the world it runs in.
type World interface {
	Edition() spec.Edition
	Rules() spec.Rules
	Scenario() *scenario.Scenario
	// Reference reports a run without migration.
	Reference() bool
	// DefaultImplName is the implementation a host runs when no setting
	// names one: the reference of the VFs' device type.
	DefaultImplName() string
	// Setting returns a world setting; Settings all of them in order.
	Setting(key string) (string, bool)
	Settings() []scenario.Arg
	Notef(format string, args ...any)
	// Observed records a value the running actor read from the
	// hypervisor's own state that the world updates (the admin
	// publication counts, removed groups), for state hashing: an actor's
	// state is a function of the values it read.
	Observed(v uint64)
	Now() engine.VTime
	// Published is the number of admin completions host i's PF published
	// (the owner driver's WaitAdmin waits for more than it saw);
	// VFsGone whether host i's SR-IOV group was removed.
	Published(i int) int
	VFsGone(i int) bool
	// Stalled reports that nothing can run: waits give up.
	Stalled() bool

	// Hosts lists the hosts in creation order; HostByName creates a
	// destination on first use.
	Hosts() []Host
	HostByName(name string) (Host, error)
	// HostMem is h's host memory (the owner driver's queues); PFBAR0 and
	// PFRID its PF's BAR0 address and requester ID; DriverObserver what
	// watches h's owner driver.
	HostMem(h Host) pcie.MemoryPort
	PFBAR0(h Host) uint64
	PFRID(h Host) pcie.RID
	DriverObserver(h Host) owner.DriverObserver
	// Deliver delivers ev to function t of h on behalf of who and returns
	// the completion data.
	Deliver(h Host, t owner.Target, ev member.Event, who string) []byte
	// StepInline runs one pending device event of h, else moves the clock
	// to the next timer; false when nothing is left.
	StepInline(h Host) bool

	// VM is the host the VM runs on (nil: none); VMVFs its VFs, sorted.
	VM() Host
	VMVFs() []int
	// Switchover moves the VM to h; HasVMMemory reports whether h holds a
	// copy of the VM's memory, CopyMemory copies it there from the VM's
	// host, CopyPCI copies the VFs' configuration the hypervisor saves
	// itself from one host to another.
	Switchover(h Host)
	HasVMMemory(h Host) bool
	CopyMemory(h Host)
	CopyPCI(from, to Host)
	// Fail crashes h.
	Fail(h Host)
	// Resize resizes the disk to sectors and tells every VF using it.
	Resize(sectors uint64)
	// SetHalted halts or resumes the VM's vCPUs; VCPUsHalted reports
	// whether any vCPU is halted.
	SetHalted(halted bool)
	VCPUsHalted() bool
	// Signal raises a named signal; Signalled reports whether it was.
	Signal(name string)
	Signalled(name string) bool
	// WakeAfter wakes the hypervisor's actor delay nanoseconds from now,
	// or at the end of virtual time when that is sooner (sleep), and
	// returns when.
	WakeAfter(delay uint64) engine.VTime
	// OthersDone reports whether every other actor is done.
	OthersDone() bool

	// OwnerFrozen reports whether the owner knows member vf of h is
	// frozen; Auditable whether it read it in its current quiesced epoch
	// and should read it once more; AnyAuditable whether any member is.
	OwnerFrozen(h Host, vf int) bool
	Auditable(h Host, vf int) bool
	AnyAuditable() bool

	// Bind checks op against the hypervisor's verbs and returns its
	// arguments; OtherEditionVerb reports a verb only the other edition
	// has.
	Bind(op scenario.Op) (scenario.Values, error)
	OtherEditionVerb(verb string) bool

	// CheckedLoad runs load, one VF's write or load at destination h, and
	// runs the load oracles when the device rejects it.
	CheckedLoad(h Host, vf int, who string, load func() error) error
	// FlowEnd runs the flow oracles once the program ended.
	FlowEnd(o FlowOutcome, hosts []HostFlags)
}

// LoadEnder is a World that keeps the checked load in progress (the
// member before it) as its own state: EndLoad ends it with the load's
// result, as CheckedLoad would have once load returned. A hypervisor
// rebuilt inside a load (Recorder) ends it so.
type LoadEnder interface {
	EndLoad(err error) error
}

// HostFlags is what the hypervisor knows of one host at the end of its
// flow.
type HostFlags struct {
	// VFsGone: its SR-IOV group was removed; Touched: a migration
	// operation addressed it; Received: a write or load of the VM's state
	// succeeded on it.
	VFsGone, Touched, Received bool
}

// vfKey names VF vf of host index host.
type vfKey struct {
	host, vf int
}

// leUint reads a little-endian value of up to four bytes (the first
// four of a longer one).
func leUint(b []byte) uint32 {
	var v uint32
	for i := len(b) - 1; i >= 0 && i < 4; i-- {
		v = v<<8 | uint32(b[i])
	}
	if len(b) > 4 {
		v = binary.LittleEndian.Uint32(b)
	}
	return v
}
