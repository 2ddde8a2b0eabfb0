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
		g.PF(pf.NumVFs(), g.memberModes(pf))
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
	if !g.PFSame(pf.NumVFs(), g.memberModes(pf)) || fx.RemovedVFs != 0 || len(fx.Completed) != 0 {
		g.TouchW(por.ResHost(por.ClassGroup, h))
	}
}

// memberMode returns whether member vf of pf exists, and its mode.
func memberMode(pf *owner.PF, vf int) (bool, spec.Mode) {
	m, ok := pf.Member(vf)
	if !ok {
		return false, 0
	}
	return true, m.Status().Mode
}

// memberModes returns the modes of pf's members in order, in a buffer the
// next call reuses.
func (g *Step) memberModes(pf *owner.PF) []spec.Mode {
	g.scratch = g.scratch[:0]
	for _, m := range pf.Members() {
		g.scratch = append(g.scratch, m.Status().Mode)
	}
	return g.scratch
}
