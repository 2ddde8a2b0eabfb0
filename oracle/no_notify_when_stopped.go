package oracle

import "github.com/migsim/migsim/world"

// NoNotifyWhenStopped is the no-notify-when-stopped oracle: a member in
// Stop, Freeze or stopped sends no interrupt (DRAFT-STOP-01, DP-DEV-11).
var NoNotifyWhenStopped world.EventOracle = noNotifyWhenStopped{}

type noNotifyWhenStopped struct{}

var noNotifyWhenStoppedInfo = world.OracleInfo{
	Name:     "no-notify-when-stopped",
	Doc:      "no MSI-X or config interrupt from a member in Stop/Freeze/stopped",
	Reqs:     []string{"DRAFT-STOP-01", "DP-DEV-11"},
	Observes: "the MSI-X messages a member sends, and its mode (as it reports it) once the event that sent them is over",
}

func (noNotifyWhenStopped) Info() world.OracleInfo { return noNotifyWhenStoppedInfo }

// CheckEvent reports a message from a member that is quiesced after the
// event that sent it.
func (noNotifyWhenStopped) CheckEvent(p *world.EventPass) {
	for _, irq := range p.Interrupts {
		if irq.VF == 0 {
			continue
		}
		m, ok := p.Member(p.Host, irq.VF)
		if !ok {
			continue
		}
		if mode := m.Status().Mode; mode.Quiesced() {
			name := m.Name()
			p.Report([]string{p.Who, name}, "%s sent %s while %s", name, irq.Msg, p.Edition().ModeName(mode))
		}
	}
}
