package member

import (
	"fmt"
	"hash/fnv"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// PMTransitionNs is the virtual time a PM power-state change of the member
// takes; DEV_MODE_SET and context writes that arrive meanwhile have their
// reply held (DP-DEV-12).
const PMTransitionNs uint64 = 10_000_000

// Blk is the reference virtio-blk member device. It implements Device.
type Blk struct {
	cfg  Config
	cs   CfgSpace
	st   state
	mode spec.Mode
	msix []msixEntry

	// Draft incremental reads: baseline holds the values of the previous
	// read (nil: the next read returns every field); cursor the fields of
	// the current read not yet returned.
	baseline []devctx.Field
	cursor   []devctx.Field
	// Latched context (draft DEV_CTX_WRITE) or parts (1.4 DEV_PARTS_SET),
	// applied at the move to Active / resume.
	latchedFields []devctx.Field
	latchedParts  []devctx.Part

	flrPending   bool
	flrDeferred  bool
	resetPending bool
	pmPending    bool
	held         []AdminRequest
}

// NewBlk builds the reference virtio-blk member device. It is the default
// Factory.
func NewBlk(c Config) Device { return newBlk(c) }

func newBlk(c Config) *Blk {
	c = c.withDefaults()
	b := &Blk{cfg: c, cs: c.Cfg}
	if b.cs == nil {
		b.cs = newDefaultCfg(c)
	}
	b.st = newState(c)
	b.msix = newMSIXTable(c.MSIXVectors)
	return b
}

// Handle applies one event and returns its effects.
func (b *Blk) Handle(ev Event) Effects {
	var fx Effects
	switch ev.Kind {
	case EvTLP:
		b.tlp(ev.TLP, &fx)
	case EvAdmin:
		b.admin(ev.Admin, &fx)
	case EvTimer:
		b.timer(ev.Timer, &fx)
	case EvStep:
		b.step(ev.Step, &fx)
	case EvBackend:
		b.backend(&fx)
	default:
		fx.note("unknown event %s ignored", ev.Kind)
	}
	return fx
}

// Status reports the observable state without changing it.
func (b *Blk) Status() Status {
	return Status{
		Mode:         b.mode,
		DeviceStatus: b.st.status,
		FLRPending:   b.flrPending || b.flrDeferred,
		ResetPending: b.resetPending,
		HeldReplies:  len(b.held),
	}
}

// ContextDigest is an FNV-64a hash of the full context as the owner could
// read it now: the encoded draft context (draft-2023) or the encoded
// DEV_PARTS_GET ALL result (virtio-1.4). No baseline or cursor moves.
func (b *Blk) ContextDigest() uint64 {
	h := fnv.New64a()
	if b.cfg.Edition == spec.Draft2023 {
		h.Write(devctx.EncodeDraftContext(devctx.DraftContext{Fields: b.draftFields()}))
	} else {
		h.Write(devctx.EncodeParts(b.parts()))
	}
	return h.Sum64()
}

// Mode returns the current migration mode.
func (b *Blk) Mode() spec.Mode { return b.mode }

// note appends a formatted note.
func (fx *Effects) note(format string, args ...any) {
	fx.Notes = append(fx.Notes, fmt.Sprintf(format, args...))
}

// quiesced reports whether the device may neither DMA nor interrupt.
func (b *Blk) quiesced() bool { return b.mode.Quiesced() }

// timer handles the expiry of a timer the device armed.
func (b *Blk) timer(id TimerID, fx *Effects) {
	switch id {
	case TimerFLR:
		if !b.flrPending {
			fx.note("flr timer with no FLR in progress ignored")
			return
		}
		fx.Steps = append(fx.Steps, Step{Kind: StepFinishFLR})
	case TimerPM:
		if !b.pmPending {
			fx.note("pm timer with no transition in progress ignored")
			return
		}
		b.pmPending = false
		fx.note("power-state transition finished")
		b.releaseHeld(fx)
	default:
		fx.note("unknown timer %s ignored", id)
	}
}

// step runs one internal step.
func (b *Blk) step(s Step, fx *Effects) {
	switch s.Kind {
	case StepFetch:
		b.stepFetch(s.Queue, fx)
	case StepExecute:
		b.stepExecute(s.Queue, fx)
	case StepComplete:
		b.stepComplete(s.Queue, fx)
	case StepFinishFLR:
		b.finishFLR(fx)
	case StepFinishReset:
		b.finishReset(fx)
	case StepDeliverHeld:
		b.deliverHeld(fx)
	case StepAdmin:
		b.stepAdmin(s.Tag, fx)
	default:
		fx.note("unknown step %s ignored", s)
	}
}

// raise sends the MSI-X message of vector, unless the vector is
// NO_VECTOR or outside the table, or its entry is masked (then the pending
// bit is set).
func (b *Blk) raise(vector uint16, what string, fx *Effects) {
	if vector == NoVector {
		fx.note("%s interrupt: no vector", what)
		return
	}
	if int(vector) >= len(b.msix) {
		fx.note("%s interrupt: vector %d outside a table of %d", what, vector, len(b.msix))
		return
	}
	e := &b.msix[vector]
	if e.masked() {
		e.pending = true
		fx.note("%s interrupt: vector %d masked, pending", what, vector)
		return
	}
	fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: b.cfg.RID, Vector: vector, Addr: e.addr, Data: e.data})
}

// queueInterrupt signals a used buffer on queue q, or holds it while
// quiesced.
func (b *Blk) queueInterrupt(q uint16, fx *Effects) {
	b.st.isr |= 1
	if b.quiesced() {
		b.st.queues[q].irqHeld = true
		fx.note("q%d interrupt held (%s)", q, b.cfg.Edition.ModeName(b.mode))
		return
	}
	b.raise(b.st.queues[q].vector, fmt.Sprintf("q%d", q), fx)
}

// configInterrupt signals a configuration change, or holds it while
// quiesced.
func (b *Blk) configInterrupt(fx *Effects) {
	b.st.isr |= 2
	if b.quiesced() {
		b.st.configHeld = true
		fx.note("config-change interrupt held (%s)", b.cfg.Edition.ModeName(b.mode))
		return
	}
	b.raise(b.st.configVector, "config", fx)
}

// deliverHeld sends every held interrupt (StepDeliverHeld). While still
// quiesced it is a no-op.
func (b *Blk) deliverHeld(fx *Effects) {
	if b.quiesced() {
		fx.note("deliver-held while %s: no-op", b.cfg.Edition.ModeName(b.mode))
		return
	}
	if b.st.configHeld {
		b.st.configHeld = false
		b.raise(b.st.configVector, "config (held)", fx)
	}
	for i := range b.st.queues {
		q := &b.st.queues[i]
		if q.irqHeld {
			q.irqHeld = false
			b.raise(q.vector, fmt.Sprintf("q%d (held)", i), fx)
		}
	}
}

// anyHeld reports whether an interrupt is held.
func (b *Blk) anyHeld() bool {
	if b.st.configHeld {
		return true
	}
	for i := range b.st.queues {
		if b.st.queues[i].irqHeld {
			return true
		}
	}
	return false
}

// backend handles EvBackend: the disk's capacity may have changed.
func (b *Blk) backend(fx *Effects) {
	c := b.cfg.Disk.Capacity()
	if c == b.st.capacity {
		fx.note("backend event: capacity unchanged (%d)", c)
		return
	}
	if b.mode == spec.ModeFreeze {
		fx.note("backend event in Freeze: capacity change to %d deferred to the move to Active", c)
		return
	}
	b.capacityChanged(c, fx)
}

// capacityChanged updates the capacity, bumps config_generation and raises
// a config-change interrupt (held while quiesced).
func (b *Blk) capacityChanged(c uint64, fx *Effects) {
	fx.note("capacity %d -> %d", b.st.capacity, c)
	b.st.capacity = c
	b.st.configGen++
	b.configInterrupt(fx)
}
