// Package tracerec records a run's trace (package world/record) as the
// world tells it what crossed its bus: an event delivered to a function
// and everything it caused, in order (Recorder.Delivery), or one event on
// its own (Recorder.Add). It reads the world only through World, which the
// world implements; the world decides whether the run is recorded
// (WorldConfig.Record) and calls it only then.
package tracerec

import (
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/record"
)

// World is what the recorder reads of the world.
type World interface {
	// At is where the run is: the step, the clock and the edition.
	At() (step int, now engine.VTime, ed spec.Edition)
	// OwnerDriver names the actor that drives the PFs (the hypervisor).
	OwnerDriver() string
	// Guest names the guest bound to VF vf when the VM runs on host h
	// ("" otherwise): who consumes the VF's interrupts.
	Guest(h, vf int) string
}

// Host is one host as the record names it.
type Host struct {
	Idx  int
	Name string
	PF   *owner.PF
	// Cfg is the PF's configuration space (its VFs' routing IDs).
	Cfg *pcie.ConfigSpace
}

// Recorder keeps a run's trace. It is plain data: a copy of the world
// copies it.
type Recorder struct {
	w World
	// Events is the trace so far.
	Events []record.TraceEvent
}

// New returns an empty recorder reading w.
func New(w World) Recorder { return Recorder{w: w} }

// Add appends e for function t of the named host, caused by who; a zero
// From or To is the function itself.
func (r *Recorder) Add(host string, t owner.Target, who string, e record.TraceEvent) {
	e.Step, e.Time, e.Edition = r.w.At()
	e.Host, e.Target, e.Who = host, t.String(), who
	fn := host + "." + e.Target
	if e.From == "" {
		e.From = fn
	}
	if e.To == "" {
		e.To = fn
	}
	r.Events = append(r.Events, e)
}

// MemberBefore is a member's status before an event, kept for the state
// records of the trace (Before).
type MemberBefore struct {
	vf  int
	dev member.Device
	st  member.Status
}

// Before returns the status of every member an event to function t of
// host h may change (all of h's for a PF event).
func Before(h *Host, t owner.Target) []MemberBefore {
	var out []MemberBefore
	if t != owner.TargetPF {
		if m, ok := h.PF.Member(int(t)); ok {
			out = append(out, MemberBefore{vf: int(t), dev: m, st: m.Status()})
		}
		return out
	}
	for vf, m := range h.PF.Members() {
		out = append(out, MemberBefore{vf: vf, dev: m, st: m.Status()})
	}
	return out
}

// Delivery records one event ev delivered to function t of host h by who
// and what it caused, in order: the TLP or step (stepText),
// the members' DMA accesses (dma), the notes, the admin commands
// completed, the interrupts (under the function that raised them), the
// completion of a read, and the members whose state changed (against
// before, taken by Before).
func (r *Recorder) Delivery(h *Host, t owner.Target, ev *member.Event, who string, before []MemberBefore, fx *owner.Effects, dma []observe.DMAAccess) {
	_, _, ed := r.w.At()
	fn := h.Name + "." + t.String()
	if ev.Kind == member.EvTLP {
		tlp := ev.TLP
		if tlp.Completer == 0 {
			tlp.Completer = functionRID(h, t) // memory requests are routed by address
		}
		r.Add(h.Name, t, who, record.TraceEvent{Kind: record.TraceTLP, TLP: tlp, From: who, To: fn})
	} else {
		r.Add(h.Name, t, who, record.TraceEvent{Kind: record.TraceStep, Text: stepText(ev)})
	}
	for _, a := range dma {
		r.Add(a.Host, owner.Target(a.VF), who, record.TraceEvent{Kind: record.TraceDMA, Text: a.Access.String(), To: a.Host + ".mem"})
	}
	for _, n := range fx.Notes {
		r.Add(h.Name, n.Target, who, record.TraceEvent{Kind: record.TraceNote, Text: n.Text})
	}
	for _, c := range fx.Completed {
		r.Add(h.Name, owner.TargetPF, who, record.TraceEvent{Kind: record.TraceAdmin, Text: ed.OpcodeName(c.Opcode),
			From: r.w.OwnerDriver(), Admin: append([]byte(nil), c.Command...), AdminResult: append([]byte(nil), c.Result...)})
	}
	for _, irq := range fx.Interrupts {
		src, to := r.interruptEnds(h, irq)
		r.Add(h.Name, src, who, record.TraceEvent{Kind: record.TraceMSIX, MSIX: irq, To: to})
	}
	if ev.Kind == member.EvTLP && (ev.TLP.Kind == pcie.CfgRead || ev.TLP.Kind == pcie.MemRead) {
		r.Add(h.Name, t, who, record.TraceEvent{Kind: record.TraceTLP, From: fn, To: who, TLP: pcie.TLP{Kind: pcie.Completion,
			Requester: ev.TLP.Requester, Completer: functionRID(h, t), Addr: ev.TLP.Addr, Data: fx.ReadData}})
	}
	for _, b := range before {
		r.state(h, who, b, record.TraceMemberState{Mode: b.st.Mode, FLRPending: b.st.FLRPending, ResetPending: b.st.ResetPending})
	}
	// A member the event built (the PF builds a VF's member on first use,
	// e.g. at the hypervisor's DEV_MODE_SET before the guest touched the VF)
	// had no snapshot: it started Active with nothing in progress, as every
	// lane of the mode timeline does.
	for _, b := range Before(h, t) {
		if !slices.ContainsFunc(before, func(o MemberBefore) bool { return o.vf == b.vf }) {
			r.state(h, who, b, record.TraceMemberState{})
		}
	}
}

// state records b's state when it differs from was.
func (r *Recorder) state(h *Host, who string, b MemberBefore, was record.TraceMemberState) {
	st := b.dev.Status()
	if now := (record.TraceMemberState{Mode: st.Mode, FLRPending: st.FLRPending, ResetPending: st.ResetPending}); now != was {
		_, _, ed := r.w.At()
		r.Add(h.Name, owner.Target(b.vf), who, record.TraceEvent{Kind: record.TraceState, State: now, Text: record.DescribeState(ed, now)})
	}
}

// functionRID returns the routing ID of function t of host h (0 when it
// does not exist).
func functionRID(h *Host, t owner.Target) pcie.RID {
	return addrmap.FunctionRID(h.Cfg, h.PF.RID(), t)
}

// interruptEnds returns the function that raised irq (from its source
// RID) and who consumes it: the owner driver for the PF's, the guest bound
// to the VF when the VM runs on h, else the host itself (the world drops
// it).
func (r *Recorder) interruptEnds(h *Host, irq pcie.MSIXMessage) (owner.Target, string) {
	if irq.Source == h.PF.RID() {
		return owner.TargetPF, r.w.OwnerDriver()
	}
	vf, ok := addrmap.VFOfRID(h.Cfg, h.PF.RID(), irq.Source)
	if !ok {
		return owner.TargetPF, h.Name
	}
	if g := r.w.Guest(h.Idx, vf); g != "" {
		return owner.Target(vf), g
	}
	return owner.Target(vf), h.Name
}

// stepText is how the trace shows an event that is not a TLP: a device's
// step, a timer, or the event's kind.
func stepText(ev *member.Event) string {
	switch ev.Kind {
	case member.EvStep:
		return ev.Step.String()
	case member.EvTimer:
		return "timer " + ev.Timer.String()
	}
	return ev.Kind.String()
}
