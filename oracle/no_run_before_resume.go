package oracle

import "github.com/migsim/migsim/world/observe"

// NoRunBeforeResume is the no-run-before-resume oracle: a destination
// member of the VM puts no guest-memory access and no interrupt on the bus
// while the VM runs on another host, until the hypervisor resumes it
// (DRAFT-CTX-01: the written context applies at the move to Active;
// DP-DEV-08: SET values take effect when the member resumes).
var NoRunBeforeResume observe.EventOracle = noRunBeforeResume{}

type noRunBeforeResume struct{}

var noRunBeforeResumeInfo = observe.OracleInfo{
	Name: "no-run-before-resume",
	Doc: "a destination member of the VM sends no guest-memory access and no interrupt while the VM runs on another host, " +
		"before the hypervisor resumes it",
	Reqs: []string{"DRAFT-CTX-01", "DP-DEV-08"},
	Observes: "the memory read and write TLPs and the MSI-X messages a VF of the VM on a host other than the source " +
		"sends, the host the VM runs on (the last switchover's), and the mode commands the destination's owner driver " +
		"submitted and completed: resumed from the submission of a DEV_MODE_SET that runs the member (draft-2023 Active, " +
		"virtio-1.4 stopped bit clear) until the successful completion of one that stops it; a member the host knows is stopped is left to no-dma-when-stopped " +
		"and no-notify-when-stopped, one it never resumed runs only by default (Active from its creation) or because " +
		"an FLR ended its stop (mode-after-flr=running)",
}

func (noRunBeforeResume) Info() observe.OracleInfo { return noRunBeforeResumeInfo }

// PerEvent implements observe.PerEventOracle: it judges each event on its own.
func (noRunBeforeResume) PerEvent() {}

// Memberwise implements observe.MemberwiseOracle: it reads no member of the pass's Members.
func (noRunBeforeResume) Memberwise() {}

// CheckEvent reports the first access or interrupt of a destination
// member of the VM that runs before its time: on a host other than the
// source and the VM's, not stopped as far as the host knows (the stopped
// oracles judge those), and not resumed by the hypervisor. The source is
// never judged: its members run from the VM's start, and after the
// switchover the stopped oracles and one-running judge it.
func (noRunBeforeResume) CheckEvent(p *observe.EventPass) {
	if len(p.DMA) == 0 && len(p.Interrupts) == 0 {
		return
	}
	src, vmHost := p.SourceHost(), p.VMHost()
	early := func(host string, vf int) (observe.MemberView, bool) {
		if host == src || host == vmHost || !inSorted(p.VMVFs(), vf) {
			return observe.MemberView{}, false
		}
		m, ok := p.Member(host, vf)
		if !ok {
			return observe.MemberView{}, false
		}
		v := m.Owner()
		return m, !v.Stopped() && !v.Resumed
	}
	for _, a := range p.DMA {
		if m, ok := early(a.Host, a.VF); ok {
			report(p, m, vmHost, a.Access.String())
			return
		}
	}
	for _, irq := range p.Interrupts {
		if irq.VF == 0 {
			continue
		}
		if m, ok := early(p.Host, irq.VF); ok {
			report(p, m, vmHost, irq.Msg.String())
			return
		}
	}
}

// report words a finding of no-run-before-resume.
func report(p *observe.EventPass, m observe.MemberView, vmHost, what string) {
	why := "the hypervisor has not resumed it"
	if m.Owner().FLR {
		why = "an FLR of it is in progress and " + why
	}
	name := m.Name()
	p.Report([]string{p.Who, name}, "%s ran while the VM runs on %s and %s: %s", name, vmHost, why, what)
}

// inSorted reports whether v is in the sorted slice s.
func inSorted(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
		if x > v {
			return false
		}
	}
	return false
}
