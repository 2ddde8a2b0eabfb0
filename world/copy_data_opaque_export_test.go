package world

import "fmt"

// MemberAccountsForTest lists every built member of every host with what
// it says of itself (Status and ContextDigest), in host and VF order.
func (w *World) MemberAccountsForTest() []string {
	var out []string
	for _, h := range w.hosts {
		for vf, m := range h.pf.Members() {
			out = append(out, fmt.Sprintf("%s.vf%d %+v %#x", h.name, vf, m.Status(), m.ContextDigest()))
		}
	}
	return out
}
