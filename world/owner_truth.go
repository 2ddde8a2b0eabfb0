package world

import (
	"fmt"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/addrmap"
	"github.com/migsim/migsim/world/ownerview"
	"github.com/migsim/migsim/world/por"
)

// Owner-side truth: what the host knows of each member, from what crossed
// its own admin queue and the bus, never from what a member says about
// itself. Package world/ownerview states the rules and keeps the record
// (ownerview.Record, one per host); the world feeds it what it sees.

// OwnerView is what the host knows of one member (ownerview.OwnerView).
type OwnerView = ownerview.OwnerView

// ContextRead is one complete context read as the host received it
// (ownerview.ContextRead).
type ContextRead = ownerview.ContextRead

// present reports whether member vf of h exists: VF vf is enabled (its
// member is built on first use, so an enabled VF nothing touched yet has
// none and is Active, as the host knows it), or its member was built.
func (h *host) present(vf int) bool {
	if vf >= 1 && vf <= h.pf.NumVFs() {
		return true
	}
	_, ok := h.pf.Member(vf)
	return ok
}

// ownerView is what h knows of its member vf now.
func (w *World) ownerView(h *host, vf int) OwnerView { return h.truth.View(vf, h.present(vf)) }

// auditable reports whether h read its member vf in the current quiesced
// epoch (so a later read has something to be compared with).
func (w *World) auditable(h *host, vf int) bool { return h.truth.Auditable(vf, h.present(vf)) }

// observeTLP updates the host's knowledge from a TLP the host or the guest
// sends to a function, before the function handles it: Initiate FLR, a
// write of 0 to device_status, and for the oracles a write or a
// notification while a size query is watched, and the MSI-X table entries.
func (w *World) observeTLP(h *host, t owner.Target, ev *member.Event) {
	if ev.Kind != member.EvTLP || t == owner.TargetPF {
		return
	}
	off, inCfg := addrmap.CommonCfgAccess(h.pfCfg, int(t), ev.TLP)
	touched := ownerview.Observed(ev.TLP, off, inCfg)
	if h.truth.ObserveWrite(int(t), ev.TLP, off, inCfg) {
		touched = true
	}
	if ev.TLP.Kind == pcie.MemWrite {
		if b0, ok := addrmap.BAR0Offset(h.pfCfg, int(t), ev.TLP.Addr); ok {
			h.truth.ObserveMSIXWrite(int(t), b0, ev.TLP.Data) // the entries messages are judged by
		}
	}
	notify := ev.TLP.Kind == pcie.MemWrite && addrmap.VFNotify(h.pfCfg, int(t), ev.TLP.Addr)
	if notify && h.truth.ObserveNotify(int(t)) {
		touched = true
	}
	if ev.TLP.Kind == pcie.MemWrite || ev.TLP.Kind == pcie.CfgWrite {
		w.feed.LoadTLP(h.idx, int(t), notify) // a member that may change by itself during a load
	}
	if touched {
		w.touchW(por.ResHost(por.ClassTruth, h.idx))
	}
}

// observeRead clears a reset in progress once a read of device_status
// returns 0.
func (w *World) observeRead(h *host, t owner.Target, ev *member.Event, data []byte) {
	if ev.Kind != member.EvTLP || t == owner.TargetPF || ev.TLP.Kind != pcie.MemRead || len(data) == 0 || data[0] != 0 {
		return
	}
	if off, ok := addrmap.CommonCfgOffset(h.pfCfg, int(t), ev.TLP.Addr); ok && off == uint64(spec.CfgDeviceStatus) {
		h.truth.ObserveStatusRead(int(t))
	}
}

// recordAnswer notes the member's own digest of its context when it
// answered a context or parts read (the event that completed it). The
// host's record keeps it for the oracles until the hypervisor reads the
// completion, so it travels with the completion: the step declares the
// host's admin queue, which every step that reads the completion writes
// (the guard checks it).
func (w *World) recordAnswer(h *host, fx *owner.Effects) {
	for _, c := range fx.Completed {
		if c.Status != spec.StatusOK || c.Group != spec.GroupSRIOV || c.Member == 0 || c.Member > 0xffff ||
			!ownerview.ReadsContext(w.ed, c.Opcode) {
			continue
		}
		if m, ok := h.pf.Member(int(c.Member)); ok {
			w.touchW(por.ResHost(por.ClassAdminQ, h.idx))
			h.truth.Answered(int(c.Member), m.ContextDigest())
		}
	}
}

// truthObserver is the owner driver's observer on one host: it keeps the
// host's knowledge of each member's commands and runs the received hook.
type truthObserver struct {
	w *World
	h *host
}

// Submitted implements owner.DriverObserver.
func (o truthObserver) Submitted(_ uint64, c adminq.Command) {
	o.w.touchW(por.ResHost(por.ClassTruth, o.h.idx))
	o.h.truth.Submitted(c)
	if _, mode := ownerview.ModeTarget(o.w.ed, c); mode && !o.w.cfg.Reference {
		if vf, ok := ownerview.MemberOf(c); ok {
			o.w.flowNotes.ModeCommand(fmt.Sprintf("%s.vf%d", o.h.name, vf))
		}
	}
}

// Received implements owner.DriverObserver.
func (o truthObserver) Received(c adminq.Completion) {
	vf, ok := ownerview.MemberOf(c.Command)
	if !ok {
		return
	}
	o.w.touchW(por.ResHost(por.ClassTruth, o.h.idx))
	before, read := o.h.truth.Received(vf, c, o.h.present(vf))
	o.w.received(o.h, vf, c, before, read)
}
