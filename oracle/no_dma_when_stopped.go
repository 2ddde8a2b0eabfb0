package oracle

import "github.com/migsim/migsim/world/observe"

// NoDMAWhenStopped is the no-dma-when-stopped oracle: a member the owner has
// stopped touches no guest memory (DRAFT-STOP-02, DP-DEV-11).
var NoDMAWhenStopped observe.EventOracle = noDMAWhenStopped{}

type noDMAWhenStopped struct{}

var noDMAWhenStoppedInfo = observe.OracleInfo{
	Name: "no-dma-when-stopped",
	Doc:  "no guest-memory access by a member the owner has stopped (Stop/Freeze/stopped)",
	Reqs: []string{"DRAFT-STOP-02", "DP-DEV-11"},
	Observes: "the memory read and write TLPs a member sends toward guest memory (its memory port), and the mode " +
		"the owner last set: stopped from the moment the owner driver received the successful completion of the " +
		"command that stopped the member until it submits the next mode command, whatever the member reports",
}

func (noDMAWhenStopped) Info() observe.OracleInfo { return noDMAWhenStoppedInfo }

// PerEvent implements observe.PerEventOracle: it judges each event on its own.
func (noDMAWhenStopped) PerEvent() {}

// Memberwise implements observe.MemberwiseOracle: it reads no member of the pass's Members.
func (noDMAWhenStopped) Memberwise() {}

// CheckEvent reports the first access of each member the owner knows is
// stopped, with what of the guests' memory it touched. An access during the event that executes the stop command
// itself (virtio-1.4 writes back taken buffers before it replies,
// DP-DEV-09) comes before the host received the completion, so it is the
// transition's own.
func (noDMAWhenStopped) CheckEvent(p *observe.EventPass) {
	// A member's accesses come in runs (a chain's descriptors, its
	// buffers): one not stopped is judged once per run, as nothing
	// changes while the oracles judge the event.
	cleared := -1
	for i, a := range p.DMA {
		if cleared >= 0 && a.VF == p.DMA[cleared].VF && a.Host == p.DMA[cleared].Host {
			continue
		}
		cleared = i
		m, ok := p.Member(a.Host, a.VF)
		if !ok {
			continue
		}
		if v := m.Owner(); v.Stopped() {
			name := m.Name()
			where := ""
			if w := p.GuestMemoryWhere(a.Access.Addr); w != "" {
				where = ", in " + w
			}
			p.Report([]string{p.Who, name}, "%s accessed guest memory after the owner stopped it (%s): %s%s", name,
				p.Edition().ModeName(v.Mode), a.Access, where)
			return
		}
	}
}
