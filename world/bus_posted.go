package world

import (
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
	"github.com/migsim/migsim/world/vocab"
)

// Posted writes in flight (setting posted-writes, docs/scenarios.md "The
// bus"). A guest's MMIO write is a posted Memory Write: the vCPU does not
// wait for it. By default the world delivers it within the vCPU's step;
// with posted-writes=in-flight it travels as a TLP on a lane of the bus and
// is delivered by a step of its own, so the halt of the vCPUs, a mode
// change or another actor can come between the write and its arrival.
//
// Ordering follows the PCIe rules for transactions without Relaxed
// Ordering (PCI Express Base, "Transaction Ordering Rules"): a posted
// request does not pass an earlier posted request, and a read (or any
// non-posted request) does not pass an earlier posted request. A lane is
// one requester's path to the functions of one host (an owner and its VFs
// share one link), so posted writes on a lane are delivered in issue order
// and any later request of the same requester on that host pushes them
// ahead of itself: they are delivered, in order, before it.
//
// Who counts as the same requester is the setting's choice:
//   - in-flight: the requester ID. The guest's vCPUs and the hypervisor
//     are both the root complex (requester 0000), so the hypervisor's own
//     admin doorbell to the owner pushes every guest write issued before it
//     to that host: PCIe ordering delivers them before the device can fetch
//     the command.
//   - in-flight-unordered: each vCPU alone; the hypervisor's traffic does
//     not order with it (an owner driver behind another requester, such as a
//     management controller, or ID-based ordering between requesters). Only
//     the vCPU's own later requests push its writes.
//
// Footprints of the steps (partial-order reduction): a guest MMIO write
// appends to its lane, and any later request of its requester may push it
// ahead of itself to the function it addresses, so its step declares
// writing everything (footprint_steps.go); while any write is in flight,
// every step does (World.Enabled), lane steps included. The footprint
// guard fails a step that leaves a write in flight without that
// declaration.

// busLane is one requester's path to the functions of one host, with the
// posted writes in flight on it, oldest first.
type busLane struct {
	id  int
	h   *host
	rid pcie.RID
	// who is the issuing vCPU under in-flight-unordered (each vCPU its own
	// ordering domain); empty under in-flight.
	who    string
	name   string
	writes []postedWrite
}

// postedWrite is one Memory Write in flight.
type postedWrite struct {
	target owner.Target
	tlp    pcie.TLP
	who    string
	issued int
	label  string
}

// postedMode returns the bus model of the run (immediate when unset).
func (w *World) postedMode() string {
	if v, ok := w.setting(vocab.SettingPostedWrites); ok {
		return v
	}
	return vocab.PostedImmediate
}

// nextActorID is the next dense actor id for a device or a lane.
func (w *World) nextActorID() int { return len(w.actors) + len(w.devs) + len(w.lanes) }

// post puts a guest's Memory Write on its lane instead of delivering it.
func (w *World) post(h *host, target owner.Target, t pcie.TLP, who string) {
	l := w.lane(h, t.Requester, who)
	what := fmt.Sprintf("%s %s.vf%d +%#x=%s", t.Kind, h.name, int(target), t.Addr, hex.EncodeToString(t.Data))
	l.writes = append(l.writes, postedWrite{target: target, tlp: t, who: who, issued: w.stepNo,
		label: l.name + ":deliver " + what})
}

// lane returns the lane of requester rid (and, in-flight-unordered, of
// vCPU who) to host h, creating it.
func (w *World) lane(h *host, rid pcie.RID, who string) *busLane {
	if w.posted != vocab.PostedUnordered {
		who = ""
	}
	for _, l := range w.lanes {
		if l.h == h && l.rid == rid && l.who == who {
			return l
		}
	}
	name := fmt.Sprintf("bus.%s.%s", h.name, rid)
	if who != "" {
		name += "." + who
	}
	l := &busLane{id: w.nextActorID(), h: h, rid: rid, who: who, name: name}
	w.lanes = append(w.lanes, l)
	return l
}

// pushPosted delivers, in order, the writes in flight that a request of
// rid to host h by who may not pass (see the rules above). It runs before
// every delivery of a TLP; a lane delivering its own head pushes nothing.
func (w *World) pushPosted(h *host, rid pcie.RID, who string, kind pcie.TLPKind) {
	if w.laneBusy {
		return
	}
	unordered := w.posted == vocab.PostedUnordered
	for _, l := range w.lanes {
		if l.h != h || l.rid != rid || (unordered && l.who != who) {
			continue
		}
		if len(l.writes) > 0 {
			w.notef("%s: %d posted write(s) pushed ahead of %s's %s", l.name, len(l.writes), who, kind)
		}
		for len(l.writes) > 0 {
			w.deliverHead(l)
		}
	}
}

// deliverHead delivers the oldest write of lane l.
func (w *World) deliverHead(l *busLane) {
	pw := l.writes[0]
	l.writes = l.writes[1:]
	if l.h.failed {
		w.notef("%s: %s lost: host %s failed", l.name, pw.tlp.Kind, l.h.name)
		return
	}
	w.laneBusy = true
	w.deliver(l.h, pw.target, member.Event{Kind: member.EvTLP, TLP: pw.tlp}, pw.who)
	w.laneBusy = false
	w.checkLanded(l, pw)
}

// checkLanded notes a posted write that reached a VF after the hypervisor
// froze (draft-2023) or stopped (virtio-1.4) it, and blames the hypervisor
// for the first one: it set the mode while the write was in flight.
func (w *World) checkLanded(l *busLane, pw postedWrite) {
	if w.cfg.Reference {
		return
	}
	m, ok := l.h.pf.Member(int(pw.target))
	if !ok {
		return
	}
	mode := m.Status().Mode
	if (w.ed == spec.Draft2023 && mode != spec.ModeFreeze) || (w.ed == spec.Virtio14 && mode != spec.ModeStop) {
		return
	}
	verb := map[bool]string{true: "froze", false: "stopped"}[mode == spec.ModeFreeze]
	w.notef("%s: %s issued by %s at step %d landed on %s.vf%d after the hypervisor %s it", l.name, pw.tlp.Kind, pw.who, pw.issued, l.h.name, int(pw.target), verb)
	if w.blame == "" {
		w.blame = fmt.Sprintf("the hypervisor %s %s.vf%d with a posted write in flight: %s issued %s at step %d, it landed at step %d",
			verb, l.h.name, int(pw.target), pw.who, pw.tlp.Kind, pw.issued, w.stepNo)
	}
}

// laneSteps appends the enabled lane steps: the head of every lane with
// writes in flight to a host that has not failed. Step IDs of lanes are
// negative (-1 - index) so they never collide with actors and devices.
func (w *World) laneSteps(buf []engine.Step) []engine.Step {
	for i, l := range w.lanes {
		if len(l.writes) == 0 || l.h.failed {
			continue
		}
		buf = append(buf, engine.Step{Actor: l.id, ID: -1 - i, Label: l.writes[0].label, Footprint: por.FPAll})
	}
	return buf
}

// lanesIdle reports whether no write is in flight to a host that has not
// failed.
func (w *World) lanesIdle() bool {
	for _, l := range w.lanes {
		if len(l.writes) > 0 && !l.h.failed {
			return false
		}
	}
	return true
}
