package oracle

import "github.com/migsim/migsim/world"

// NoDMAWhenStopped is the no-dma-when-stopped oracle: a member in Stop,
// Freeze or stopped touches no guest memory (DRAFT-STOP-02, DP-DEV-11).
var NoDMAWhenStopped world.EventOracle = noDMAWhenStopped{}

type noDMAWhenStopped struct{}

var noDMAWhenStoppedInfo = world.OracleInfo{
	Name: "no-dma-when-stopped",
	Doc:  "no guest-memory access by a member in Stop/Freeze/stopped",
	Reqs: []string{"DRAFT-STOP-02", "DP-DEV-11"},
	Observes: "the memory read and write TLPs a member sends toward guest memory (its memory port) during an " +
		"event that finds and leaves it in Stop, Freeze or stopped, as the member reports its mode",
}

func (noDMAWhenStopped) Info() world.OracleInfo { return noDMAWhenStoppedInfo }

// CheckEvent reports the first access of each member that was quiesced
// before and after the event (an access during the event that resumes or
// stops it is the transition's own).
func (noDMAWhenStopped) CheckEvent(p *world.EventPass) {
	for i := range p.Members {
		m := &p.Members[i]
		if !m.Before.Mode.Quiesced() || !m.After.Mode.Quiesced() {
			continue
		}
		for _, a := range p.DMA {
			if a.Host == m.Host && a.VF == m.VF {
				name := m.Name()
				p.Report([]string{p.Who, name}, "%s in %s accessed guest memory: %s", name,
					p.Edition().ModeName(m.After.Mode), a.Access)
				break
			}
		}
	}
}
