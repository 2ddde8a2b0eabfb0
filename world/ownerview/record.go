package ownerview

import (
	"slices"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Env is what a Record needs of the world it is kept in: the virtual
// clock (an FLR lasts 100 ms), the knobs (mode-after-flr, flr-vs-mode) and
// the edition (which commands set a mode or read a context).
type Env interface {
	Now() engine.VTime
	Rules() spec.Rules
	Edition() spec.Edition
}

// Record is what one host knows of its members (the package comment's
// rules), kept from what crossed its admin queue and the bus: the TLPs
// the host and the guest send its functions, the commands the owner
// driver submitted and the completions it read. The world keeps one per
// host and feeds it.
type Record struct {
	env     Env
	members map[int]*memberTruth
	// judge hashes the record for JudgeHash (kept for its buffers).
	judge *deephash.Hasher
	// changed lists the members whose record may have changed since the
	// world last cleared the list (Changed), once each: changedBits has
	// bit vf set for each. Neither hash reads them: they say where to
	// look, not what the host knows.
	changed     []int
	changedBits []uint64
	// msix is each member's MSI-X table as written (msix.go).
	msix map[int]*msixTable
}

// mark adds member vf to the changed list.
func (r *Record) mark(vf int) {
	if vf < 0 {
		return
	}
	w, bit := vf/64, uint64(1)<<(vf%64)
	if w >= len(r.changedBits) {
		r.changedBits = append(r.changedBits, make([]uint64, w+1-len(r.changedBits))...)
	}
	if r.changedBits[w]&bit == 0 {
		r.changedBits[w] |= bit
		r.changed = append(r.changed, vf)
	}
}

// Changed lists, in no particular order, the members whose record
// changed since the last ClearChanged: every member a method of the
// record changed (or may have: a command, a completion, an FLR or reset
// seen, an FLR whose 100 ms ended, Forget). A member not listed has the
// view (View) it had then. The list is the record's; the caller changes
// nothing in it.
func (r *Record) Changed() []int { return r.changed }

// ClearChanged empties the changed list.
func (r *Record) ClearChanged() {
	for _, vf := range r.changed {
		r.changedBits[vf/64] = 0
	}
	r.changed = r.changed[:0]
}

// NewRecord returns the empty record of a host of the world env.
func NewRecord(env Env) *Record { return &Record{env: env} }

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
	// resets counts the FLRs and device resets the host saw start.
	resets int
	// resumed: the owner driver submitted a mode command that runs the
	// member (draft Active, virtio-1.4 stopped bit clear), and no stop
	// completed since nor did that command fail (OwnerView.Resumed).
	// Only the oracles read it (the state hash leaves it out).
	resumed bool
	// wiped: an FLR the host saw end reset the member (DRAFT-FLR-01,
	// DP-DEV-14), and since then no state write or load succeeded on it
	// and no memory write reached it (OwnerView.Wiped). Only the oracles
	// read it (the state hash leaves it out).
	wiped bool
	// ranByFLR: an FLR the host saw end moved the member from a mode the
	// owner had quiesced it in to Active (mode-after-flr=running), and no
	// mode command completed since (OwnerView.RanByFLR). Only the oracles
	// read it (the state hash leaves it out).
	ranByFLR bool
	// judge keeps the member's judge hash until the record of the member
	// changes (judge_memo.go); no hash reads it.
	judge judgeMemo
}

// truth returns the host's record of member vf, creating it.
func (r *Record) truth(vf int) *memberTruth {
	if r.members == nil {
		r.members = map[int]*memberTruth{}
	}
	t, ok := r.members[vf]
	if !ok {
		t = &memberTruth{mode: spec.ModeActive}
		r.members[vf] = t
	}
	if r.settleFLR(t) && !t.flrDeferred {
		r.msixFLR(vf)
	}
	r.mark(vf)
	// Every change to a member the record already knows goes through
	// here (or forgets the judge hash where it writes, as the size
	// watch's writes do).
	t.judge.forget()
	return t
}

// settleFLR ends an FLR whose 100 ms have passed: the mode follows
// mode-after-flr, unless defer-flr holds it while quiesced. It reports
// whether it ended one.
func (r *Record) settleFLR(t *memberTruth) bool {
	if !t.flr || r.env.Now() < t.flrAt+engine.VTime(pcie.FLRDurationNs) {
		return false
	}
	t.flr = false
	t.judge.forget()
	rules := r.env.Rules()
	if rules.FLRVsMode == spec.FLRDefer && t.mode.Quiesced() {
		t.flrDeferred = true
		return true
	}
	if rules.ModeAfterFLR == spec.AfterFLRRunning {
		t.ranByFLR = t.ranByFLR || t.mode.Quiesced()
		t.mode = spec.ModeActive
	}
	t.wiped = true
	return true
}

// Settle ends every FLR whose 100 ms have passed (settleFLR). The world
// calls it whenever its clock moves, so that what the record holds, and
// its StateHash, never depend on whether something read it in between:
// reads (View, Auditable, Resetting) change nothing.
func (r *Record) Settle() {
	for vf, t := range r.members {
		if r.settleFLR(t) {
			r.mark(vf)
			if !t.flrDeferred {
				r.msixFLR(vf)
			}
		}
	}
}

// look returns the host's record of member vf as it stands now, without
// changing the record: the record itself while no FLR is in progress
// (settleFLR changes nothing then), else a settled copy in *tmp, or, for a
// member the record never saw, an Active member with nothing in progress
// in *tmp. The caller changes nothing it returns. Views are asked for
// every event the oracles judge, and the record is a few hundred bytes.
func (r *Record) look(vf int, tmp *memberTruth) *memberTruth {
	t, ok := r.members[vf]
	if !ok {
		*tmp = memberTruth{mode: spec.ModeActive}
		return tmp
	}
	if !t.flr {
		return t
	}
	*tmp = *t
	r.settleFLR(tmp)
	return tmp
}

// Mode is the mode the host last set member vf in (the last successful
// mode command, as View's Mode, after an FLR whose 100 ms have passed as
// mode-after-flr gives it; Active for a member the record never saw). It
// changes nothing and, unlike View, allocates nothing: the world asks it
// for every vCPU access (whether the hypervisor is to blame for it).
func (r *Record) Mode(vf int) spec.Mode {
	t, ok := r.members[vf]
	if !ok {
		return spec.ModeActive
	}
	if !t.flr {
		return t.mode
	}
	var tmp memberTruth
	return r.look(vf, &tmp).mode
}

// View renders what the host knows of member vf; present says whether the
// member exists (one never instantiated, or whose SR-IOV group is gone,
// has the zero view). It changes nothing, and allocates nothing: the
// oracles ask it at every event. The view's Pending shares the record's
// array, which the record only ever appends to or drops from the front
// of, so the modes a view holds are never written again; its capacity
// ends with it, so that appending to it copies.
func (r *Record) View(vf int, present bool) OwnerView {
	if !present {
		return OwnerView{}
	}
	t, ok := r.members[vf]
	if !ok {
		return OwnerView{Present: true, Mode: spec.ModeActive}
	}
	if t.flr { // settled in a copy (look); the common case copies nothing
		var tmp memberTruth
		t = r.look(vf, &tmp)
	}
	n := len(t.pending)
	return OwnerView{Present: true, Mode: t.mode, ModePending: n > 0, Pending: t.pending[:n:n],
		Outstanding: t.outstanding, FLR: t.flr, FLRDeferred: t.flrDeferred, FLRAt: t.flrAt, Reset: t.reset,
		Resumed: t.resumed, Wiped: t.wiped, RanByFLR: t.ranByFLR}
}

// ObserveWrite updates the record from a TLP the host or the guest sends
// to member vf, before the member handles it: a configuration write that
// sets Initiate FLR, a write of 0 to device_status. cfgOff is the offset
// of a memory write inside the member's common configuration; inCfg is
// false when it falls outside. watched reports whether the write was the
// first to reach the member while a size query is watched, which changes
// what the record keeps for the oracles (JudgeHash) only.
func (r *Record) ObserveWrite(vf int, tlp pcie.TLP, cfgOff uint64, inCfg bool) (watched bool) {
	if tlp.Kind == pcie.MemWrite || tlp.Kind == pcie.CfgWrite {
		if mt, ok := r.members[vf]; ok && mt.ctx.sizeWatch && !mt.ctx.sizeWritten {
			mt.ctx.sizeWritten, watched = true, true
			mt.judge.forget()
		}
	}
	if mt, ok := r.members[vf]; ok && tlp.Kind == pcie.MemWrite && (mt.wiped || mt.flr) {
		if mt.flr {
			mt = r.truth(vf) // an FLR whose 100 ms have passed wiped it first
		}
		if mt.wiped {
			mt.wiped = false // a driver sets the member up again
			mt.judge.forget()
		}
	}
	if tlp.Kind == pcie.CfgWrite {
		r.observeMSIXControl(vf, tlp) // what messages are judged by (JudgeHash)
	}
	if !Observed(tlp, cfgOff, inCfg) {
		return watched
	}
	switch tlp.Kind {
	case pcie.CfgWrite: // Initiate FLR
		mt := r.truth(vf)
		if mt.flr {
			return watched
		}
		mt.resets++
		if r.env.Rules().FLRVsMode == spec.FLRDefer && mt.mode.Quiesced() {
			mt.flrDeferred = true
			return watched
		}
		mt.flr, mt.flrAt = true, r.env.Now()
	case pcie.MemWrite: // a write of 0 to device_status
		t := r.truth(vf)
		t.reset = true
		t.resets++
	}
	return watched
}

// Observed reports whether ObserveWrite or ObserveStatusRead may change
// what StateHash hashes, for a TLP to a member: a configuration write
// that sets Initiate FLR, a write of 0 to device_status, a read of
// device_status. cfgOff and inCfg place a memory request in the member's
// common configuration as for ObserveWrite. Every other access changes at
// most what the record keeps for the oracles (JudgeHash): a write while a
// size query is watched.
func Observed(tlp pcie.TLP, cfgOff uint64, inCfg bool) bool {
	switch tlp.Kind {
	case pcie.CfgWrite:
		b, ok := ByteAt(tlp.Addr, tlp.Data, pcie.PCIeCapOffset+pcie.PCIeDevCtl+1)
		return ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0
	case pcie.MemWrite:
		return inCfg && cfgOff == uint64(spec.CfgDeviceStatus) && len(tlp.Data) > 0 && tlp.Data[0] == 0
	case pcie.MemRead:
		return inCfg && cfgOff == uint64(spec.CfgDeviceStatus)
	}
	return false
}

// ObservedAt is Observed for an access of kind to a member at offset off
// of its BAR0 (of its configuration space for a configuration request),
// as a driver or a peer knows it before the access is routed: its step
// then declares writing the host's record.
func ObservedAt(kind pcie.TLPKind, off uint64, data []byte) bool {
	var cfgOff uint64
	inCfg := false
	if (kind == pcie.MemWrite || kind == pcie.MemRead) && off >= pcie.BAR0CommonCfg && off-pcie.BAR0CommonCfg < spec.CommonCfgSize {
		cfgOff, inCfg = off-pcie.BAR0CommonCfg, true
	}
	return Observed(pcie.TLP{Kind: kind, Addr: off, Data: data}, cfgOff, inCfg)
}

// ObserveNotify records a driver notification (a write to the notify
// region) that reached member vf; watched reports whether it was the
// first while a size query is watched (as for ObserveWrite).
func (r *Record) ObserveNotify(vf int) (watched bool) {
	if mt, ok := r.members[vf]; ok && mt.ctx.sizeWatch && !mt.ctx.sizeNotified {
		mt.ctx.sizeNotified = true
		mt.judge.forget()
		return true
	}
	return false
}

// ObserveStatusRead ends a reset of member vf in progress: a read of its
// device_status returned 0.
func (r *Record) ObserveStatusRead(vf int) {
	if mt, ok := r.members[vf]; ok {
		mt.reset = false
		mt.judge.forget()
		r.mark(vf)
	}
}

// Forget drops the host's knowledge of every member: its SR-IOV group is
// gone (a PF FLR, VF Enable cleared).
func (r *Record) Forget() {
	for vf := range r.members {
		r.mark(vf)
	}
	r.members, r.msix = nil, nil
}

// Outstanding reports whether the host has an admin command for one of
// its members submitted and not completed.
func (r *Record) Outstanding() bool {
	for _, t := range r.members {
		if t.outstanding > 0 {
			return true
		}
	}
	return false
}

// Submitted records a command the owner driver submitted.
func (r *Record) Submitted(c adminq.Command) {
	vf, ok := MemberOf(c)
	if !ok {
		return
	}
	t := r.truth(vf)
	t.outstanding++
	if sizeQuery(r.env.Edition(), c) {
		t.ctx.sizeWatch, t.ctx.sizeWritten, t.ctx.sizeNotified = true, false, false
	}
	if to, ok := ModeTarget(r.env.Edition(), c); ok {
		t.pending = append(t.pending, to)
		t.epoch++
		if to == spec.ModeActive {
			t.resumed = true
		}
	}
}

// Received records a completion the owner driver read for member vf
// (MemberOf); present says whether the member exists. It returns what
// the host knew of the member before the completion and the context or
// parts read it completes, if any.
func (r *Record) Received(vf int, c adminq.Completion, present bool) (before OwnerView, read *ContextRead) {
	t := r.truth(vf)
	before = r.View(vf, present)
	if t.outstanding > 0 {
		t.outstanding--
	}
	to, isMode := ModeTarget(r.env.Edition(), c.Command)
	if isMode {
		if len(t.pending) > 0 {
			t.pending = t.pending[1:]
		}
		if c.Result.Status == spec.StatusOK {
			t.mode, t.ranByFLR = to, false
			if to == spec.ModeActive && t.flrDeferred {
				t.flrDeferred = false
				t.wiped = true
				r.msixFLR(vf) // the move to Active carried out the deferred FLR
			}
		}
		if ok := c.Result.Status == spec.StatusOK; (ok && to.Quiesced()) || (!ok && to == spec.ModeActive) {
			// A stop that completed, or a resume that failed: resumed
			// only while another resume is outstanding.
			t.resumed = slices.Contains(t.pending, spec.ModeActive)
		}
	}
	if c.Result.Status == spec.StatusOK && StateWrite(r.env.Edition(), c.Command) {
		t.wiped = false
	}
	return before, r.contextRead(vf, c, before)
}

// Resetting reports whether the host saw an FLR or a device reset of
// member vf start that it has not seen end (an FLR ends 100 ms after it
// began); it changes nothing. An FLR defer-flr deferred does not count: it
// changes nothing while the member stays quiesced (its start does, and
// Resets counts it).
func (r *Record) Resetting(vf int) bool {
	var tmp memberTruth
	t := r.look(vf, &tmp)
	return t.flr || t.reset
}

// Resets counts the FLRs and device resets (a write of 0 to device_status)
// the host saw start for member vf.
func (r *Record) Resets(vf int) int {
	if t, ok := r.members[vf]; ok {
		return t.resets
	}
	return 0
}
