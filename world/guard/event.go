package guard

import (
	"slices"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// BeforeEvent records the target of an event to function t of host h,
// whose PF is pf, before it is delivered: the step must declare writing
// the function; a member's existence and mode, or, unless the step
// declared writing the group, the PF's members (AfterEvent compares).
func (g *Step) BeforeEvent(h int, pf *owner.PF, t owner.Target) {
	if !g.on {
		return
	}
	g.TouchFunc(h, t)
	if t != owner.TargetPF {
		g.Member(memberMode(pf, int(t)))
		return
	}
	if !g.MayWrite(por.ResHost(por.ClassGroup, h)) {
		g.numVFs, g.members = pf.NumVFs(), pf.MemberCount()
		pf.WatchMembers()
	}
}

// AfterEvent checks what the event BeforeEvent saw changed against the
// running step's footprint: a member's mode or existence, for a member of
// the VM (vmVFs, sorted: the VM's VFs) on host h called name, in edition
// ed; for a PF event that declared only the PF, whose effects are fx, that
// no member changed, no VF went and no admin command completed.
func (g *Step) AfterEvent(ed spec.Edition, h int, name string, pf *owner.PF, t owner.Target, fx *owner.Effects, vmVFs []int) {
	if !g.on {
		return
	}
	if t != owner.TargetPF {
		if built, mode := memberMode(pf, int(t)); g.MemberChanged(built, mode) {
			if _, inVM := slices.BinarySearch(vmVFs, int(t)); inVM {
				g.TouchVMMode(ed, h, name, int(t), built, mode)
			}
		}
		return
	}
	if g.MayWrite(por.ResHost(por.ClassGroup, h)) {
		return
	}
	if g.membersChanged(pf) || fx.RemovedVFs != 0 || len(fx.Completed) != 0 {
		g.TouchW(por.ResHost(por.ClassGroup, h))
	}
}

// membersChanged reports whether a PF event that BeforeEvent watched
// changed pf's members: the VFs enabled, the members built, or the mode of
// a member the PF handed an event (PF.Reached: no other member handled
// one, so no other changed).
func (g *Step) membersChanged(pf *owner.PF) bool {
	reached, cleared := pf.Reached()
	if cleared || pf.NumVFs() != g.numVFs || pf.MemberCount() != g.members {
		return true
	}
	for _, r := range reached {
		if built, mode := memberMode(pf, r.VF); !built || mode != r.Mode {
			return true
		}
	}
	return false
}

// memberMode returns whether member vf of pf exists, and its mode.
func memberMode(pf *owner.PF, vf int) (bool, spec.Mode) {
	m, ok := pf.Member(vf)
	if !ok {
		return false, 0
	}
	return true, m.Status().Mode
}
