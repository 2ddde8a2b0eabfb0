package oracle

import (
	"strconv"

	"github.com/migsim/migsim/world/observe"
)

// MSIXTarget is the msix-target oracle: every MSI-X message a member sends
// is a write of the address and data of an unmasked entry of its MSI-X
// table as the host and the guest wrote it, while MSI-X is enabled and the
// function unmasked as their configuration writes left the capability,
// an FLR resetting both (PCI-DEV-06, PCI-DEV-04, PCI-DEV-07, PCI-DEV-05).
var MSIXTarget observe.EventOracle = msixTarget{}

type msixTarget struct{}

var msixTargetInfo = observe.OracleInfo{
	Name: "msix-target",
	Doc: "every MSI-X message a member sends carries the address and data of an unmasked entry of its MSI-X table " +
		"as the host and the guest wrote it, while MSI-X Enable is 1 and Function Mask 0: a message for a vector outside " +
		"the table or for VIRTIO_MSI_NO_VECTOR, of an entry never written or masked, while MSI-X is disabled or the " +
		"function masked, or after an FLR before the guest programmed the function again, is a stray write on the bus",
	Reqs: []string{"PCI-DEV-06", "PCI-DEV-04", "PCI-DEV-07", "PCI-DEV-05"},
	Observes: "the address and data of each MSI-X message a member sends (the memory write on the bus; the vector " +
		"it names is the device's own account and is not judged), against the entries of the member's MSI-X table " +
		"as the host's and the guest's memory writes to it left them (aligned DWORDs and QWORDs, as PCI Express " +
		"allows; a driver writes only the entries inside the Table Size it reads): an entry whose address was never " +
		"written (0) is no target, and a message whose entries are all " +
		"masked should have set a pending bit instead; and against MSI-X Enable and Function Mask as their " +
		"configuration writes to the capability's Message Control left them (Enable 0 until one sets it): no message " +
		"while Enable is 0, a pending bit instead while Function Mask is 1. An FLR of the member resets that record " +
		"(Enable 0, Function Mask 0, every entry masked) once the host knows it over: 100 ms after Initiate FLR, or, " +
		"when flr-vs-mode=defer-flr deferred it, at the completed move to Active that carries it out; until then the " +
		"function may not have reset yet and what was written before still judges its messages",
}

func (msixTarget) Info() observe.OracleInfo { return msixTargetInfo }

// PerEvent implements observe.PerEventOracle: it judges each event on its own.
func (msixTarget) PerEvent() {}

// Memberwise implements observe.MemberwiseOracle: it reads no member of the pass's Members.
func (msixTarget) Memberwise() {}

// CheckEvent reports a message sent while MSI-X is disabled or the
// function masked, as the host's and the guest's configuration writes
// left them, or that no unmasked entry written by the host or the guest
// carries.
func (msixTarget) CheckEvent(p *observe.EventPass) {
	for _, irq := range p.Interrupts {
		tg := irq.Target
		if irq.VF == 0 || !tg.Disabled && !tg.FunctionMasked && tg.Found() && !tg.Masked {
			continue
		}
		name := p.Host + ".vf" + strconv.Itoa(irq.VF)
		flr, reqs := "", []string{"PCI-DEV-07"}
		if tg.AfterFLR {
			flr = " (an FLR reset it and the guest has not programmed the table since)"
		}
		switch {
		case tg.Disabled:
			if tg.AfterFLR {
				reqs = []string{"PCI-DEV-05", "PCI-DEV-07"}
			}
			p.ReportReqs(reqs, []string{p.Who, name}, "%s sent %s while its MSI-X Enable is 0 as the host's and "+
				"the guest's configuration writes left it%s: a function sends no MSI-X message while MSI-X is disabled", name, irq.Msg, flr)
		case tg.FunctionMasked:
			p.ReportReqs(reqs, []string{p.Who, name}, "%s sent %s while its MSI-X Function Mask is 1 as the host's "+
				"and the guest's configuration writes left it: every vector is masked, the message should have set its "+
				"pending bit", name, irq.Msg)
		case tg.Masked:
			p.ReportReqs([]string{"PCI-DEV-04"}, []string{p.Who, name}, "%s sent %s, the address and data of "+
				"MSI-X table entry %d, which is masked: the message should have set its pending bit", name, irq.Msg, tg.Entry)
		default:
			reqs = []string{"PCI-DEV-06"}
			if tg.AfterFLR {
				reqs = []string{"PCI-DEV-05", "PCI-DEV-06"}
			}
			p.ReportReqs(reqs, []string{p.Who, name}, "%s sent %s: no entry of its MSI-X table "+
				"as the host and the guest wrote it has that address and data%s (a stray write on the bus, an "+
				"interrupt the guest never routed)", name, irq.Msg, flr)
		}
		return
	}
}
