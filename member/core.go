package member

import (
	"slices"
	"sync"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Core is the virtio core of a member device: it implements Device for the
// backend of any DeviceType. Build it with NewCore (blk.New does).
type Core struct {
	cfg  Config
	typ  DeviceType
	cs   CfgSpace
	st   state
	mode spec.Mode
	msix MSIXTable

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
	// resetDeferred: a reset whose completion reached a frozen device under
	// reset-vs-mode=reply-on-start; it completes at the move to Active.
	resetDeferred bool
	pmPending     bool
	held          []AdminRequest
	// ringBuf is what the queues' ring accesses go through
	// (virtq.Scratch): zero between them, so the hash sees nothing of it.
	ringBuf virtq.Scratch
	// digest is the context digest while no event changed the context
	// (digest_cache.go).
	digest digestCache
}

// NewCore builds a member device of type t from c: zero fields of c take
// their defaults (the offered features are t's), then t.NewBackend builds
// the backend.
func NewCore(c Config, t DeviceType) *Core {
	c = c.withDefaults(t)
	d := &Core{cfg: c, typ: t, cs: c.Cfg}
	if d.cs == nil {
		d.cs = newDefaultCfg(c, t.ConfigLen)
	}
	d.st = newState(c, t.NewBackend(c))
	d.msix = NewMSIXTable(c.MSIXTableSize())
	return d
}

// Handle applies one event and returns its effects.
func (d *Core) Handle(ev Event) Effects {
	if !keepsDigest(&ev) {
		d.forgetDigest()
	}
	fx := Effects{quiet: d.cfg.Quiet}
	switch ev.Kind {
	case EvTLP:
		d.tlp(ev.TLP, &fx)
	case EvAdmin:
		d.admin(ev.Admin, &fx)
	case EvTimer:
		d.timer(ev.Timer, &fx)
	case EvStep:
		d.step(ev.Step, &fx)
	case EvBackend:
		d.hostEvent(&fx)
	default:
		fx.note("unknown event %s ignored", ev.Kind)
	}
	return fx
}

// Status reports the observable state without changing it.
func (d *Core) Status() Status {
	return Status{
		Mode:         d.mode,
		DeviceStatus: d.st.Status,
		FLRPending:   d.flrPending || d.flrDeferred,
		ResetPending: d.resetPending,
		HeldReplies:  len(d.held),
	}
}

// PureQueries implements Pure: Status and ContextDigest read the device
// and change none of its state (ContextDigest keeps the digest it computed,
// which is not state: digest_cache.go).
func (d *Core) PureQueries() {}

// ContextDigest is an FNV-64a hash of the full context as the owner could
// read it now: the encoded draft context (draft-2023) or the encoded
// DEV_PARTS_GET ALL result (virtio-1.4). No baseline or cursor moves; the
// digest is kept until an event may change the context (digest_cache.go).
func (d *Core) ContextDigest() uint64 {
	if !d.digest.ok {
		d.digest = digestCache{sum: d.freshDigest(), ok: true}
	}
	return d.digest.sum
}

// freshDigest computes ContextDigest from the context.
func (d *Core) freshDigest() uint64 {
	if d.cfg.Edition == spec.Draft2023 {
		sc := digestScratches.Get().(*digestScratch)
		fs := d.appendDraftFields(sc.fields[:0], sc.values[:0])
		sum := devctx.DraftContext{Fields: fs}.FNV64a()
		clear(fs) // keep no backend value alive
		sc.fields = fs[:0]
		digestScratches.Put(sc)
		return sum
	}
	sc := digestScratches.Get().(*digestScratch)
	ps := d.appendParts(slices.Grow(sc.parts[:0], d.partsCap()))
	sum := devctx.PartsFNV64a(ps)
	clear(ps) // keep no part's value alive
	sc.parts = ps[:0]
	digestScratches.Put(sc)
	return sum
}

// digestScratch is what ContextDigest builds the context in: it is only
// hashed, so the buffers are reused. They hold no state: appendDraftFields
// writes every value it returns, and the fields and parts are cleared after
// use.
type digestScratch struct {
	fields []devctx.Field
	values []byte
	parts  []devctx.Part
}

// digestScratches are the digest buffers, one per concurrent caller.
var digestScratches = sync.Pool{New: func() any {
	return &digestScratch{fields: make([]devctx.Field, 0, 16), values: make([]byte, 0, 512)}
}}

// Mode returns the current migration mode.
func (d *Core) Mode() spec.Mode { return d.mode }

// Type returns the device type the core was built with.
func (d *Core) Type() DeviceType { return d.typ }

// quiesced reports whether the device may neither DMA nor interrupt.
func (d *Core) quiesced() bool { return d.mode.Quiesced() }

// modeName names the current mode in the device's edition.
func (d *Core) modeName() string { return d.cfg.Edition.ModeName(d.mode) }

// timer handles the expiry of a timer the device armed.
func (d *Core) timer(id TimerID, fx *Effects) {
	switch id {
	case TimerFLR:
		if !d.flrPending {
			fx.note("flr timer with no FLR in progress ignored")
			return
		}
		fx.Steps = append(fx.Steps, Step{Kind: StepFinishFLR})
	case TimerPM:
		if !d.pmPending {
			fx.note("pm timer with no transition in progress ignored")
			return
		}
		d.pmPending = false
		fx.note("power-state transition finished")
		d.releaseHeld(fx)
	default:
		fx.note("unknown timer %s ignored", id)
	}
}

// step runs one internal step.
func (d *Core) step(s Step, fx *Effects) {
	switch s.Kind {
	case StepFetch:
		d.stepFetch(s.Queue, fx)
	case StepExecute:
		d.stepExecute(s.Queue, fx)
	case StepComplete:
		d.stepComplete(s.Queue, fx)
	case StepFinishFLR:
		d.finishFLR(fx)
	case StepFinishReset:
		d.finishReset(fx)
	case StepDeliverHeld:
		d.deliverHeld(fx)
	case StepAdmin:
		d.stepAdmin(s.Tag, fx)
	default:
		fx.note("unknown step %s ignored", s)
	}
}
