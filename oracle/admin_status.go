package oracle

import (
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// AdminStatus is the admin-status oracle: every admin command gets the
// spec's status and qualifier, and a failed one has no side effects.
var AdminStatus world.EventOracle = adminStatus{}

type adminStatus struct{}

var adminStatusInfo = world.OracleInfo{
	Name: "admin-status",
	Doc:  "every admin command gets the spec status and qualifier; a failed one has no side effects",
	Reqs: []string{"ADM-DEV-01", "ADM-DEV-02", "ADM-DEV-03", "DP-DEV-08"},
	Observes: "the status and status_qualifier of each admin command as the PF reports writing them, and the " +
		"addressed member's mode and context digest (as it reports them) around a command that failed",
}

func (adminStatus) Info() world.OracleInfo { return adminStatusInfo }

// CheckEvent judges the commands the PF completed during one of its own
// events: a success carries qualifier OK (ADM-DEV-02), an EINVAL a defined
// qualifier (ADM-DEV-01), and a command that failed left the member it
// addressed as it was, mode and context (ADM-DEV-03, DP-DEV-08). Commands
// answered inside a member's own event (a held reply released by the end of
// an FLR) are not judged here: the FLR itself changes the member.
func (adminStatus) CheckEvent(p *world.EventPass) {
	if p.Target != owner.TargetPF {
		return
	}
	for _, c := range p.Completed {
		op := p.Edition().OpcodeName(c.Opcode)
		switch {
		case c.Status == spec.StatusOK && c.Qualifier != spec.QOK:
			p.ReportReqs([]string{"ADM-DEV-02"}, []string{p.Who, p.PFName()},
				"%s: %s (member %d) succeeded with qualifier %s, want OK", p.PFName(), op, c.Member, c.Qualifier)
		case c.Status == spec.StatusEINVAL && (c.Qualifier < spec.QInvalidCommand || c.Qualifier > spec.QInvalidMember):
			p.ReportReqs([]string{"ADM-DEV-01"}, []string{p.Who, p.PFName()},
				"%s: %s (member %d) failed EINVAL with qualifier %s", p.PFName(), op, c.Member, c.Qualifier)
		}
		if c.Status == spec.StatusOK || c.Group != spec.GroupSRIOV {
			continue
		}
		for i := range p.Members {
			m := &p.Members[i]
			if uint64(m.VF) != c.Member {
				continue
			}
			if changed, known := m.ContextChanged(); m.After.Mode != m.Before.Mode || (known && changed) {
				ed := p.Edition()
				p.ReportReqs([]string{"ADM-DEV-03", "DP-DEV-08"}, []string{p.Who, m.Name()},
					"%s: %s failed %s/%s but changed the member (mode %s → %s)", m.Name(), op, c.Status, c.Qualifier,
					ed.ModeName(m.Before.Mode), ed.ModeName(m.After.Mode))
			}
		}
	}
}
