package oracle

import (
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/ownerview"
)

// AdminStatus is the admin-status oracle: every admin command gets the
// spec's status and qualifier, and a failed one has no side effects.
var AdminStatus observe.EventOracle = adminStatus{}

type adminStatus struct{}

var adminStatusInfo = observe.OracleInfo{
	Name: "admin-status",
	Doc:  "every admin command gets the spec status and qualifier; a failed one has no side effects",
	Reqs: []string{"ADM-DEV-01", "ADM-DEV-02", "ADM-DEV-03", "ADM-DEV-04", "AVQ-DEV-05", "DP-DEV-08", "DRAFT-MODE-02", "DRAFT-MODE-03",
		"DRAFT-CTX-01", "DP-DEV-04", "DP-DEV-12", "DRAFT-SYNC-01"},
	Observes: "the status and status_qualifier of each admin command as the PF reports writing them, against " +
		"what the spec requires given the mode the owner last set (a reserved or forbidden mode, a context or " +
		"parts write outside Freeze/stopped) and an FLR the host started less than 100 ms before (a held reply, " +
		"under flr-vs-mode=hold-reply); and the addressed member's mode and context digest (as it reports " +
		"them) around a command that failed",
}

func (adminStatus) Info() observe.OracleInfo { return adminStatusInfo }

// PerEvent implements observe.PerEventOracle: it judges each event on its own.
func (adminStatus) PerEvent() {}

// Memberwise implements observe.MemberwiseOracle: it reports a member of the pass's Members only when its mode or its captured context changed across the event.
func (adminStatus) Memberwise() {}

// CheckEvent judges the commands completed during one event: a success
// carries qualifier OK (ADM-DEV-02), an EINVAL a defined qualifier
// (ADM-DEV-01), a draft member's refusal of a reserved mode or of a
// context write outside Freeze EINVAL/INVALID_FIELD (DRAFT-MODE-02,
// DRAFT-CTX-01); a command the spec forbids in the mode the owner knows
// fails (DRAFT-MODE-02, DRAFT-MODE-03, DRAFT-CTX-01, DP-DEV-04); a reply
// the knobs hold during an FLR is not sent before it ends (DP-DEV-12,
// DRAFT-SYNC-01); and a command that failed left the member it addressed
// as it reports itself, mode and context (ADM-DEV-03, AVQ-DEV-05,
// DP-DEV-08; ADM-DEV-04, a SHOULD, for other statuses). The last check
// runs on the PF's own events only: a held reply released by the end of
// an FLR comes with the FLR's own changes.
func (adminStatus) CheckEvent(p *observe.EventPass) {
	for _, c := range p.Completed {
		op := p.Edition().OpcodeName(c.Opcode)
		m, ok := commandMember(p, c)
		var fixed []string // the requirements that fix a member's failure (refusalReqs)
		if ok && c.FromMember && c.Status != spec.StatusOK {
			fixed = refusalReqs(p, c, m)
		}
		switch {
		case c.Status == spec.StatusOK && c.Qualifier != spec.QOK:
			p.ReportReqs([]string{"ADM-DEV-02"}, []string{p.Who, p.PFName()},
				"%s: %s (member %d) succeeded with qualifier %s, want OK", p.PFName(), op, c.Member, c.Qualifier)
		case len(fixed) > 0:
			if c.Status != spec.StatusEINVAL || c.Qualifier != spec.QInvalidField {
				p.ReportReqs(fixed, []string{p.Who, m.Name()}, "%s: %s failed %s/%s, want EINVAL/INVALID_FIELD: the member's completion, which %s forwarded",
					m.Name(), op, c.Status, c.Qualifier, p.PFName())
			}
		case c.Status == spec.StatusEINVAL && (c.Qualifier < spec.QInvalidCommand || c.Qualifier > spec.QInvalidMember):
			reportEINVALQualifier(p, c, op)
		}
		if !ok {
			continue
		}
		v := m.Owner() // read once for both checks
		checkForbidden(p, c, m, v, op)
		checkHeld(p, c, m, v, op)
		if c.Status != spec.StatusOK && p.Target == owner.TargetPF {
			checkNoSideEffect(p, c, op)
		}
	}
}

// commandMember returns the member an SR-IOV group command addresses, as
// the pass sees it; ok is false for any other command.
func commandMember(p *observe.EventPass, c owner.AdminOutcome) (m observe.MemberView, ok bool) {
	if c.Group != spec.GroupSRIOV || c.Member == 0 || c.Member > 0xffff {
		return m, false
	}
	return p.Member(p.Host, int(c.Member))
}

// refusalReqs returns the requirements that fix the status and qualifier
// of a command the member failed: in draft-2023, a DEV_MODE_SET to a
// reserved mode (DRAFT-MODE-02) and, on the PF's own event, a DEV_CTX_WRITE
// outside Freeze as the owner knows the member (DRAFT-CTX-01) fail with
// EINVAL/INVALID_FIELD (migsim's definition of the draft, docs/device-model.md,
// "4. Admin commands"). The virtio spec binds no qualifier of a failure to
// the member (docs/conformance.md, "Qualifiers of failed commands"): nil.
func refusalReqs(p *observe.EventPass, c owner.AdminOutcome, m observe.MemberView) []string {
	ed := p.Edition()
	if ed != spec.Draft2023 {
		return nil
	}
	switch spec.DraftOpcode(c.Opcode) {
	case spec.DraftOpDevModeSet:
		if data := commandData(c); len(data) > 0 && !ed.HasMode(spec.Mode(data[0])) {
			return []string{"DRAFT-MODE-02"}
		}
	case spec.DraftOpDevCtxWrite:
		if v := m.Owner(); p.Target == owner.TargetPF && v.Present && !v.ModePending && v.Mode != spec.ModeFreeze {
			return []string{"DRAFT-CTX-01"}
		}
	}
	return nil
}

// reportEINVALQualifier reports an EINVAL whose qualifier is none of
// EINVAL's (INVALID_COMMAND … INVALID_MEMBER). The PF's own answer breaks
// ADM-DEV-01, the owner's checks of opcode, group and member. A qualifier
// the member wrote (the PF forwarded the command and wrote the member's
// completion) is the member's: the finding names it, on the member's host,
// and cites no requirement unless one fixes that failure's qualifier
// (refusalReqs, reported before this): the virtio spec's statements on
// the qualifier of a failure bind the owner's checks of opcode, group and
// member (admin.tex, "Group administration commands", device normative),
// and ADM-DEV-02 covers the qualifier of a success only.
func reportEINVALQualifier(p *observe.EventPass, c owner.AdminOutcome, op string) {
	if !c.FromMember {
		p.ReportReqs([]string{"ADM-DEV-01"}, []string{p.Who, p.PFName()},
			"%s: %s (member %d) failed EINVAL with qualifier %s", p.PFName(), op, c.Member, c.Qualifier)
		return
	}
	name := fmt.Sprintf("%s.vf%d", p.Host, c.Member)
	p.ReportReqs(nil, []string{p.Who, name},
		"%s: %s failed EINVAL with qualifier %s, none of EINVAL's: the member's completion, which %s forwarded",
		name, op, c.Qualifier, p.PFName())
}

// checkForbidden reports a command that succeeded although the spec
// requires it to fail in the mode the owner knows the member is in (v,
// the member's owner view).
func checkForbidden(p *observe.EventPass, c owner.AdminOutcome, m observe.MemberView, v ownerview.OwnerView, op string) {
	if c.Status != spec.StatusOK {
		return
	}
	// The member's name is built only for a finding: most commands
	// break nothing.
	data := commandData(c)
	ed := p.Edition()
	if ed == spec.Draft2023 {
		switch spec.DraftOpcode(c.Opcode) {
		case spec.DraftOpDevModeSet:
			to := spec.Mode(0)
			if len(data) > 0 {
				to = spec.Mode(data[0])
			}
			switch {
			case !ed.HasMode(to):
				name := m.Name()
				p.ReportReqs([]string{"DRAFT-MODE-02"}, []string{p.Who, name}, "%s: %s to reserved mode %d succeeded, want EINVAL/INVALID_FIELD",
					name, op, uint8(to))
			case len(v.Pending) == 1 && !ed.TransitionAllowed(p.Rules(), v.Mode, to):
				name := m.Name()
				p.ReportReqs([]string{"DRAFT-MODE-03"}, []string{p.Who, name}, "%s: %s %s → %s succeeded although transitions=%s forbids it",
					name, op, ed.ModeName(v.Mode), ed.ModeName(to), knobValue(p, "transitions"))
			}
		case spec.DraftOpDevCtxWrite:
			if v.Present && !v.ModePending && v.Mode != spec.ModeFreeze {
				name := m.Name()
				p.ReportReqs([]string{"DRAFT-CTX-01"}, []string{p.Who, name}, "%s: %s succeeded in %s (the owner's mode), want EINVAL/INVALID_FIELD",
					name, op, ed.ModeName(v.Mode))
			}
		}
		return
	}
	if spec.Opcode(c.Opcode) == spec.OpDevPartsSet && v.Running() {
		name := m.Name()
		p.ReportReqs([]string{"DP-DEV-04"}, []string{p.Who, name}, "%s: %s succeeded while the owner has the member running", name, op)
	}
}

// checkHeld reports a reply to a command the device must hold during an
// FLR (flr-vs-mode=hold-reply) that came before the FLR's 100 ms were over;
// v is the member's owner view.
func checkHeld(p *observe.EventPass, c owner.AdminOutcome, m observe.MemberView, v ownerview.OwnerView, op string) {
	if p.Rules().FLRVsMode != spec.FLRHoldReply || !v.FLR || !holdable(p.Edition(), c.Opcode) {
		return
	}
	end := v.FLRAt + engine.VTime(pcie.FLRDurationNs)
	if p.Now() >= end {
		return
	}
	name := m.Name()
	p.ReportReqs([]string{"DP-DEV-12", "DRAFT-SYNC-01"}, []string{p.Who, name}, "%s: %s answered %s at %s, during the FLR "+
		"the host started at %s (flr-vs-mode=hold-reply holds the reply until %s)", name, op, c.Status, p.Now(), v.FLRAt, end)
}

// holdable reports whether a command's reply waits for an FLR in progress
// (DP-DEV-12; the draft's context writes and reads too).
func holdable(ed spec.Edition, op uint16) bool {
	if ed == spec.Draft2023 {
		switch spec.DraftOpcode(op) {
		case spec.DraftOpDevModeSet, spec.DraftOpDevCtxWrite, spec.DraftOpDevCtxRead:
			return true
		}
		return false
	}
	return spec.Opcode(op) == spec.OpDevModeSet || spec.Opcode(op) == spec.OpDevPartsSet
}

// sideEffectReqs are the requirements a failed command with a side effect
// breaks, by its status (virtio spec, admin.tex): an EINVAL must have none
// (ADM-DEV-03), an EAGAIN or ENOMEM must have none, "making it safe to
// retry" (AVQ-DEV-05), any other failure should change the state as
// little as possible (ADM-DEV-04, a SHOULD); a failed DEV_PARTS_SET or
// DEV_MODE_SET must have none whatever its status (DP-DEV-08, virtio-1.4).
func sideEffectReqs(ed spec.Edition, c owner.AdminOutcome) []string {
	var ids []string
	switch c.Status {
	case spec.StatusEINVAL:
		ids = []string{"ADM-DEV-03"}
	case spec.StatusEAGAIN, spec.StatusENOMEM:
		ids = []string{"AVQ-DEV-05"}
	default:
		ids = []string{"ADM-DEV-04"}
	}
	if ed == spec.Virtio14 && (spec.Opcode(c.Opcode) == spec.OpDevPartsSet || spec.Opcode(c.Opcode) == spec.OpDevModeSet) {
		ids = append(ids, "DP-DEV-08")
	}
	return ids
}

// checkNoSideEffect reports a failed command after which the member, as it
// reports itself, is not as before (sideEffectReqs).
func checkNoSideEffect(p *observe.EventPass, c owner.AdminOutcome, op string) {
	for i := range p.Members {
		m := &p.Members[i]
		if uint64(m.VF) != c.Member {
			continue
		}
		if changed, known := m.ContextChanged(); m.After.Mode != m.Before.Mode || (known && changed) {
			ed := p.Edition()
			p.ReportReqs(sideEffectReqs(ed, c), []string{p.Who, m.Name()},
				"%s: %s failed %s/%s but changed the member (mode %s → %s)", m.Name(), op, c.Status, c.Qualifier,
				ed.ModeName(m.Before.Mode), ed.ModeName(m.After.Mode))
		}
	}
}

// commandData returns the command-specific data of a completed command.
func commandData(c owner.AdminOutcome) []byte {
	if len(c.Command) <= spec.AdminCmdHeaderSize {
		return nil
	}
	return c.Command[spec.AdminCmdHeaderSize:]
}

// knobValue returns a knob's value in the world's rules.
func knobValue(p *observe.EventPass, name string) string {
	for _, k := range spec.Knobs {
		if k.Name == name {
			return k.Get(p.Rules())
		}
	}
	return ""
}
