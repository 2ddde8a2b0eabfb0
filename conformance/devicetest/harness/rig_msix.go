package harness

import (
	"encoding/binary"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

// MSI-X as a host programs and observes it: Message Control's Enable and
// Function Mask, an entry's Vector Control, the pending bit array, the
// table itself and the messages sent for a vector (PCI Local Bus, "MSI-X
// Table" and "MSI-X PBA").

// MSIXCtl writes Message Control's Enable and Function Mask.
func (g *Rig) MSIXCtl(enable, fnMask bool) {
	var hi uint16
	if enable {
		hi |= pcie.MSIXCtlEnable
	}
	if fnMask {
		hi |= pcie.MSIXCtlFunctionMask
	}
	g.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: RigHost, Completer: RigRID,
		Addr: pcie.MSIXCapOffset + pcie.MSIXMsgCtl, Data: []byte{0, byte(hi >> 8)}}})
}

// VectorControl writes entry v's Vector Control dword: bit 0 masks it.
func (g *Rig) VectorControl(v int, masked bool) {
	ctl := make([]byte, 4)
	if masked {
		ctl[0] = 1
	}
	g.Write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+12, ctl)
}

// Pending reads entry v's bit of the PBA.
func (g *Rig) Pending(v int) bool {
	b := g.Read(pcie.BAR0MSIXPBA+uint64(v/64)*8, 8)
	return binary.LittleEndian.Uint64(b)>>(v%64)&1 != 0
}

// MSIXTable reads the whole MSI-X table of the rig's vectors and the PBA
// qword that holds their pending bits.
func (g *Rig) MSIXTable() []byte {
	t := g.Read(pcie.BAR0MSIXTable, (g.Check.numQueues()+1)*pcie.MSIXEntrySize)
	return append(t, g.Read(pcie.BAR0MSIXPBA, 8)...)
}

// MessagesTo counts the MSI-X messages seen (since quiet) with vector v's
// address and data, as the guest programmed them.
func (g *Rig) MessagesTo(v int) int {
	n := 0
	for _, m := range g.IRQs {
		if m.Addr == msixAddr(v) && m.Data == msixData(v) {
			n++
		}
	}
	return n
}
