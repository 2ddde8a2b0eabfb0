package mutants

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Bugs of a device that is being quiesced or resumed.

var acksStopKeepsPipeline = Mutant{
	Name:     "acks-stop-keeps-pipeline",
	Doc:      "acknowledges the stop at once but lets the requests in its pipeline go on (DMA, interrupts) until the next admin command, reporting Active all the while",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &acksStopEarly{Device: d, c: c}
	},
}

// acksStopEarly answers a stop itself and hands it to the device it wraps
// only with the next admin request.
type acksStopEarly struct {
	member.Device
	c        member.Config
	deferred *member.AdminRequest
	tag      uint64
}

func (d *acksStopEarly) Handle(ev member.Event) member.Effects {
	if ev.Kind != member.EvAdmin {
		return d.Device.Handle(ev)
	}
	var fx member.Effects
	if d.deferred != nil {
		req := *d.deferred
		d.deferred = nil
		d.tag++
		req.Tag = privateTag + d.tag
		fx = d.Device.Handle(member.Event{Kind: member.EvAdmin, Admin: req})
		fx.Completions = nil
	}
	if to, ok := modeSet(d.c, ev); ok && to.Quiesced() && !d.Device.Status().Mode.Quiesced() {
		req := ev.Admin
		req.Data = append([]byte(nil), req.Data...)
		d.deferred = &req
		return merge(fx, member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusOK}}})
	}
	return merge(fx, d.Device.Handle(ev))
}

var prefetchWhenStopped = Mutant{
	Name:     "prefetch-when-stopped",
	Doc:      "on a doorbell while stopped, prefetches the queue's avail index from guest memory",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &prefetcher{Device: d, c: c}
	},
}

type prefetcher struct {
	member.Device
	c  member.Config
	qs queueSnoop
}

func (d *prefetcher) Handle(ev member.Event) member.Effects {
	d.qs.observe(d.c, ev)
	fx := d.Device.Handle(ev)
	d.qs.learnRestore(ev, fx)
	if isDoorbell(d.c, ev) && d.Device.Status().Mode.Quiesced() {
		q := uint16((ev.TLP.Addr - d.c.BAR0 - pcie.BAR0Notify) / pcie.NotifyMultiplier)
		if avail, ok := d.qs.driver[q]; ok && avail != 0 {
			var idx [2]byte
			_ = d.c.Mem.ReadMem(d.c.RID, avail+2, idx[:])
		}
	}
	return fx
}

var irqOnKickWhenStopped = Mutant{
	Name:     "irq-on-kick-when-stopped",
	Doc:      "answers a doorbell that arrives while stopped with a used-buffer interrupt",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &kickIRQ{Device: d, c: c}
	},
}

type kickIRQ struct {
	member.Device
	c member.Config
}

func (d *kickIRQ) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if isDoorbell(d.c, ev) && d.Device.Status().Mode.Quiesced() {
		q := uint16((ev.TLP.Addr - d.c.BAR0 - pcie.BAR0Notify) / pcie.NotifyMultiplier)
		// The driver's convention: queue q uses vector q+1.
		if m, ok := msixMessage(d.c, d.Device, q+1); ok {
			fx.Interrupts = append(fx.Interrupts, m)
		}
	}
	return fx
}

var configIRQNotHeld = Mutant{
	Name:     "config-irq-not-held",
	Doc:      "sends the configuration-change interrupt of a host-side change (a disk resize) even while stopped",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &configIRQ{Device: d, c: c}
	},
}

type configIRQ struct {
	member.Device
	c member.Config
}

func (d *configIRQ) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvBackend && d.Device.Status().Mode == spec.ModeStop {
		v := le16(readOwn(d.c, d.Device, pcie.BAR0CommonCfg+uint64(spec.CfgConfigMSIXVector), 2), 0)
		if m, ok := msixMessage(d.c, d.Device, v); ok {
			fx.Interrupts = append(fx.Interrupts, m)
		}
	}
	return fx
}

var dropsPendingDoorbellAtStop = Mutant{
	Name:     "drops-pending-doorbell-at-stop",
	Doc:      "queues a doorbell in a pipeline stage of its own and loses it when a stop arrives before the stage runs (draft-2023 requires it latched)",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &lateDoorbell{Device: d, c: c}
	},
}

// lateDoorbell answers a doorbell with a fetch step of its own and hands
// the doorbell to the device it wraps only when that step runs, if the
// device is still Active.
type lateDoorbell struct {
	member.Device
	c       member.Config
	pending map[uint16]member.Event
}

func (d *lateDoorbell) Handle(ev member.Event) member.Effects {
	if isDoorbell(d.c, ev) && d.Device.Status().Mode == spec.ModeActive {
		q := uint16((ev.TLP.Addr - d.c.BAR0 - pcie.BAR0Notify) / pcie.NotifyMultiplier)
		if d.pending == nil {
			d.pending = map[uint16]member.Event{}
		}
		d.pending[q] = ev
		return member.Effects{Steps: []member.Step{{Kind: member.StepFetch, Queue: q}}}
	}
	if ev.Kind == member.EvStep && ev.Step.Kind == member.StepFetch {
		if kick, ok := d.pending[ev.Step.Queue]; ok {
			delete(d.pending, ev.Step.Queue)
			if d.Device.Status().Mode == spec.ModeActive {
				return merge(d.Device.Handle(kick), d.Device.Handle(ev))
			}
		}
	}
	return d.Device.Handle(ev)
}

var resumeWithoutAvailPoll = Mutant{
	Name:     "resume-without-avail-poll",
	Doc:      "at resume serves only the requests it had taken, without looking at the avail ring for the ones posted while it was stopped",
	Editions: v14Only,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &noPollResume{Device: d, c: c}
	},
}

type noPollResume struct {
	member.Device
	c member.Config
}

func (d *noPollResume) Handle(ev member.Event) member.Effects {
	was := d.Device.Status().Mode
	fx := d.Device.Handle(ev)
	if was.Quiesced() && d.Device.Status().Mode == spec.ModeActive {
		kept := fx.Steps[:0]
		for _, s := range fx.Steps {
			if s.Kind != member.StepFetch {
				kept = append(kept, s)
			}
		}
		fx.Steps = kept
	}
	return fx
}

var goesRunningAfterFLR = Mutant{
	Name:     "goes-running-after-flr",
	Doc:      "goes back to running when an FLR ends, although mode-after-flr=keep says a stopped member stays stopped",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &runsAfterFLR{Device: d, c: c}
	},
}

type runsAfterFLR struct {
	member.Device
	c   member.Config
	tag uint64
}

func (d *runsAfterFLR) Handle(ev member.Event) member.Effects {
	before := d.Device.Status()
	fx := d.Device.Handle(ev)
	after := d.Device.Status()
	if before.FLRPending && !after.FLRPending && after.Mode.Quiesced() && d.c.Rules.ModeAfterFLR == spec.AfterFLRKeep {
		fx = merge(fx, setModePrivately(d.c, d.Device, &d.tag, spec.ModeActive))
	}
	return fx
}

var answersModeSetDuringFLR = Mutant{
	Name:     "answers-mode-set-during-flr",
	Doc:      "answers DEV_MODE_SET at once while an FLR is in progress instead of holding the reply until the FLR is over",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &earlyReply{Device: d, c: c, early: map[uint64]bool{}}
	},
}

type earlyReply struct {
	member.Device
	c     member.Config
	early map[uint64]bool
}

func (d *earlyReply) Handle(ev member.Event) member.Effects {
	if _, ok := modeSet(d.c, ev); ok && d.Device.Status().FLRPending {
		fx := d.Device.Handle(ev)
		for _, c := range fx.Completions {
			if c.Tag == ev.Admin.Tag {
				return fx // answered anyway
			}
		}
		d.early[ev.Admin.Tag] = true
		fx.Completions = append(fx.Completions, member.AdminCompletion{Tag: ev.Admin.Tag, Status: spec.StatusOK})
		return fx
	}
	fx := d.Device.Handle(ev)
	kept := fx.Completions[:0]
	for _, c := range fx.Completions {
		if d.early[c.Tag] {
			delete(d.early, c.Tag)
			continue
		}
		kept = append(kept, c)
	}
	fx.Completions = kept
	return fx
}

var dropsConfigIRQHeldInStop = Mutant{
	Name: "drops-config-irq-held-in-stop",
	Doc: "holds the configuration-change interrupt of a host-side change in Stop, as it must, but drops it when it goes " +
		"back to Active instead of sending it: the driver never learns of the change (DRAFT-STOP-01: held, not lost)",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &heldConfigIRQDropped{Device: d, c: c}
	},
}

// heldConfigIRQDropped removes the configuration vector's MSI-X messages
// from the effects of the move from Stop to Active and of the internal
// steps that follow it, up to the next event that is not a step: the
// interrupts the device held in Stop are delivered then.
type heldConfigIRQDropped struct {
	member.Device
	c        member.Config
	resuming bool
}

func (d *heldConfigIRQDropped) Handle(ev member.Event) member.Effects {
	to, isModeSet := modeSet(d.c, ev)
	fromStop := d.Device.Status().Mode == spec.ModeStop
	fx := d.Device.Handle(ev)
	switch {
	case isModeSet && to == spec.ModeActive && fromStop:
		d.resuming = true
	case ev.Kind != member.EvStep:
		d.resuming = false
	}
	if !d.resuming || len(fx.Interrupts) == 0 {
		return fx
	}
	v := le16(readOwn(d.c, d.Device, pcie.BAR0CommonCfg+uint64(spec.CfgConfigMSIXVector), 2), 0)
	m, ok := msixMessage(d.c, d.Device, v)
	if !ok {
		return fx
	}
	var kept []pcie.MSIXMessage
	for _, irq := range fx.Interrupts {
		if irq != m {
			kept = append(kept, irq)
		}
	}
	fx.Interrupts = kept
	return fx
}
