package world

import (
	"encoding/binary"
	"slices"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Owner-side truth: what the host knows of each member, from what crossed
// its own admin queue and the bus, never from what a member says about
// itself.
//
//   - The mode is the one the last successfully completed mode command set
//     (draft DEV_MODE_SET's mode, virtio-1.4's stopped bit), as of the moment
//     the owner driver read the completion; a member starts Active. A mode
//     command submitted and not yet completed makes the mode uncertain: the
//     device may act on it at any time.
//   - An FLR of the member is in progress from the configuration write that
//     set Initiate FLR until 100 ms later (the time a host waits, PCIe
//     §6.6.2). At its end the mode follows mode-after-flr (running: the FLR
//     clears the stop), except that with flr-vs-mode=defer-flr an FLR that
//     ends while the host has the member quiesced waits for the next resume.
//   - A virtio reset is in progress from the write of 0 to device_status
//     until a read of device_status returns 0 (PCI-DEV-03).
//   - Admin commands are outstanding from submission to completion; a PF FLR
//     (the SR-IOV group removed) forgets every member.
//
// The oracles judge against this view (OwnerView), so a device that lies
// about its mode cannot change a verdict; the self-report oracle compares
// the two.

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

// OwnerView is what the host knows of one member (see the comment above):
// the basis of the oracles that judge modes.
type OwnerView struct {
	// Present is false when the member does not exist (its SR-IOV group was
	// removed, or it was never enabled).
	Present bool
	// Mode is the mode the last successful mode command set (Active when
	// none did).
	Mode spec.Mode
	// ModePending is set while a mode command is outstanding: the member
	// may be in the old or the new mode. Pending lists the target modes.
	ModePending bool
	Pending     []spec.Mode
	// Outstanding counts the member's admin commands submitted and not yet
	// completed.
	Outstanding int
	// FLR is set while an FLR the host saw start is in progress (100 ms);
	// FLRDeferred while defer-flr holds it until the next resume.
	FLR, FLRDeferred bool
	// FLRAt is when the FLR started (meaningful while FLR is set).
	FLRAt engine.VTime
	// Reset is set from the write of 0 to device_status until a read of 0.
	Reset bool
}

// Stopped reports whether the host knows the member is quiesced (Stop,
// Freeze or stopped) and has no command outstanding that could resume it.
func (v OwnerView) Stopped() bool {
	if !v.Present || !v.Mode.Quiesced() {
		return false
	}
	for _, m := range v.Pending {
		if !m.Quiesced() {
			return false
		}
	}
	return true
}

// Frozen reports whether the host knows the member is in Freeze (draft) and
// has no mode command outstanding.
func (v OwnerView) Frozen() bool {
	return v.Present && v.Mode == spec.ModeFreeze && !v.ModePending
}

// Running reports whether the host knows the member is Active (running) and
// has no command outstanding that could stop it.
func (v OwnerView) Running() bool {
	if !v.Present || v.Mode != spec.ModeActive {
		return false
	}
	for _, m := range v.Pending {
		if m != spec.ModeActive {
			return false
		}
	}
	return true
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
		if b, ok := byteAt(tlp.Addr, tlp.Data, pcie.PCIeCapOffset+pcie.PCIeDevCtl+1); ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0 {
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

// byteAt returns the byte at configuration offset want of a write of data
// at addr.
func byteAt(addr uint64, data []byte, want int) (byte, bool) {
	if uint64(want) < addr || uint64(want) >= addr+uint64(len(data)) {
		return 0, false
	}
	return data[uint64(want)-addr], true
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
	vf, ok := memberOf(c)
	if !ok {
		return
	}
	w := o.w
	t := w.truth(o.h, vf)
	t.outstanding++
	if to, ok := w.modeTarget(c); ok {
		t.pending = append(t.pending, to)
		t.epoch++
	}
}

// Received implements owner.DriverObserver.
func (o truthObserver) Received(c adminq.Completion) {
	vf, ok := memberOf(c.Command)
	if !ok {
		return
	}
	w, h := o.w, o.h
	t := w.truth(h, vf)
	before := w.ownerView(h, vf)
	if t.outstanding > 0 {
		t.outstanding--
	}
	to, isMode := w.modeTarget(c.Command)
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

// memberOf returns the member a command addresses (SR-IOV group, member > 0).
func memberOf(c adminq.Command) (int, bool) {
	if c.Group != spec.GroupSRIOV || c.Member == 0 || c.Member > 0xffff {
		return 0, false
	}
	return int(c.Member), true
}

// modeTarget returns the mode a mode command asks for.
func (w *World) modeTarget(c adminq.Command) (spec.Mode, bool) {
	if w.ed == spec.Draft2023 {
		if spec.DraftOpcode(c.Opcode) != spec.DraftOpDevModeSet {
			return 0, false
		}
		var m byte
		if len(c.Data) > 0 {
			m = c.Data[0]
		}
		return spec.Mode(m), true
	}
	if spec.Opcode(c.Opcode) != spec.OpDevModeSet {
		return 0, false
	}
	if len(c.Data) > 0 && c.Data[0]&spec.DevModeFlagStopped != 0 {
		return spec.ModeStop, true
	}
	return spec.ModeActive, true
}

// le64 reads a little-endian uint64 (0 when b is short).
func le64(b []byte) uint64 {
	if len(b) < 8 {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}
