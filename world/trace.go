package world

import (
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
)

// TraceKind says what a TraceEvent records.
type TraceKind uint8

// Trace event kinds.
const (
	// TraceTLP is a TLP delivered to a function (from a vCPU, the
	// hypervisor or a peer).
	TraceTLP TraceKind = iota + 1
	// TraceStep is an internal step or timer of a function.
	TraceStep
	// TraceMSIX is an interrupt a function raised.
	TraceMSIX
	// TraceDMA is a guest-memory access by a member.
	TraceDMA
	// TraceNote is a remark of a function or the world.
	TraceNote
	// TraceAdmin is an admin command the owner completed: Admin holds its
	// 24-byte header, AdminResult its 8-byte status.
	TraceAdmin
)

// String returns tlp, step, msix, dma or note.
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
	}
	return fmt.Sprintf("trace-%d", uint8(k))
}

// TraceEvent is one record of what crossed the simulated bus or happened in
// a function, for exports (pcapng, Mermaid, JSON). Events are recorded only
// when WorldConfig.Record is set.
type TraceEvent struct {
	// Step is the scheduler step the event belongs to (0: host boot).
	Step int
	Time engine.VTime
	Kind TraceKind
	// Host and Target name the function (src, vf1); Who the actor that
	// caused the event (vcpu0, hv, peer, src.vf1).
	Host, Target, Who string
	TLP               pcie.TLP
	MSIX              pcie.MSIXMessage
	// Text is the step label or the note.
	Text string
	// Admin and AdminResult are the header and status of an admin command
	// (TraceAdmin).
	Admin, AdminResult []byte
}

// Events returns the recorded trace (WorldConfig.Record).
func (w *World) Events() []TraceEvent { return w.events }

func (w *World) record(h *host, t owner.Target, who string, e TraceEvent) {
	if !w.cfg.Record {
		return
	}
	e.Step, e.Time, e.Host, e.Target, e.Who = w.stepNo, w.now, h.name, t.String(), who
	w.events = append(w.events, e)
}
