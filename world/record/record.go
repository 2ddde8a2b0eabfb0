// Package record holds the record of a run the world keeps when asked
// (world.WorldConfig.Record): the kinds of trace events and the events
// themselves, what crossed the simulated bus or happened in a function.
// The world fills it; package trace exports it (text, JSON, Mermaid,
// pcapng).
package record

import (
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TraceKind says what a TraceEvent records.
type TraceKind uint8

// Trace event kinds.
const (
	// TraceTLP is a TLP delivered to a function (from a vCPU, the
	// hypervisor or a peer), or the completion it answered with.
	TraceTLP TraceKind = iota + 1
	// TraceStep is an internal step or timer of a function.
	TraceStep
	// TraceMSIX is an interrupt a function raised.
	TraceMSIX
	// TraceDMA is a guest-memory access by a member.
	TraceDMA
	// TraceNote is a remark of a function or the world.
	TraceNote
	// TraceAdmin is an admin command the owner completed: Admin holds the
	// command as the PF read it (24-byte header and data), AdminResult what
	// the PF wrote back (8-byte status and result data).
	TraceAdmin
	// TraceState is a change of a member's migration state (mode, FLR or
	// virtio reset in progress), as the member reports it after an event.
	TraceState
)

// String returns tlp, step, msix, dma, note, admin or state.
func (k TraceKind) String() string {
	switch k {
	case TraceTLP:
		return "tlp"
	case TraceStep:
		return "step"
	case TraceMSIX:
		return "msix"
	case TraceDMA:
		return "dma"
	case TraceNote:
		return "note"
	case TraceAdmin:
		return "admin"
	case TraceState:
		return "state"
	}
	return fmt.Sprintf("trace-%d", uint8(k))
}

// TraceMemberState is a member's migration state in a TraceState event.
type TraceMemberState struct {
	Mode spec.Mode
	// FLRPending and ResetPending say that a function-level reset or a
	// virtio reset (device_status written 0) is in progress.
	FLRPending, ResetPending bool
}

// TraceEvent is one record of what crossed the simulated bus or happened in
// a function, for exports (pcapng, Mermaid, JSON). Events are recorded only
// when world.WorldConfig.Record is set.
type TraceEvent struct {
	// Step is the scheduler step the event belongs to (0: host boot).
	Step int
	Time engine.VTime
	Kind TraceKind
	// Edition is the spec edition the world runs (it gives opcode and mode
	// values their names).
	Edition spec.Edition
	// Host and Target name the function the event belongs to (src, vf1):
	// the receiver of a TLP, the function that raised an interrupt or made
	// a DMA access, the PF for admin commands. Who is the actor whose
	// scheduler step caused the event (vcpu0, hv, peer, src.vf1).
	Host, Target, Who string
	// From and To are the event's endpoints: the requester and the
	// function of a TLP (the reverse for a completion), the function and
	// the interrupt's consumer of an MSI-X, the function and its host's
	// guest memory (src.mem) of a DMA access, the owner driver and the PF
	// of an admin command, the function itself for steps, notes and states.
	From, To string
	TLP      pcie.TLP
	MSIX     pcie.MSIXMessage
	// Text is the step label, the DMA access, the note or the opcode name.
	Text string
	// Admin and AdminResult are the command and result bytes of a
	// TraceAdmin event.
	Admin, AdminResult []byte
	// State is the member's new state (TraceState).
	State TraceMemberState
}

// DescribeState renders a member state for the trace: "mode Freeze, FLR
// in progress".
func DescribeState(ed spec.Edition, s TraceMemberState) string {
	text := "mode " + ed.ModeName(s.Mode)
	if s.FLRPending {
		text += ", FLR in progress"
	}
	if s.ResetPending {
		text += ", reset in progress"
	}
	return text
}
