package owner

import (
	"fmt"
	"strconv"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Target names the function an event is for or an effect came from: the PF
// itself (TargetPF, 0) or member VF n (1-based, as the SR-IOV group numbers them).
type Target uint16

// TargetPF is the owner device itself.
const TargetPF Target = 0

// String returns pf or vfN.
func (t Target) String() string {
	if t == TargetPF {
		return "pf"
	}
	return "vf" + strconv.Itoa(int(uint16(t)))
}

// Event is one input to the owner: for the PF itself (a TLP from the host
// CPU, a step of admin processing, the FLR timer) or for member VF n, in
// which case Ev is handed to that member unchanged (a guest TLP, a timer, a
// step, a backend change). The PF accepts EvTLP, EvStep (member.StepAdmin:
// execute the next admin command) and EvTimer (member.TimerFLR: the PF's FLR
// is over).
type Event struct {
	Target Target
	Ev     member.Event
}

// String renders the event for traces.
func (e Event) String() string {
	switch e.Ev.Kind {
	case member.EvTLP:
		return fmt.Sprintf("%s %s", e.Target, e.Ev.TLP)
	case member.EvStep:
		return fmt.Sprintf("%s step %s", e.Target, e.Ev.Step)
	case member.EvTimer:
		return fmt.Sprintf("%s timer %s", e.Target, e.Ev.Timer)
	}
	return fmt.Sprintf("%s %s", e.Target, e.Ev.Kind)
}

// TargetStep is an internal step a function asked for.
type TargetStep struct {
	Target Target
	Step   member.Step
}

// TargetTimer is a timer a function asked for.
type TargetTimer struct {
	Target Target
	Timer  member.Timer
}

// Note is a remark for the trace, with the function it concerns.
type Note struct {
	Target Target
	Text   string
}

// String renders the note as "target: text".
func (n Note) String() string { return fmt.Sprintf("%s: %s", n.Target, n.Text) }

// Effects are what the owner and its members did in answer to one event,
// as data. Interrupts carry their source RID (the PF's or a VF's).
type Effects struct {
	// ReadData is the completion data of a configuration or memory read.
	ReadData []byte
	// Interrupts are MSI-X messages sent to the host.
	Interrupts []pcie.MSIXMessage
	// Timers and Steps are what the PF or a member wants scheduled.
	Timers []TargetTimer
	Steps  []TargetStep
	// Published counts admin commands whose used entries the PF published.
	Published int
	// RemovedVFs is non-zero when the event removed the SR-IOV group (VF
	// Enable cleared, PF FLR): it is the number of VFs that existed, all of
	// which are gone. The engine drops every timer and step of VFs 1..n.
	RemovedVFs int
	// Notes are remarks for the trace; a quiet PF (Config.Quiet) makes
	// none.
	Notes []Note
	// Completed lists the admin commands the PF completed (wrote status and
	// result for) during the event, in completion order, so an observer can
	// check statuses and side effects (oracle admin-status).
	Completed []AdminOutcome
	// quiet drops the PF's notes unformatted (Config.Quiet).
	quiet bool
}

// AdminOutcome is one completed admin command: its queue sequence number,
// header and the status the device wrote.
type AdminOutcome struct {
	Seq       uint64
	Opcode    uint16
	Group     spec.GroupType
	Member    uint64
	Status    spec.Status
	Qualifier spec.Qualifier
	// Command is the device-readable part of the command as the PF read it
	// from the queue: the 24-byte header and the command data. It aliases
	// the queue entry; do not modify it.
	Command []byte
	// Result is what the PF wrote into the device-writable part: the 8-byte
	// status followed by the result data, clipped to the driver's buffer and
	// zero-padded as written (its length is the used length).
	Result []byte
	// FromMember: the PF forwarded the command to the member it names and
	// wrote the member's completion, whose status and qualifier are then
	// the member's (the PF answers the others itself).
	FromMember bool
}

// note appends a formatted note, unless the PF is quiet (Config.Quiet).
func (fx *Effects) note(t Target, format string, args ...any) {
	if fx.quiet {
		return
	}
	fx.Notes = append(fx.Notes, Note{Target: t, Text: fmt.Sprintf(format, args...)})
}

// merge adds the member's effects, tagged with its target. Admin
// completions are not copied: the PF takes them (see PF.Handle).
func (fx *Effects) merge(t Target, m member.Effects) {
	if m.ReadData != nil {
		fx.ReadData = m.ReadData
	}
	fx.Interrupts = append(fx.Interrupts, m.Interrupts...)
	for _, tm := range m.Timers {
		fx.Timers = append(fx.Timers, TargetTimer{Target: t, Timer: tm})
	}
	for _, s := range m.Steps {
		fx.Steps = append(fx.Steps, TargetStep{Target: t, Step: s})
	}
	for _, n := range m.Notes {
		fx.Notes = append(fx.Notes, Note{Target: t, Text: n})
	}
}
