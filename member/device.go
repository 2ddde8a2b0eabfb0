package member

import (
	"fmt"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// EventKind says what an Event carries.
type EventKind uint8

// Event kinds.
const (
	// EvTLP is a configuration or memory TLP addressed to the member: from a
	// guest vCPU (MMIO, config space) or from a peer device (a P2P doorbell).
	EvTLP EventKind = iota + 1
	// EvAdmin is an admin request the owner forwards to this member.
	EvAdmin
	// EvTimer is the expiry of a timer the device armed.
	EvTimer
	// EvStep asks the device to run one of the internal steps it asked for.
	EvStep
	// EvBackend tells the device its backend changed on the host side (for
	// virtio-blk: the disk was resized). A device-initiated configuration
	// change follows.
	EvBackend
)

// String returns tlp, admin, timer or step.
func (k EventKind) String() string {
	switch k {
	case EvTLP:
		return "tlp"
	case EvAdmin:
		return "admin"
	case EvTimer:
		return "timer"
	case EvStep:
		return "step"
	case EvBackend:
		return "backend"
	}
	return fmt.Sprintf("event-%d", uint8(k))
}

// StepKind is one of the device's internal steps, split where a real device
// can be interrupted (DESIGN §4).
type StepKind uint8

// Internal steps.
const (
	// StepFetch takes the next available request from a queue's avail ring.
	StepFetch StepKind = iota + 1
	// StepExecute runs a fetched request against the backend (the disk).
	StepExecute
	// StepComplete writes a used-ring entry and raises the queue interrupt.
	StepComplete
	// StepAdmin executes (or finishes) a held admin request.
	StepAdmin
	// StepFinishFLR completes an FLR once its 100 ms have passed.
	StepFinishFLR
	// StepFinishReset completes a virtio reset (device_status ← 0).
	StepFinishReset
	// StepDeliverHeld delivers interrupts held while quiesced, after resume.
	StepDeliverHeld
)

// String returns the step name.
func (s StepKind) String() string {
	switch s {
	case StepFetch:
		return "fetch"
	case StepExecute:
		return "execute"
	case StepComplete:
		return "complete"
	case StepAdmin:
		return "admin"
	case StepFinishFLR:
		return "finish-flr"
	case StepFinishReset:
		return "finish-reset"
	case StepDeliverHeld:
		return "deliver-held"
	}
	return fmt.Sprintf("step-%d", uint8(s))
}

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
	if s.Kind == StepAdmin {
		return fmt.Sprintf("%s(tag %d)", s.Kind, s.Tag)
	}
	if s.Kind == StepFetch || s.Kind == StepExecute || s.Kind == StepComplete {
		return fmt.Sprintf("%s(q%d)", s.Kind, s.Queue)
	}
	return s.Kind.String()
}

// TimerID names a timer a device armed.
type TimerID uint8

// Timers.
const (
	TimerFLR TimerID = iota + 1
	// TimerPM ends a PM power-state transition of the member.
	TimerPM
)

// String returns the timer's name.
func (t TimerID) String() string {
	switch t {
	case TimerFLR:
		return "flr"
	case TimerPM:
		return "pm"
	}
	return fmt.Sprintf("timer-%d", uint8(t))
}

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
	// during FLR, a doorbell latched in Stop, …).
	Notes []string
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
// reference implementation is the virtio-blk device of this package; any
// other implementation (a vendor model, a wrapper that injects a bug) runs
// through the owner and the engine unchanged.
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
