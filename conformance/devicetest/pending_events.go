package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

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
