package world

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/por"
)

// observeWorld is the world as the oracles' passes read it
// (observe.World).
type observeWorld struct{ w *World }

func (s observeWorld) Edition() spec.Edition         { return s.w.ed }
func (s observeWorld) Rules() spec.Rules             { return s.w.rules }
func (s observeWorld) Now() engine.VTime             { return s.w.now }
func (s observeWorld) VFs() int                      { return s.w.scen.VFs }
func (s observeWorld) VMVFs() []int                  { return s.w.vmVFs }
func (s observeWorld) Doorbell(ev member.Event) bool { return s.w.isDoorbell(ev) }
func (s observeWorld) GuestLog() []string            { return s.w.GuestLog() }
func (s observeWorld) GuestTrouble() []guest.Trouble { return s.w.GuestTrouble() }
func (s observeWorld) Wire() []observe.WireView      { return s.w.Wire() }

func (s observeWorld) GuestMemoryWhere(addr uint64) string { return s.w.GuestMemoryWhere(addr) }

func (s observeWorld) SourceHost() string {
	if len(s.w.hosts) == 0 {
		return ""
	}
	return s.w.hosts[0].name
}

func (s observeWorld) VMHost() string {
	if s.w.vm == nil {
		return ""
	}
	return s.w.vm.name
}

func (s observeWorld) Member(host string, vf int) (member.Device, bool) {
	if h := s.w.hostNamed(host); h != nil {
		return h.pf.Member(vf)
	}
	return nil, false
}

// OwnerView reads the host's record of its members: the guard checks that
// the running step declared reading it (every member event does). The
// self-report oracle asks it for every member of every event's pass, so it
// returns the record's view without World.ownerView's frame and copy.
func (s observeWorld) OwnerView(host string, vf int) OwnerView {
	h := s.w.hostNamed(host)
	if h == nil {
		return OwnerView{}
	}
	s.w.touchR(por.ResHost(por.ClassTruth, h.idx))
	return h.truth.View(vf, h.present(vf))
}

func (s observeWorld) Report(oracle string, reqs, actors []string, format string, args ...any) {
	s.w.report(oracle, reqs, actors, format, args...)
}

// hostNamed returns the named host; nil when it was not created.
func (w *World) hostNamed(name string) *host {
	for _, h := range w.hosts {
		if h.name == name {
			return h
		}
	}
	return nil
}
