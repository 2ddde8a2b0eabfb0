package member

import "github.com/migsim/migsim/devctx"

// Inspect exposes what a Core keeps inside to the external tests of this
// directory (package member_test), which drive the core through the blk
// backend and so cannot live in package member.
type Inspect struct{ d *Core }

// InspectCore returns the view of dev, which must be a *Core.
func InspectCore(dev Device) Inspect { return Inspect{dev.(*Core)} }

// Config is the configuration the core was built with, defaults filled in.
func (i Inspect) Config() Config { return i.d.cfg }

// MSIXLen is the size of the MSI-X table.
func (i Inspect) MSIXLen() int { return i.d.msix.Len() }

// Queue returns queue q's registers.
func (i Inspect) Queue(q int) QueueRegs { return i.d.st.queues[q].QueueRegs }

// Taken counts the requests queue q has taken and not completed.
func (i Inspect) Taken(q int) int { return len(i.d.st.queues[q].reqs) }

// IRQHeld reports a held used-buffer interrupt of queue q.
func (i Inspect) IRQHeld(q int) bool { return i.d.st.queues[q].irqHeld }

// NotifyLatched reports a latched doorbell of queue q.
func (i Inspect) NotifyLatched(q int) bool { return i.d.st.queues[q].notifyLatched }

// FetchPending reports a doorbell of queue q received and not served.
func (i Inspect) FetchPending(q int) bool { return i.d.st.queues[q].fetchPending }

// ConfigHeld reports a held configuration-change interrupt.
func (i Inspect) ConfigHeld() bool { return i.d.st.configHeld }

// LatchedFields and LatchedParts count what a context or parts write
// latched for the next move to Active.
func (i Inspect) LatchedFields() int { return len(i.d.latchedFields) }

// LatchedParts counts the parts DEV_PARTS_SET latched.
func (i Inspect) LatchedParts() int { return len(i.d.latchedParts) }

// DraftFields is the full draft-2023 context now.
func (i Inspect) DraftFields() []devctx.Field { return i.d.draftFields() }

// Parts is the DEV_PARTS_GET ALL result now.
func (i Inspect) Parts() []devctx.Part { return i.d.parts() }

// KeptDigest is the context digest the core keeps and whether it keeps
// one (digest_cache.go).
func (i Inspect) KeptDigest() (uint64, bool) { return i.d.digest.sum, i.d.digest.ok }

// FreshDigest is the context digest computed from the context now,
// whatever the core keeps.
func (i Inspect) FreshDigest() uint64 { return i.d.freshDigest() }

// PlantQueueWrite moves queue q's last_avail past state.queue: a write
// that keeps the queue's kept hash, which a check of the kept hashes must
// catch.
func (i Inspect) PlantQueueWrite(q int) { i.d.st.queues[q].lastAvail++ }

// PlantBackendCall resets the backend past state.backend: a call that
// keeps the backend's kept hash.
func (i Inspect) PlantBackendCall() { i.d.st.dev.Reset() }

// KeepDoorbell latches a doorbell of queue q again as a resume does for
// one an applied context cleared (keepDoorbells).
func (i Inspect) KeepDoorbell(q int, avail uint16) {
	i.d.keepDoorbells([]latchedDoorbell{{queue: uint16(q), avail: avail}})
}

// ApplyFields applies draft-2023 context fields to the live state, as a
// resume applies the latched ones.
func (i Inspect) ApplyFields(fields []devctx.Field) error {
	var ev pendingApply
	return i.d.applyFields(&i.d.st, fields, &ev)
}
