package owner

import (
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// resetDevice is a reset of the owner as a virtio device (device_status ← 0,
// or the virtio part of a PF FLR). The admin queue stops: every command
// popped and not yet published is dropped without a used entry, and a
// member's later completion of a dropped command is discarded. The in-use
// lists go back to {LIST_QUERY, LIST_USE} (ADM-DEV-06), the driver's
// capabilities to none (CAP-DEV-04) and every resource object is destroyed
// (RES-DEV-03). Members (VFs) are not touched: VF Enable is PCI state.
func (p *PF) resetDevice(fx *Effects, why string) {
	dropped := 0
	if p.aq != nil {
		dropped = len(p.aq.Reset())
	}
	p.aq = nil
	p.forwarded = nil
	p.stepQueued = false
	p.broken = false
	p.admin = newAdminState()
	p.tr.reset()
	fx.note(TargetPF, "reset (%s): admin queue stopped, %d command(s) in flight dropped without completion; in-use lists, capabilities and objects cleared", why, dropped)
}

// startFLR begins a Function Level Reset of the PF. The configuration space
// returns to its power-on values, SR-IOV Control included: VF Enable is
// cleared and every VF disappears (docs/pcie.md, "Rules"). The virtio device is reset as by
// resetDevice. For the 100 ms the FLR lasts the PF drops every request
// (reads complete as all ones); the TimerFLR expiry ends it.
func (p *PF) startFLR(fx *Effects) {
	before := p.NumVFs()
	p.cs.Reset()
	p.msixOn = false
	p.resetDevice(fx, "PF FLR")
	p.removeVFs(fx, before, "PF FLR")
	p.flr = true
	fx.Timers = append(fx.Timers, TargetTimer{Target: TargetPF, Timer: member.Timer{ID: member.TimerFLR, Delay: pcie.FLRDurationNs}})
}

// removeVFs ends the SR-IOV group: every member is dropped, every resource
// object (all belong to VFs) is destroyed, and each command still held by a
// member completes with EINVAL/INVALID_GROUP, since its group no longer
// exists (a driver must keep VF Enable while commands are outstanding,
// ADM-DRV-05, so this only happens to a misbehaving driver; after a PF FLR
// the admin queue is reset first and nothing is completed).
func (p *PF) removeVFs(fx *Effects, existed int, why string) {
	tags := make([]uint64, 0, len(p.forwarded))
	for tag := range p.forwarded {
		tags = append(tags, tag)
	}
	slices.Sort(tags)
	for _, tag := range tags {
		f := p.forwarded[tag]
		delete(p.forwarded, tag)
		p.complete(fx, f.entry, adminqResult(spec.StatusEINVAL, spec.QInvalidGroup), false)
	}
	p.members.clear()
	if len(p.admin.objects) > 0 {
		fx.note(TargetPF, "%d resource object(s) destroyed with their VFs", len(p.admin.objects))
		p.admin.objects = map[uint32]*object{}
	}
	if existed > 0 {
		fx.RemovedVFs = existed
		fx.note(TargetPF, "%s: all %d VF(s) removed, SR-IOV group gone", why, existed)
	}
}
