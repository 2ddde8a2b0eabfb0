package devicetest

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/pcie"
)

// MSI-X as a host observes it: the messages a device sends, its MSI-X
// table and its pending bit array (PBA) in BAR0. The virtio PCI transport
// sends its notifications on the vectors of that table (virtio spec,
// transport-pci.tex, "MSI-X Vector Configuration"); the table itself is
// PCI's: Vector Control bit 0 masks an entry, and a masked entry's message
// is not sent but held as its pending bit, sent once the entry is unmasked
// (PCI Local Bus, "MSI-X Table" and "MSI-X PBA"). An FLR resets the
// function, its MSI-X table back to every entry masked (PCIe Base,
// "Function Level Reset"; docs/device-model.md, "5. FLR, reset, PM and held
// replies").

// vectorControl writes entry v's Vector Control dword: bit 0 masks it.
func (g *rig) vectorControl(v int, masked bool) {
	ctl := make([]byte, 4)
	if masked {
		ctl[0] = 1
	}
	g.write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+12, ctl)
}

// pending reads entry v's bit of the PBA.
func (g *rig) pending(v int) bool {
	b := g.read(pcie.BAR0MSIXPBA+uint64(v/64)*8, 8)
	return binary.LittleEndian.Uint64(b)>>(v%64)&1 != 0
}

// msixTable reads the whole MSI-X table of the rig's vectors and the PBA
// qword that holds their pending bits.
func (g *rig) msixTable() []byte {
	t := g.read(pcie.BAR0MSIXTable, (g.c.numQueues()+1)*pcie.MSIXEntrySize)
	return append(t, g.read(pcie.BAR0MSIXPBA, 8)...)
}

// messagesTo counts the MSI-X messages seen (since quiet) with vector v's
// address and data, as the guest programmed them.
func (g *rig) messagesTo(v int) int {
	n := 0
	for _, m := range g.irqs {
		if m.Addr == msixAddr(v) && m.Data == msixData(v) {
			n++
		}
	}
	return n
}

// maskedVectorHeld: a running device completes the guest's work on its
// work queue (a block request on queue 0, a frame on a virtio-net
// device's transmitq1), whose vector (the queue's + 1) the guest has
// masked. The host sees the completion, no
// message for the vector and the vector's pending bit set; unmasking the
// vector sends exactly one message for it and clears the bit.
func maskedVectorHeld(c *check) {
	g, gu := c.live()
	q := gu.workQueue()
	v := q + 1 // the work queue's vector (newGuest)
	g.vectorControl(v, true)
	g.quiet()
	gu.postWork(5)
	gu.kick(q)
	g.run()
	if gu.used(q) != 1 {
		c.fatalf("a request on queue %d with its vector masked: used index %d, want 1 (the request completes; only its message waits)", q, gu.used(q))
	}
	expectEq(c, g.messagesTo(v), 0, fmt.Sprintf("MSI-X messages for vector %d, masked, when its queue completes a request", v))
	expectEq(c, g.pending(v), true, fmt.Sprintf("vector %d's pending bit after a notification while it is masked", v))
	g.quiet()
	g.vectorControl(v, false)
	g.run()
	expectEq(c, g.messagesTo(v), 1, fmt.Sprintf("MSI-X messages for vector %d when it is unmasked with its pending bit set", v))
	expectEq(c, g.pending(v), false, fmt.Sprintf("vector %d's pending bit once its message is sent", v))
}

// flrResetsMSIXTable: the guest has programmed and unmasked every vector;
// after an FLR the MSI-X table and the PBA read as a new device's.
func flrResetsMSIXTable(c *check) {
	g, _ := c.live()
	fresh := c.newRig(g.disk, nil).msixTable()
	if bytesEqual(g.msixTable(), fresh) {
		c.setUpFatalf("the MSI-X table as the test guest programmed it", "the MSI-X table the test guest programmed reads as a new device's")
	}
	g.afterFLR()
	c.expectSame(g.msixTable(), fresh, "the MSI-X table and PBA read after an FLR, against a new device's")
}

func msixTests() []Test {
	return []Test{
		{id: "PCI-DEV-04", name: "masked-vector-held-pending", run: maskedVectorHeld},
		{id: "PCI-DEV-05", name: "flr-resets-msix-table", run: flrResetsMSIXTable},
	}
}
