package oracle

import "github.com/migsim/migsim/world/observe"

// NoNotifyWhenStopped is the no-notify-when-stopped oracle: a member the
// owner has stopped sends no interrupt (DRAFT-STOP-01, DP-DEV-11).
var NoNotifyWhenStopped observe.EventOracle = noNotifyWhenStopped{}

type noNotifyWhenStopped struct{}

var noNotifyWhenStoppedInfo = observe.OracleInfo{
	Name: "no-notify-when-stopped",
	Doc:  "no MSI-X or config interrupt from a member the owner has stopped (Stop/Freeze/stopped)",
	Reqs: []string{"DRAFT-STOP-01", "DP-DEV-11"},
	Observes: "the MSI-X messages a member sends, and the mode the owner last set: stopped from the moment the " +
		"owner driver received the successful completion of the command that stopped the member until it " +
		"submits the next mode command, whatever the member reports",
}

func (noNotifyWhenStopped) Info() observe.OracleInfo { return noNotifyWhenStoppedInfo }

// PerEvent implements observe.PerEventOracle: it judges each event on its own.
func (noNotifyWhenStopped) PerEvent() {}

// Memberwise implements observe.MemberwiseOracle: it reads no member of the pass's Members.
func (noNotifyWhenStopped) Memberwise() {}

// CheckEvent reports a message from a member the owner knows is stopped.
func (noNotifyWhenStopped) CheckEvent(p *observe.EventPass) {
	for _, irq := range p.Interrupts {
		if irq.VF == 0 {
			continue
		}
		m, ok := p.Member(p.Host, irq.VF)
		if !ok {
			continue
		}
		if v := m.Owner(); v.Stopped() {
			name := m.Name()
			p.Report([]string{p.Who, name}, "%s sent %s after the owner stopped it (%s)", name, irq.Msg, p.Edition().ModeName(v.Mode))
			return
		}
	}
}
