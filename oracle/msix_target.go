package oracle

import (
	"strconv"

	"github.com/migsim/migsim/world/observe"
)

// MSIXTarget is the msix-target oracle: every MSI-X message a member sends
// is a write of the address and data of an unmasked entry of its MSI-X
// table as the host and the guest wrote it (PCI-DEV-06, PCI-DEV-04).
var MSIXTarget observe.EventOracle = msixTarget{}

type msixTarget struct{}

var msixTargetInfo = observe.OracleInfo{
	Name: "msix-target",
	Doc: "every MSI-X message a member sends carries the address and data of an unmasked entry of its MSI-X table " +
		"as the host and the guest wrote it: a message for a vector outside the table or for VIRTIO_MSI_NO_VECTOR, " +
		"or of an entry never written or masked, is a stray write on the bus",
	Reqs: []string{"PCI-DEV-06", "PCI-DEV-04"},
	Observes: "the address and data of each MSI-X message a member sends (the memory write on the bus; the vector " +
		"it names is the device's own account and is not judged), against the entries of the member's MSI-X table " +
		"as the host's and the guest's memory writes to it left them (aligned DWORDs and QWORDs, as PCI Express " +
		"allows; a driver writes only the entries inside the Table Size it reads): an entry whose address was never " +
		"written (0) is no target, and a message whose entries are all " +
		"masked should have set a pending bit instead. An FLR does not clear the entries written before it: the " +
		"member's table resets when the FLR completes, which the host cannot see under flr-vs-mode=defer-flr, so " +
		"they only make the oracle more lenient. MSI-X Enable and Function Mask are not judged",
}

func (msixTarget) Info() observe.OracleInfo { return msixTargetInfo }

// PerEvent implements observe.PerEventOracle: it judges each event on its own.
func (msixTarget) PerEvent() {}

// Memberwise implements observe.MemberwiseOracle: it reads no member of the pass's Members.
func (msixTarget) Memberwise() {}

// CheckEvent reports a message that no unmasked entry written by the host
// or the guest carries.
func (msixTarget) CheckEvent(p *observe.EventPass) {
	for _, irq := range p.Interrupts {
		if irq.VF == 0 || irq.Target.Found() && !irq.Target.Masked {
			continue
		}
		name := p.Host + ".vf" + strconv.Itoa(irq.VF)
		if irq.Target.Masked {
			p.ReportReqs([]string{"PCI-DEV-04"}, []string{p.Who, name}, "%s sent %s, the address and data of "+
				"MSI-X table entry %d, which is masked: the message should have set its pending bit", name, irq.Msg, irq.Target.Entry)
			return
		}
		p.ReportReqs([]string{"PCI-DEV-06"}, []string{p.Who, name}, "%s sent %s: no entry of its MSI-X table "+
			"as the host and the guest wrote it has that address and data (a stray write on the bus, an "+
			"interrupt the guest never routed)", name, irq.Msg)
		return
	}
}
