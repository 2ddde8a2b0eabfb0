package world

import (
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// Blame: the transparent oracle blames the hypervisor for a finding once a
// running vCPU touched a member the hypervisor had frozen (draft-2023) or
// stopped (virtio-1.4), or a vCPU's posted write landed on one
// (guestActor.checkHalted, World.checkLanded). Whether the hypervisor had
// is what the host knows, not what the member says of itself: the host's
// record of its members (ownerview.Record.Mode: the last mode command that
// completed with status OK, and the end of an FLR). A member that ignored
// the command (stays running) leaves the hypervisor to blame for the vCPU
// it did not halt; one that reports Stop or Freeze on its own blames nobody.
// A command counts once the owner driver read its completion
// (ownerview.Record.Received): an access between the member's entering
// the mode and that read is not blamed. (A finding's driver-side rules,
// catalog/runfacts, replay the record from the trace, where a completion
// counts from the step that published it, before the driver reads it.)

// haltMode is the mode in which a vCPU access is blamed on the hypervisor:
// Freeze under draft-2023 (DRAFT-FLOW-02: set Freeze only once the vCPUs
// are halted), Stop under virtio-1.4 (halting the vCPUs is the
// hypervisor's job before it stops a member). A draft Stop is not blamed:
// Stop exists to take such accesses (DRAFT-STOP-03).
func (w *World) haltMode() spec.Mode {
	if w.ed == spec.Draft2023 {
		return spec.ModeFreeze
	}
	return spec.ModeStop
}

// hostHalted reports whether host h's record says the hypervisor set its
// member vf in haltMode. It reads the record without telling the guard:
// footprints ask it before their step runs (memberBits); a step asks
// hostHaltedInStep.
func (w *World) hostHalted(h *host, vf int) bool {
	return h.present(vf) && h.truth.Mode(vf) == w.haltMode()
}

// hostHaltedInStep is hostHalted for the running step, which reads the
// host's record: the guard checks the step declared it (a vCPU's access to
// its VF reads it, por.KindGuestTLP; a lane's delivery declares
// everything).
func (w *World) hostHaltedInStep(h *host, vf int) bool {
	w.touchR(por.ResHost(por.ClassTruth, h.idx))
	return w.hostHalted(h, vf)
}
