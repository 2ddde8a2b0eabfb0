package world

import (
	"slices"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/ownerview"
)

// Owner-side truth: what the host knows of each member, from what crossed
// its own admin queue and the bus, never from what a member says about
// itself (package world/ownerview states the rules and holds the view the
// oracles read). The world keeps the record here.

// OwnerView is what the host knows of one member (ownerview.OwnerView).
type OwnerView = ownerview.OwnerView

// memberTruth is the host's knowledge of one member.
type memberTruth struct {
	mode spec.Mode
	// pending are the target modes of mode commands submitted and not yet
	// completed, in submission order.
	pending     []spec.Mode
	outstanding int
	// flrAt is when the host saw Initiate FLR; flr while it is in
	// progress; flrDeferred when defer-flr carried it to the next resume.
	flr         bool
	flrAt       engine.VTime
	flrDeferred bool
	reset       bool
	// epoch counts the mode commands submitted for the member: a quiesced
	// epoch is the time between two of them.
	epoch int
	ctx   ctxView
}

// truth returns the host's record of member vf, creating it.
func (w *World) truth(h *host, vf int) *memberTruth {
	if h.truth == nil {
		h.truth = map[int]*memberTruth{}
	}
	t, ok := h.truth[vf]
	if !ok {
		t = &memberTruth{mode: spec.ModeActive}
		h.truth[vf] = t
	}
	w.settleFLR(t)
	return t
}

// settleFLR ends an FLR whose 100 ms have passed: the mode follows
// mode-after-flr, unless defer-flr holds it while quiesced.
func (w *World) settleFLR(t *memberTruth) {
	if !t.flr || w.now < t.flrAt+engine.VTime(pcie.FLRDurationNs) {
		return
	}
	t.flr = false
	if w.rules.FLRVsMode == spec.FLRDefer && t.mode.Quiesced() {
		t.flrDeferred = true
		return
	}
	if w.rules.ModeAfterFLR == spec.AfterFLRRunning {
		t.mode = spec.ModeActive
	}
}

// ownerView renders the host's record of member vf of h.
func (w *World) ownerView(h *host, vf int) OwnerView {
	if _, ok := h.pf.Member(vf); !ok {
		return OwnerView{}
	}
	t := w.truth(h, vf)
	return OwnerView{Present: true, Mode: t.mode, ModePending: len(t.pending) > 0, Pending: slices.Clone(t.pending),
		Outstanding: t.outstanding, FLR: t.flr, FLRDeferred: t.flrDeferred, FLRAt: t.flrAt, Reset: t.reset}
}

// observeTLP updates the host's knowledge from a TLP the host or the guest
// sends to a function, before the function handles it: Initiate FLR, a
// write of 0 to device_status.
func (w *World) observeTLP(h *host, t owner.Target, ev member.Event) {
	if ev.Kind != member.EvTLP || t == owner.TargetPF {
		return
	}
	tlp := ev.TLP
	vf := int(t)
	switch tlp.Kind {
	case pcie.CfgWrite:
		if b, ok := ownerview.ByteAt(tlp.Addr, tlp.Data, pcie.PCIeCapOffset+pcie.PCIeDevCtl+1); ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0 {
			mt := w.truth(h, vf)
			if mt.flr {
				return
			}
			if w.rules.FLRVsMode == spec.FLRDefer && mt.mode.Quiesced() {
				mt.flrDeferred = true
				return
			}
			mt.flr, mt.flrAt = true, w.now
		}
	case pcie.MemWrite:
		if off, ok := w.commonCfgOffset(h, vf, tlp.Addr); ok && off == uint64(spec.CfgDeviceStatus) && len(tlp.Data) > 0 && tlp.Data[0] == 0 {
			w.truth(h, vf).reset = true
		}
	}
}

// observeRead clears a reset in progress once a read of device_status
// returns 0.
func (w *World) observeRead(h *host, t owner.Target, ev member.Event, data []byte) {
	if ev.Kind != member.EvTLP || t == owner.TargetPF || ev.TLP.Kind != pcie.MemRead || len(data) == 0 || data[0] != 0 {
		return
	}
	if off, ok := w.commonCfgOffset(h, int(t), ev.TLP.Addr); ok && off == uint64(spec.CfgDeviceStatus) {
		if mt, ok := h.truth[int(t)]; ok {
			mt.reset = false
		}
	}
}

// commonCfgOffset returns the offset of addr inside the common
// configuration of VF vf of h.
func (w *World) commonCfgOffset(h *host, vf int, addr uint64) (uint64, bool) {
	s, ok := h.pfCfg.SRIOV()
	if !ok {
		return 0, false
	}
	base := s.VFBAR0Addr(vf) + pcie.BAR0CommonCfg
	if addr < base || addr >= base+spec.CommonCfgSize {
		return 0, false
	}
	return addr - base, true
}

// forgetMembers drops the host's knowledge of every member of h: its
// SR-IOV group is gone (a PF FLR, VF Enable cleared).
func (w *World) forgetMembers(h *host) { h.truth = nil }

// truthObserver is the owner driver's observer on one host: it keeps the
// host's knowledge of each member's commands and runs the received hook.
type truthObserver struct {
	w *World
	h *host
}

// Submitted implements owner.DriverObserver.
func (o truthObserver) Submitted(_ uint64, c adminq.Command) {
	vf, ok := ownerview.MemberOf(c)
	if !ok {
		return
	}
	w := o.w
	t := w.truth(o.h, vf)
	t.outstanding++
	if to, ok := ownerview.ModeTarget(w.ed, c); ok {
		t.pending = append(t.pending, to)
		t.epoch++
	}
}

// Received implements owner.DriverObserver.
func (o truthObserver) Received(c adminq.Completion) {
	vf, ok := ownerview.MemberOf(c.Command)
	if !ok {
		return
	}
	w, h := o.w, o.h
	t := w.truth(h, vf)
	before := w.ownerView(h, vf)
	if t.outstanding > 0 {
		t.outstanding--
	}
	to, isMode := ownerview.ModeTarget(w.ed, c.Command)
	if isMode {
		if len(t.pending) > 0 {
			t.pending = t.pending[1:]
		}
		if c.Result.Status == spec.StatusOK {
			t.mode = to
			if to == spec.ModeActive {
				t.flrDeferred = false
			}
		}
	}
	w.received(h, vf, c, before)
}
