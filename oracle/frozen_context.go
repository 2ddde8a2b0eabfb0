package oracle

import (
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// FrozenContext is the frozen-context oracle: in Freeze the device context
// does not change (DRAFT-FRZ-02).
var FrozenContext world.EventOracle = frozenContext{}

type frozenContext struct{}

var frozenContextInfo = world.OracleInfo{
	Name: "frozen-context",
	Doc:  "in Freeze the device context does not change",
	Reqs: []string{"DRAFT-FRZ-02"},
	Observes: "the context of a member in Freeze before and after every event that reaches it or its owner, " +
		"and its mode; both as the member reports them (its context digest, its status)",
}

func (frozenContext) Info() world.OracleInfo { return frozenContextInfo }

// CheckEvent: only the owner moves a member out of Freeze (an admin
// command, a PF event); any other event that starts in Freeze must leave the
// context, mode included, as it was. A doorbell the member records under
// freeze-notify=latch is that knob's documented departure from DRAFT-FRZ-01
// (the kick is kept in VQ_SPLIT_RUNTIME_CFG so the destination serves it),
// the one change this oracle does not count.
func (frozenContext) CheckEvent(p *world.EventPass) {
	if p.Rules().FreezeNotify == spec.FreezeNotifyLatch && p.Doorbell() {
		return
	}
	ownEvent := p.Target != owner.TargetPF
	for i := range p.Members {
		m := &p.Members[i]
		if m.Before.Mode != spec.ModeFreeze || (m.After.Mode != spec.ModeFreeze && !ownEvent) {
			continue
		}
		if changed, known := m.ContextChanged(); !known || changed || m.After.Mode != m.Before.Mode {
			name := m.Name()
			p.Report([]string{p.Who, name}, "%s: device context changed in Freeze (%s)", name, describeEvent(p))
		}
	}
}

// describeEvent says which event a finding is about: the actor and the
// first note the functions left.
func describeEvent(p *world.EventPass) string {
	s := "after a step of " + p.Who
	if len(p.Notes) > 0 {
		s += ": " + p.Notes[0].String()
	}
	return s
}
