package member

import (
	"fmt"
	"strconv"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Step names one internal step: its kind and the queue (or admin tag) it
// concerns. Steps are values: the scheduler keeps them, orders them and hands
// each back in an EvStep event. A step that is no longer meaningful when it
// is delivered (the queue was reset, the FLR wiped it) is a no-op.
type Step struct {
	Kind  StepKind
	Queue uint16
	// Tag identifies the admin request of a StepAdmin.
	Tag uint64
}

// String renders the step for traces, e.g. fetch(q0).
func (s Step) String() string {
	// strconv, not fmt: every scheduled device step is labelled.
	if s.Kind == StepAdmin {
		return s.Kind.String() + "(tag " + strconv.FormatUint(uint64(s.Tag), 10) + ")"
	}
	if s.Kind == StepFetch || s.Kind == StepExecute || s.Kind == StepComplete {
		if int(s.Queue) < len(queueStepNames[s.Kind]) {
			return queueStepNames[s.Kind][s.Queue]
		}
		return queueStepName(s.Kind, s.Queue)
	}
	return s.Kind.String()
}

func queueStepName(k StepKind, q uint16) string {
	return k.String() + "(q" + strconv.FormatInt(int64(q), 10) + ")"
}

// queueStepNames holds the names of the queue steps of the first queues,
// so that labelling a step allocates nothing.
var queueStepNames = func() (names [StepComplete + 1][8]string) {
	for _, k := range []StepKind{StepFetch, StepExecute, StepComplete} {
		for q := range names[k] {
			names[k][q] = queueStepName(k, uint16(q))
		}
	}
	return names
}()

// Timer is a request to deliver EvTimer after Delay nanoseconds of virtual
// time.
type Timer struct {
	ID    TimerID
	Delay uint64
}

// AdminRequest is an admin command the owner has validated (group, opcode,
// member, resource object) and forwards to the member it addresses. Opcode is
// the wire value in the member's edition. Data is the command-specific data
// as the driver gave it (the member applies the length rules). ResultCap is
// the room the driver gave for command_specific_result.
type AdminRequest struct {
	Tag       uint64
	Opcode    uint16
	Data      []byte
	ResultCap int
	// ObjectID is the resource object of a virtio-1.4 parts command.
	ObjectID uint32
}

// AdminCompletion is the member's answer to an AdminRequest.
type AdminCompletion struct {
	Tag       uint64
	Status    spec.Status
	Qualifier spec.Qualifier
	Result    []byte
}

// Event is one input to a member device.
type Event struct {
	Kind  EventKind
	TLP   pcie.TLP
	Admin AdminRequest
	Timer TimerID
	Step  Step
}

// Effects are what a device did in answer to one event, as data.
type Effects struct {
	// ReadData is the completion data of a configuration or memory read.
	ReadData []byte
	// Interrupts are MSI-X messages sent to the host.
	Interrupts []pcie.MSIXMessage
	// Completions are finished admin requests, in the order they finished.
	Completions []AdminCompletion
	// Timers are timers to arm.
	Timers []Timer
	// Steps are internal steps the device wants scheduled.
	Steps []Step
	// Notes are human-readable remarks for the trace (a dropped request
	// during FLR, a doorbell latched in Stop, …). A quiet device
	// (Config.Quiet) makes none.
	Notes []string
	// quiet drops notes unformatted (Config.Quiet).
	quiet bool
}

// note appends a formatted note, unless the device is quiet.
func (fx *Effects) note(format string, args ...any) {
	if fx.quiet {
		return
	}
	fx.Notes = append(fx.Notes, fmt.Sprintf(format, args...))
}

// Status is what an oracle or a trace may observe of a member without
// changing it.
type Status struct {
	Mode         spec.Mode
	DeviceStatus spec.DeviceStatus
	FLRPending   bool
	ResetPending bool
	// HeldReplies counts admin requests whose reply is held.
	HeldReplies int
}

// Device is the event/effect contract of a member device (a VF). The
// reference implementation is the virtio core of this package with a device
// backend (member/blk); any other implementation (a vendor model, a wrapper
// that injects a bug) runs through the owner and the engine unchanged.
//
// A Device is a pure state machine: Handle takes one event, in whatever
// order the caller chose, and returns its effects. It never blocks, starts no
// goroutine and reads no clock. Guest memory is reached only through the
// MemoryPort given at construction.
type Device interface {
	// Handle applies one event and returns its effects.
	Handle(ev Event) Effects
	// Status reports the observable state without changing it.
	Status() Status
	// ContextDigest returns a digest of the device context as the owner
	// could read it now, without any side effect (no incremental baseline
	// moves). The frozen-context oracle compares it across steps.
	ContextDigest() uint64
}

// Pure is implemented by a member whose Status and ContextDigest are known
// to change nothing (the built-in devices: member.Core; the world's tests
// check it). A search may then call them fewer times than a run from
// scratch would: on a step an earlier run already judged, the world
// leaves out the event oracles and the footprint guard, which call them.
// A member that only promises it (a wrapper, an external device) is
// queried on every step.
type Pure interface {
	// PureQueries marks the member; it does nothing.
	PureQueries()
}

// Opaque is implemented by a member whose state lives outside this process
// (an external device behind a protocol, whose Go value is only a proxy):
// nothing in the process can hash that state, so a world holding one
// reports no state hash and a dfs search does not prune states with it,
// unless the member summarises its state by the chain of its inputs
// (InputChained).
type Opaque interface {
	// OpaqueState marks the member; it does nothing.
	OpaqueState()
}

// Releaser is implemented by a member that holds something outside the
// process for as long as it lives: an external device, whose process
// keeps the device's state until the kit tells it to forget it
// (docs/device-protocol.md, "new — a device"). Whoever builds members
// calls Release on each once nothing will use it again, at a point its own
// course decides (a world when it is closed, for every member it built),
// so that what the process is told does not depend on the garbage
// collector. A released member is not used again; Release a second time
// does nothing.
type Releaser interface {
	Release()
}

// Releasers are the members one builder (a world, a device test) built
// that are Releasers, in the order they were built, to release together
// when the builder is done with them.
type Releasers struct {
	list []Releaser
}

// Add keeps m when it is a Releaser.
func (r *Releasers) Add(m Device) {
	if x, ok := m.(Releaser); ok {
		r.list = append(r.list, x)
	}
}

// Release releases every member kept, in the order they were built, and
// forgets them.
func (r *Releasers) Release() {
	for _, x := range r.list {
		x.Release()
	}
	r.list = nil
}

// InputChained is implemented by an Opaque member that stands for a
// deterministic device: one whose state is a function of everything it
// was given since it was built (its configuration, every event, and the
// answers to its own requests — the guest memory and disk it read), in
// order. Such a member's state is summarised, for state hashing, by a
// chain: the hash, input after input, of exactly those inputs, as a world
// summarises an actor by the chain of what it read. Two paths that gave
// the device the same inputs in the same order leave it in the same state,
// so a world holding only such opaque members reports a state hash and a
// dfs search prunes states with it. The chain tells apart more states than
// a hash of the device's real state would (inputs in another order that
// lead to the same state), never fewer. Status and ContextDigest must
// change nothing (or be inputs the chain holds): the world calls them on
// every step of a member that is not Pure.
type InputChained interface {
	Opaque
	// InputChain returns the chain of the member's inputs so far.
	InputChain() uint64
}
