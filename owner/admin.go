package owner

import (
	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// adminStep is the PF's only internal step: execute the next admin command.
var adminStep = member.Step{Kind: member.StepAdmin}

// outcome is what executing a command gave: an immediate result, or a
// request forwarded to a member whose completion comes later.
type outcome struct {
	res     adminq.Result
	fwd     bool
	vf      uint16
	req     member.AdminRequest
	obj     uint32
	withObj bool
}

func fail(s spec.Status, q spec.Qualifier) outcome {
	return outcome{res: adminq.Result{Status: s, Qualifier: q}}
}

func ok(data []byte) outcome { return outcome{res: adminq.Result{Data: data}} }

// NextAdminMember returns the group member ID of the command the next
// admin step would execute, read through mem without changing the queue;
// ok is false when the queue is not running, nothing is available or the
// command cannot be read. The world uses it to capture, before the step,
// the one member the command names.
func (p *PF) NextAdminMember(mem pcie.MemoryPort) (member uint64, ok bool) {
	if p.aq == nil || p.broken || p.flr {
		return 0, false
	}
	return p.aq.PeekMember(mem, p.rid)
}

// stepAdmin pops and executes the next admin command, in queue order
// (AVQ-DEV-04), and asks for another step while commands remain.
func (p *PF) stepAdmin(fx *Effects) {
	p.stepQueued = false
	if p.aq == nil || p.broken || p.flr {
		fx.note(TargetPF, "admin step: queue not running")
		return
	}
	e, got, err := p.aq.Pop(p.cfg.Mem, p.rid)
	if err != nil {
		fx.note(TargetPF, "admin queue: %v", err)
		p.needsReset(fx)
		return
	}
	if !got {
		return
	}
	p.execute(fx, e)
	if p.aq == nil || p.broken {
		return
	}
	more, err := p.aq.Available(p.cfg.Mem, p.rid)
	if err != nil {
		fx.note(TargetPF, "admin queue: %v", err)
		p.needsReset(fx)
		return
	}
	if more {
		p.queueAdminStep(fx)
	}
}

// execute validates and runs one command.
func (p *PF) execute(fx *Effects, e *adminq.Entry) {
	c := e.Command()
	o := p.run(c, e.ResultCap())
	if !o.fwd {
		p.complete(fx, e, o.res, false)
		return
	}
	m, exists := p.memberFor(o.vf)
	if !exists { // validated above; kept for safety
		p.complete(fx, e, adminq.Result{Status: spec.StatusEINVAL, Qualifier: spec.QInvalidMember}, false)
		return
	}
	o.req.Tag = p.nextTag
	p.nextTag++
	if p.forwarded == nil {
		p.forwarded = make(map[uint64]forward)
	}
	p.forwarded[o.req.Tag] = forward{vf: o.vf, entry: e, obj: o.obj, hasObj: o.withObj}
	if o.withObj {
		p.admin.objects[o.obj].busy++
	}
	if !fx.quiet { // the arguments' boxing allocates even when note drops them
		fx.note(Target(o.vf), "admin %s forwarded (tag %d)", p.opName(c.Opcode), o.req.Tag)
	}
	p.deliver(fx, o.vf, m, member.Event{Kind: member.EvAdmin, Admin: o.req})
}

// memberCompleted writes a member's admin completion to the admin queue.
func (p *PF) memberCompleted(fx *Effects, vf uint16, c member.AdminCompletion) {
	f, ok := p.forwarded[c.Tag]
	if !ok || f.vf != vf {
		fx.note(Target(vf), "admin completion tag %d: no such command in the admin queue (queue reset?): dropped", c.Tag)
		return
	}
	delete(p.forwarded, c.Tag)
	if f.hasObj {
		if o, ok := p.admin.objects[f.obj]; ok && o.busy > 0 {
			o.busy--
		}
	}
	p.complete(fx, f.entry, adminq.Result{Status: c.Status, Qualifier: c.Qualifier, Data: c.Result}, true)
}

// complete writes r as e's result; fromMember says r is a member's
// completion the PF forwards (AdminOutcome.FromMember).
func (p *PF) complete(fx *Effects, e *adminq.Entry, r adminq.Result, fromMember bool) {
	if p.aq == nil {
		return
	}
	if r.Status == spec.StatusOK {
		r.Qualifier = spec.QOK
	}
	written, err := p.aq.CompleteWritten(p.cfg.Mem, p.rid, e, r)
	if err != nil {
		fx.note(TargetPF, "admin queue: %v", err)
		p.needsReset(fx)
		return
	}
	c := e.Command()
	fx.Completed = append(fx.Completed, AdminOutcome{Seq: e.Seq, Opcode: c.Opcode, Group: c.Group, Member: c.Member,
		Status: r.Status, Qualifier: r.Qualifier, Command: e.In, Result: written, FromMember: fromMember})
	if r.Status != spec.StatusOK {
		fx.note(TargetPF, "admin command %d (%s): %s/%s", e.Seq, p.opName(e.Command().Opcode), r.Status, r.Qualifier)
	}
}

// publish writes the used entries that queue order allows and interrupts
// the driver.
func (p *PF) publish(fx *Effects) {
	if p.aq == nil || p.broken {
		return
	}
	n, err := p.aq.Publish(p.cfg.Mem, p.rid)
	fx.Published += n
	if err != nil {
		fx.note(TargetPF, "admin queue: %v", err)
		p.needsReset(fx)
		return
	}
	if n > 0 {
		p.tr.isr |= 1
		if v := p.tr.queues[p.tr.adminIndex()].Vector; v != NoVector {
			p.sendMSIX(fx, v)
		}
	}
}

func (p *PF) opName(op uint16) string {
	if p.cfg.Edition == spec.Draft2023 {
		return spec.DraftOpcode(op).String()
	}
	return spec.Opcode(op).String()
}

// run validates c in the order GROUP > OPCODE > MEMBER (ADM-DEV-01) and
// executes it or prepares its forwarding. Nothing changes before every check
// has passed, so a failed command has no side effects (ADM-DEV-03).
func (p *PF) run(c adminq.Command, resultCap int) outcome {
	if q, bad := p.checkGroup(c.Group, c.Opcode); bad {
		return fail(spec.StatusEINVAL, q)
	}
	op := c.Opcode
	if op != 0 && op != 1 {
		if !p.admin.executable(p.cfg.Edition, c.Group, op) || !p.admin.inUse(c.Group, op) {
			return fail(spec.StatusEINVAL, spec.QInvalidOpcode)
		}
	}
	switch op {
	case uint16(spec.OpListQuery):
		return ok(le64(p.admin.reported(p.cfg.Edition, c.Group)))
	case uint16(spec.OpListUse):
		return p.listUse(c)
	}
	if !p.memberValid(c.Group, c.Member) {
		return fail(spec.StatusEINVAL, spec.QInvalidMember)
	}
	if p.cfg.Edition == spec.Draft2023 {
		return outcome{fwd: true, vf: uint16(c.Member), req: member.AdminRequest{Opcode: op, Data: c.Data, ResultCap: resultCap}}
	}
	return p.run14(c, resultCap)
}

// checkGroup returns the qualifier of a bad group: an unknown group, or
// SR-IOV without the capability or with VF Enable = 0 (ADM-DEV-10). Under
// list-before-vf-enable=answer (the default) the SR-IOV group's LIST_QUERY
// and LIST_USE are answered while VF Enable = 0: Linux sends them at the
// PF's DRIVER_OK, before any VF can exist.
func (p *PF) checkGroup(g spec.GroupType, op uint16) (spec.Qualifier, bool) {
	switch g {
	case spec.GroupSelf:
		return 0, false
	case spec.GroupSRIOV:
		s, ok := p.sriov()
		if !ok {
			return spec.QInvalidGroup, true
		}
		early := p.cfg.ListBeforeVFEnable != spec.ListBeforeVFEnableInvalidGroup &&
			(op == uint16(spec.OpListQuery) || op == uint16(spec.OpListUse))
		if !s.VFEnable && !early {
			return spec.QInvalidGroup, true
		}
		return 0, false
	}
	return spec.QInvalidGroup, true
}

// memberValid: Self takes member 0; SR-IOV takes 1..NumVFs (ADM-DEV-10).
func (p *PF) memberValid(g spec.GroupType, m uint64) bool {
	if g == spec.GroupSelf {
		return m == 0
	}
	return m >= 1 && m <= uint64(p.NumVFs())
}

// run14 executes the virtio-1.4 commands other than LIST_QUERY/LIST_USE.
func (p *PF) run14(c adminq.Command, resultCap int) outcome {
	vf := uint16(c.Member)
	switch spec.Opcode(c.Opcode) {
	case spec.OpCapIDListQuery:
		return ok(le64(1 << spec.CapDevParts))
	case spec.OpDeviceCapGet:
		return p.deviceCapGet(c.Data)
	case spec.OpDriverCapSet:
		return p.driverCapSet(c.Data)
	case spec.OpResourceObjCreate:
		return p.objCreate(vf, c.Data)
	case spec.OpResourceObjQuery:
		return p.objQuery(vf, c.Data)
	case spec.OpResourceObjModify:
		return p.objModify(vf, c.Data)
	case spec.OpResourceObjDestroy:
		return p.objDestroy(vf, c.Data)
	case spec.OpDevPartsMetadataGet, spec.OpDevPartsGet:
		return p.partsCommand(vf, c, resultCap, spec.DevPartsObjTypeGet)
	case spec.OpDevPartsSet:
		return p.partsCommand(vf, c, resultCap, spec.DevPartsObjTypeSet)
	case spec.OpDevModeSet:
		return outcome{fwd: true, vf: vf, req: member.AdminRequest{Opcode: c.Opcode, Data: c.Data, ResultCap: resultCap}}
	}
	return fail(spec.StatusEINVAL, spec.QInvalidOpcode)
}

func le64(v uint64) []byte { return leBytes(v, 8) }

func adminqResult(s spec.Status, q spec.Qualifier) adminq.Result {
	return adminq.Result{Status: s, Qualifier: q}
}
