package passes

import (
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/observe"
)

// The members a PF event's pass holds. A member's status changes only when
// it handles an event (member.Device: a pure state machine), and the PF
// hands a member an event only for a TLP, step or timer addressed to it
// (a VF event, whose pass holds that member) and in an admin step, for
// the member the step's command names (read from the host's queue before
// the step, PF.NextAdminMember). What the host knows of a member changes
// only in its record (ownerview.Record.Changed lists the members it
// changed) or when its SR-IOV group comes or goes (a configuration write
// to the PF). So a member a PF event's pass leaves out shows the status
// and the owner view an earlier pass of the run showed without a finding,
// and every oracle's verdict on it would be the same (observe.EventPass,
// Members). The pass of a PF event holds, in VF order:
//
//   - the member the admin step's command names, captured before the step;
//   - the members whose record changed and the members built since a pass
//     held them last, with their status read back after the event;
//   - every member, as before the event, when an event oracle is no
//     observe.MemberwiseOracle (it may judge a member by more than its
//     status and owner view), when the step's command cannot be read, for
//     a configuration write to the PF, once a member built is not
//     member.Pure (its status may change otherwise) and on the first PF
//     event after a step whose checks were left out (the world's replayed steps).
//
// So the cost of a PF event's pass follows what the event and the steps
// before it changed, not the members of the host.

// hostDue is what the PF events' passes of one host owe: fresh are the
// VFs whose members were built since a PF event's pass last held every
// member it had to; judgeAll is set when the next one must hold them all.
type hostDue struct {
	fresh    []int
	judgeAll bool
}

// passMembers is what Snapshot leaves Event of a PF event: lazy when
// the pass holds only the named member so far, full when it holds every
// member (neither for a VF event, or when Snapshot recorded nothing);
// fresh is len(hostDue.fresh) before the event (the members built after it
// are not in this pass).
type passMembers struct {
	lazy, full bool
	fresh      int
}

// lazyPF reports whether the pass of PF event ev of h may leave members
// out: every event oracle is an observe.MemberwiseOracle, every member
// built is member.Pure (not impure), no step's checks were left out since
// the host's last PF pass, the event is no configuration write, and, for
// an admin step, its command names its member (known).
func (f *Feeder) lazyPF(h *Host, ev *member.Event, adminStep, known, impure bool) bool {
	return f.memberwise && !impure && !f.hosts[h.Idx].judgeAll && !(adminStep && !known) && !(ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.CfgWrite)
}

// lateMembers appends to the lazy pass of a PF event of h the members
// whose record changed or that were built since the host's last PF pass
// without a finding, as they are after the event: none of them handled it (only the named one
// did, already in out), so their status before it is their status now.
// A member built during the event is left for the next pass.
func (f *Feeder) lateMembers(h *Host, out []observe.MemberChange) []observe.MemberChange {
	named := len(out) // the named member, when built before the event
	fresh := f.hosts[h.Idx].fresh
	builtNow := fresh[f.pass.fresh:]
	add := func(vf int) {
		if named == 1 && vf == out[0].VF || slices.Contains(builtNow, vf) {
			return
		}
		if m, ok := h.PF.Member(vf); ok {
			out = append(out, f.Set.MemberChange(h.Name, vf, m, false))
		}
	}
	for _, vf := range h.Truth.Changed() {
		add(vf)
	}
	for _, vf := range fresh[:f.pass.fresh] {
		add(vf)
	}
	if len(out) > 1 {
		slices.SortStableFunc(out, func(a, b observe.MemberChange) int { return a.VF - b.VF })
		out = slices.CompactFunc(out, func(a, b observe.MemberChange) bool { return a.VF == b.VF })
	}
	return out
}

// Judged follows Event on an event to function t of host h: when it was a
// PF event whose pass held every member it had to and found nothing (not
// found), the record's changes and the members built before the event are
// judged.
func (f *Feeder) Judged(h *Host, t owner.Target, found bool) {
	if t != owner.TargetPF || !(f.pass.lazy || f.pass.full) || found {
		return
	}
	h.Truth.ClearChanged()
	d := &f.hosts[h.Idx]
	d.fresh = d.fresh[:copy(d.fresh, d.fresh[f.pass.fresh:])]
	d.judgeAll = false
}
