package devicetest

import (
	"fmt"

	"github.com/migsim/migsim/conformance/devicetest/harness"
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

// maskedVectorHeld: a running device completes the guest's work on its
// work queue (a block request on queue 0, a frame on a virtio-net
// device's transmitq1), whose vector (the queue's + 1) the guest has
// masked. The host sees the completion, no
// message for the vector and the vector's pending bit set; unmasking the
// vector sends exactly one message for it and clears the bit.
func maskedVectorHeld(c *harness.Check) {
	g, gu := c.Live()
	q := gu.WorkQueue()
	v := q + 1 // the work queue's vector (newGuest)
	g.VectorControl(v, true)
	g.Quiet()
	gu.PostWork(5)
	gu.Kick(q)
	g.Run()
	if gu.Used(q) != 1 {
		c.Fatalf("a request on queue %d with its vector masked: used index %d, want 1 (the request completes; only its message waits)", q, gu.Used(q))
	}
	harness.ExpectEq(c, g.MessagesTo(v), 0, fmt.Sprintf("MSI-X messages for vector %d, masked, when its queue completes a request", v))
	harness.ExpectEq(c, g.Pending(v), true, fmt.Sprintf("vector %d's pending bit after a notification while it is masked", v))
	g.Quiet()
	g.VectorControl(v, false)
	g.Run()
	harness.ExpectEq(c, g.MessagesTo(v), 1, fmt.Sprintf("MSI-X messages for vector %d when it is unmasked with its pending bit set", v))
	harness.ExpectEq(c, g.Pending(v), false, fmt.Sprintf("vector %d's pending bit once its message is sent", v))
}

// flrResetsMSIXTable: the guest has programmed and unmasked every vector;
// after an FLR the MSI-X table and the PBA read as a new device's.
func flrResetsMSIXTable(c *harness.Check) {
	g, _ := c.Live()
	fresh := c.NewRig(g.Disk, nil).MSIXTable()
	if bytesEqual(g.MSIXTable(), fresh) {
		c.SetUpFatalf("the MSI-X table as the test guest programmed it", "the MSI-X table the test guest programmed reads as a new device's")
	}
	g.AfterFLR()
	c.ExpectSame(g.MSIXTable(), fresh, "the MSI-X table and PBA read after an FLR, against a new device's")
}

func msixTests() []Test {
	return []Test{
		{id: "PCI-DEV-04", name: "masked-vector-held-pending", run: maskedVectorHeld},
		{id: "PCI-DEV-05", name: "flr-resets-msix-table", run: flrResetsMSIXTable},
	}
}
