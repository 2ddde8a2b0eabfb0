package world

import (
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/record"
)

// Events returns the recorded trace (WorldConfig.Record).
func (w *World) Events() []record.TraceEvent { return w.events }

// record appends e for function t of host h; a zero From or To is the
// function itself.
func (w *World) record(h *host, t owner.Target, who string, e record.TraceEvent) {
	if !w.cfg.Record {
		return
	}
	e.Step, e.Time, e.Edition, e.Host, e.Target, e.Who = w.stepNo, w.now, w.ed, h.name, t.String(), who
	fn := h.name + "." + e.Target
	if e.From == "" {
		e.From = fn
	}
	if e.To == "" {
		e.To = fn
	}
	w.events = append(w.events, e)
}

// recordDelivery records one event delivered to function t of host h and
// what it caused, in order: the TLP or step, the members' DMA accesses, the
// notes, the admin commands completed, the interrupts (under the function
// that raised them), the completion of a read, and the members whose
// state changed (against the snapshot taken before the event).
func (w *World) recordDelivery(h *host, t owner.Target, ev *member.Event, who string, before []recordedState, fx *owner.Effects) {
	if !w.cfg.Record {
		return
	}
	fn := h.name + "." + t.String()
	if ev.Kind == member.EvTLP {
		tlp := ev.TLP
		if tlp.Completer == 0 {
			tlp.Completer = w.functionRID(h, t) // memory requests are routed by address
		}
		w.record(h, t, who, record.TraceEvent{Kind: record.TraceTLP, TLP: tlp, From: who, To: fn})
	} else {
		w.record(h, t, who, record.TraceEvent{Kind: record.TraceStep, Text: describeMemberEvent(*ev)})
	}
	for _, a := range w.dma {
		w.record(w.hostNamed(a.Host), owner.Target(a.VF), who, record.TraceEvent{Kind: record.TraceDMA, Text: a.Access.String(), To: a.Host + ".mem"})
	}
	for _, n := range fx.Notes {
		w.record(h, n.Target, who, record.TraceEvent{Kind: record.TraceNote, Text: n.Text})
	}
	for _, c := range fx.Completed {
		w.record(h, owner.TargetPF, who, record.TraceEvent{Kind: record.TraceAdmin, Text: w.ed.OpcodeName(c.Opcode),
			From: w.ownerDriverName(), Admin: append([]byte(nil), c.Command...), AdminResult: append([]byte(nil), c.Result...)})
	}
	for _, irq := range fx.Interrupts {
		src, to := w.interruptEnds(h, irq)
		w.record(h, src, who, record.TraceEvent{Kind: record.TraceMSIX, MSIX: irq, To: to})
	}
	if ev.Kind == member.EvTLP && (ev.TLP.Kind == pcie.CfgRead || ev.TLP.Kind == pcie.MemRead) {
		w.record(h, t, who, record.TraceEvent{Kind: record.TraceTLP, From: fn, To: who, TLP: pcie.TLP{Kind: pcie.Completion,
			Requester: ev.TLP.Requester, Completer: w.functionRID(h, t), Addr: ev.TLP.Addr, Data: fx.ReadData}})
	}
	for _, b := range before {
		w.recordState(h, who, b, record.TraceMemberState{Mode: b.st.Mode, FLRPending: b.st.FLRPending, ResetPending: b.st.ResetPending})
	}
	// A member the event built (the PF builds a VF's member on first use,
	// e.g. at the hypervisor's DEV_MODE_SET before the guest touched the VF)
	// had no snapshot: it started Active with nothing in progress, as every
	// lane of the mode timeline does.
	for _, b := range w.recordBefore(h, t) {
		if !slices.ContainsFunc(before, func(o recordedState) bool { return o.vf == b.vf }) {
			w.recordState(h, who, b, record.TraceMemberState{})
		}
	}
}

// recordState records b's state when it differs from was.
func (w *World) recordState(h *host, who string, b recordedState, was record.TraceMemberState) {
	st := b.dev.Status()
	if now := (record.TraceMemberState{Mode: st.Mode, FLRPending: st.FLRPending, ResetPending: st.ResetPending}); now != was {
		w.record(h, owner.Target(b.vf), who, record.TraceEvent{Kind: record.TraceState, State: now, Text: record.DescribeState(w.ed, now)})
	}
}

// recordedState is a member's status before an event, kept for the state
// records of a recorded trace.
type recordedState struct {
	vf  int
	dev member.Device
	st  member.Status
}

// recordBefore returns the status of every member an event to function t
// of host h may change (all of h's for a PF event), when the trace is
// recorded; nil otherwise.
func (w *World) recordBefore(h *host, t owner.Target) []recordedState {
	if !w.cfg.Record {
		return nil
	}
	var out []recordedState
	if t != owner.TargetPF {
		if m, ok := h.pf.Member(int(t)); ok {
			out = append(out, recordedState{vf: int(t), dev: m, st: m.Status()})
		}
		return out
	}
	for vf, m := range h.pf.Members() {
		out = append(out, recordedState{vf: vf, dev: m, st: m.Status()})
	}
	return out
}

// functionRID returns the routing ID of function t of host h (0 when it
// does not exist).
func (w *World) functionRID(h *host, t owner.Target) pcie.RID {
	return addrmap.FunctionRID(h.pfCfg, h.pf.RID(), t)
}

// interruptEnds returns the function that raised irq (from its source
// RID) and who consumes it: the owner driver for the PF's, the guest bound
// to the VF when the VM runs on h, else the host itself (world.interrupt
// drops it).
func (w *World) interruptEnds(h *host, irq pcie.MSIXMessage) (owner.Target, string) {
	if irq.Source == h.pf.RID() {
		return owner.TargetPF, w.ownerDriverName()
	}
	vf, ok := w.vfOfRID(h, irq.Source)
	if !ok {
		return owner.TargetPF, h.name
	}
	if h == w.vm {
		for _, g := range w.guests {
			if g.vf == vf {
				return owner.Target(vf), g.name
			}
		}
	}
	return owner.Target(vf), h.name
}

// ownerDriverName is the name of the actor that drives the PFs: the
// hypervisor.
func (w *World) ownerDriverName() string {
	if w.hv != nil {
		return w.hvActor.name
	}
	return "hv"
}
