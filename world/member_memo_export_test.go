package world

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
)

// MemberForTest is member vf of host h (nil when it is not built).
func (w *World) MemberForTest(h, vf int) member.Device {
	m, _ := w.hosts[h].pf.Member(vf)
	return m
}

// MemberChangedForTest tells the state hasher that an event reached member
// vf of host h, as deliver does, with no event: what the member keeps of
// its parts' hashes is then all that can keep a write unseen.
func (w *World) MemberChangedForTest(h, vf int) { w.devicesChanged(w.hosts[h], owner.Target(vf)) }
