package world

import (
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/flowblame"
	"github.com/migsim/migsim/world/posted"
	"github.com/migsim/migsim/world/vocab"
)

// Posted writes in flight (setting posted-writes): package world/posted
// keeps the lanes of the bus and the writes on them, and says which a
// request pushes ahead of itself (PCIe ordering); the world delivers them
// (deliverHead) and blames the hypervisor for one that lands on a VF it
// had quiesced (checkLanded).

// postedMode returns the bus model of the run (immediate when unset).
func (w *World) postedMode() string {
	if v, ok := w.setting(vocab.SettingPostedWrites); ok {
		return v
	}
	return vocab.PostedImmediate
}

// nextActorID is the next dense actor id for a device or a lane.
func (w *World) nextActorID() int { return len(w.actors) + len(w.devs) + len(w.bus.Lanes) }

// post puts a guest's Memory Write on its lane instead of delivering it.
func (w *World) post(h *host, target owner.Target, t pcie.TLP, who string) {
	w.bus.Post(h.idx, h.name, target, t, who, w.stepNo, w.nextActorID())
}

// pushPosted delivers, in order, the writes in flight that a request of
// rid to host h by who may not pass (posted.Bus.Pushes). It runs before
// every delivery of a TLP; a lane delivering its own head pushes nothing.
func (w *World) pushPosted(h *host, rid pcie.RID, who string, kind pcie.TLPKind) {
	if w.laneBusy {
		return
	}
	for _, l := range w.bus.Lanes {
		if !w.bus.Pushes(l, h.idx, rid, who) {
			continue
		}
		if len(l.Writes) > 0 {
			w.notef("%s: %d posted write(s) pushed ahead of %s's %s", l.Name, len(l.Writes), who, kind)
		}
		for len(l.Writes) > 0 {
			w.deliverHead(l)
		}
	}
}

// deliverHead delivers the oldest write of lane l.
func (w *World) deliverHead(l *posted.Lane) {
	pw := l.Pop()
	h := w.hosts[l.Host]
	if h.failed {
		w.notef("%s: %s lost: host %s failed", l.Name, pw.TLP.Kind, h.name)
		return
	}
	w.laneBusy = true
	w.deliver(h, pw.Target, member.Event{Kind: member.EvTLP, TLP: pw.TLP}, pw.Who)
	w.laneBusy = false
	w.checkLanded(h, l, pw)
}

// checkLanded notes a posted write that reached a VF after the hypervisor
// froze (draft-2023) or stopped (virtio-1.4) it, by the host's record of
// the member (blame.go), and blames the hypervisor for the first one: it
// set the mode while the write was in flight.
func (w *World) checkLanded(h *host, l *posted.Lane, pw posted.Write) {
	if w.cfg.Reference || !w.hostHaltedInStep(h, int(pw.Target)) {
		return
	}
	verb := flowblame.HaltVerb(w.ed)
	w.notef("%s: %s issued by %s at step %d landed on %s.vf%d after the hypervisor %s it", l.Name, pw.TLP.Kind, pw.Who, pw.Issued, h.name, int(pw.Target), verb)
	if w.blame == "" {
		w.blame = fmt.Sprintf("the hypervisor %s %s.vf%d with a posted write in flight: %s issued %s at step %d, it landed at step %d",
			verb, h.name, int(pw.Target), pw.Who, pw.TLP.Kind, pw.Issued, w.stepNo)
	}
}

// hostFailed reports whether host h crashed, as the lanes ask.
func (w *World) hostFailed(h int) bool { return w.hosts[h].failed }

// lanesIdle reports whether no write is in flight to a host that has not
// failed.
func (w *World) lanesIdle() bool { return w.bus.Idle(w.hostFailed) }
