package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// Fields a destination is written and must apply: held interrupts and a
// 64-bit register write frozen between its halves.

// pendingEventsApplied: a destination is written its source's context with
// PENDING_EVENTS saying that the configuration-change interrupt and an
// interrupt of queue 0 are held (flags bit 0, held_irqs bit 0), as a source
// that stopped with them owed saves it. Written fields are applied at the
// move to Active (DRAFT-CTX-01), so the destination, moved from Freeze to
// Active, then sends both: an MSI-X message for the configuration vector
// (the guest programmed 0) and one for queue 0's (1). A device that drops
// either on the write leaves the guest waiting for a notification it never
// gets.
func pendingEventsApplied(c *harness.Check) {
	src, _ := c.Live()
	src.MustMode(spec.ModeStop)
	src.MustMode(spec.ModeFreeze)
	fields := src.ReadAfterDiscard(harness.SnapshotCap)
	found := false
	for i, f := range fields {
		if f.Type != spec.FieldPendingEvents {
			continue
		}
		p, err := devctx.DecodePendingEvents(f.Value)
		if err != nil {
			c.Fatalf("the source's PENDING_EVENTS: %v", err)
		}
		p.Flags |= devctx.PendingConfigIRQ
		p.HeldIRQs |= 1
		fields[i], found = p.Field(), true
	}
	if !found {
		c.Fatalf("the source's context (read in Freeze after DEV_CTX_DISCARD) holds no PENDING_EVENTS field")
	}
	dst := c.Destination(src)
	dst.MustMode(spec.ModeFreeze)
	if st, q := dst.CtxWrite(fields); st != spec.StatusOK {
		c.Fatalf("DEV_CTX_WRITE in Freeze of the source's context with PENDING_EVENTS holding a configuration-change and a queue 0 interrupt: %s/%s, want OK", st, q)
	}
	// Freeze to Active directly (DRAFT-MODE-03 allows it): the interrupts
	// are the written context's, not ones held in a Stop of this device.
	dst.Quiet()
	dst.MustMode(spec.ModeActive)
	dst.Run()
	c.Expect(hasVector(dst.IRQs, 0), "no MSI-X message for the configuration vector (0) once the destination is Active, "+
		"although the context written to it held the configuration-change interrupt (PENDING_EVENTS flags bit 0)")
	c.Expect(hasVector(dst.IRQs, 1), "no MSI-X message for queue 0's vector (1) once the destination is Active, "+
		"although the context written to it held an interrupt of queue 0 (PENDING_EVENTS held_irqs bit 0)")
}

// splitWriteCarried: the driver writes queue 1's queue_desc lo, the device
// is stopped, frozen and moved before the hi half is written: the context
// carries the half-done write in PCI_COMMON_RUNTIME_CFG, and the guest
// writes the other half on the destination (DRAFT-CTX-07). The destination
// then reads back both halves, and its next context has no
// PCI_COMMON_RUNTIME_CFG entry: the write is complete, and a finished
// write is never saved as one in progress (docs/context-format.md). A
// device that mistakes which half the entry says was written, or drops the
// entry, takes the guest's hi write for the first half of a new write and
// keeps it open.
func splitWriteCarried(c *harness.Check) {
	src := c.NewRig(nil, nil)
	src.Common(spec.CfgQueueSelect, 1)
	src.Common(spec.CfgQueueDescLo, 0x11112000)
	src.MustMode(spec.ModeStop)
	src.MustMode(spec.ModeFreeze)
	fields := src.ReadAfterDiscard(harness.SnapshotCap)
	dst := c.Destination(src)
	dst.MustMode(spec.ModeFreeze)
	if st, q := dst.CtxWrite(fields); st != spec.StatusOK {
		c.Fatalf("DEV_CTX_WRITE in Freeze of the context of a source stopped between the halves of queue 1's queue_desc: %s/%s, want OK", st, q)
	}
	dst.MustMode(spec.ModeActive)
	dst.Common(spec.CfgQueueSelect, 1)
	dst.Common(spec.CfgQueueDescHi, 3)
	harness.ExpectHex(c, dst.CommonRead(spec.CfgQueueDescLo), 0x11112000, "queue 1's queue_desc lo on the destination, written on the source before the stop")
	harness.ExpectHex(c, dst.CommonRead(spec.CfgQueueDescHi), 3, "queue 1's queue_desc hi, written on the destination")
	dst.MustMode(spec.ModeStop)
	dst.MustMode(spec.ModeFreeze)
	for _, f := range dst.ReadAfterDiscard(harness.SnapshotCap) {
		if f.Type != spec.FieldPCICommonRuntimeCfg {
			continue
		}
		rt, err := devctx.DecodeCommonRuntimeCfg(f.Value)
		if err != nil {
			c.Fatalf("the destination's PCI_COMMON_RUNTIME_CFG: %v", err)
		}
		c.Expect(len(rt.Writes) == 0, "the destination's PCI_COMMON_RUNTIME_CFG, once the guest wrote queue 1's queue_desc hi there, holds %+v, "+
			"want no entry: both halves are written, the write is no longer in progress", rt.Writes)
	}
}
