package world

import (
	"fmt"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
)

// checkAdmin is the admin-status oracle (docs/oracles.md) on one PF event: a
// successful command carries qualifier OK (ADM-DEV-02), an EINVAL carries a
// defined qualifier, and a command that failed left the member it addressed
// exactly as it was, mode and context (ADM-DEV-03, DP-DEV-08). Commands
// answered inside a member's own event (a held reply released by the end
// of an FLR) are not judged here: the FLR itself changes the member.
func (w *World) checkAdmin(h *host, t owner.Target, before []memberState, fx owner.Effects, who string) {
	if t != owner.TargetPF {
		return
	}
	for _, c := range fx.Completed {
		op := w.ed.OpcodeName(c.Opcode)
		switch {
		case c.Status == spec.StatusOK && c.Qualifier != spec.QOK:
			w.report("admin-status", w.reqs("ADM-DEV-02"), []string{who, h.name + ".pf"},
				"%s.pf: %s (member %d) succeeded with qualifier %s, want OK", h.name, op, c.Member, c.Qualifier)
		case c.Status == spec.StatusEINVAL && (c.Qualifier < spec.QInvalidCommand || c.Qualifier > spec.QInvalidMember):
			w.report("admin-status", w.reqs("ADM-DEV-01"), []string{who, h.name + ".pf"},
				"%s.pf: %s (member %d) failed EINVAL with qualifier %s", h.name, op, c.Member, c.Qualifier)
		}
		if c.Status == spec.StatusOK || c.Group != spec.GroupSRIOV {
			continue
		}
		for _, b := range before {
			if uint64(b.vf) != c.Member {
				continue
			}
			after := b.dev.Status()
			if after.Mode != b.st.Mode || (b.hasDigest && b.dev.ContextDigest() != b.digest) {
				w.report("admin-status", w.reqs("ADM-DEV-03", "DP-DEV-08"), []string{who, fmt.Sprintf("%s.vf%d", h.name, b.vf)},
					"%s.vf%d: %s failed %s/%s but changed the member (mode %s → %s)", h.name, b.vf, op, c.Status, c.Qualifier,
					w.ed.ModeName(b.st.Mode), w.ed.ModeName(after.Mode))
			}
		}
	}
}
