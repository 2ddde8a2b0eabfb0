package mutants

import (
	"bytes"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Bugs of an FLR or a virtio reset that leaves behind the state the owner
// wrote while the member was quiesced.

var keepsLatchedStateAcrossFLR = Mutant{
	Name: "keeps-latched-state-across-flr",
	Doc: "keeps the device parts set while stopped (DEV_PARTS_SET) or the context written in Freeze (DEV_CTX_WRITE) " +
		"across an FLR and applies them at the next resume (DP-DEV-14, DRAFT-FLR-01: the FLR resets them)",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &staleLatch{Device: d, c: c, flr: true}
	},
}

var keepsLatchedStateAcrossReset = Mutant{
	Name: "keeps-latched-state-across-reset",
	Doc: "keeps the device parts set while stopped or the context written in Freeze across a virtio reset " +
		"(device_status 0) and applies them at the next resume (DP-DEV-14, PCI-DEV-03: the reset resets them)",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &staleLatch{Device: d, c: c}
	},
}

// staleLatch remembers every state write (DEV_PARTS_SET, DEV_CTX_WRITE)
// the device it wraps accepted since its last resume. When an FLR (flr) or
// a virtio reset of that device ends, which drops them, it keeps them as
// stale; at the next resume it writes them to the device again, privately,
// followed by the writes accepted since, so the newer values win: the
// latch buffer the FLR or reset forgot to clear.
type staleLatch struct {
	member.Device
	c   member.Config
	flr bool
	// pending holds the data of writes not answered yet, by tag; latched
	// the data of those answered OK since the last resume.
	pending map[uint64][]byte
	latched [][]byte
	stale   [][]byte
	tag     uint64
}

func (d *staleLatch) Handle(ev member.Event) member.Effects {
	var pre member.Effects
	if to, ok := modeSet(d.c, ev); ok && to == spec.ModeActive && len(d.stale) > 0 {
		pre = d.rewrite()
	}
	if isAdmin(d.c, ev, spec.DraftOpDevCtxWrite, spec.OpDevPartsSet) {
		if d.pending == nil {
			d.pending = map[uint64][]byte{}
		}
		d.pending[ev.Admin.Tag] = bytes.Clone(ev.Admin.Data)
	}
	before := d.Device.Status()
	fx := d.Device.Handle(ev)
	after := d.Device.Status()
	if (d.flr && before.FLRPending && !after.FLRPending) || (!d.flr && before.ResetPending && !after.ResetPending) {
		d.stale = append(d.stale, d.latched...)
		d.latched = nil
	}
	if before.Mode.Quiesced() && after.Mode == spec.ModeActive {
		d.latched = nil
	}
	for _, c := range fx.Completions {
		if data, ok := d.pending[c.Tag]; ok {
			delete(d.pending, c.Tag)
			if c.Status == spec.StatusOK {
				d.latched = append(d.latched, data)
			}
		}
	}
	return merge(pre, fx)
}

// rewrite writes the stale state, then what was accepted since, to the
// quiesced device before it resumes, with private requests; a draft-2023
// device in Stop is moved to Freeze for them and back.
func (d *staleLatch) rewrite() member.Effects {
	st := d.Device.Status()
	if !st.Mode.Quiesced() || st.FLRPending || st.ResetPending || st.HeldReplies > 0 {
		return member.Effects{}
	}
	var fx member.Effects
	op, in := uint16(spec.OpDevPartsSet), spec.ModeStop
	if d.c.Edition == spec.Draft2023 {
		op, in = uint16(spec.DraftOpDevCtxWrite), spec.ModeFreeze
	}
	if st.Mode != in {
		fx = setModePrivately(d.c, d.Device, &d.tag, in)
	}
	for _, data := range append(d.stale, d.latched...) {
		d.tag++
		w := d.Device.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: privateTag + d.tag, Opcode: op, Data: data}})
		w.Completions = nil
		fx = merge(fx, w)
	}
	if st.Mode != in {
		fx = merge(fx, setModePrivately(d.c, d.Device, &d.tag, st.Mode))
	}
	d.stale = nil
	return fx
}

var dropsWriteHeldByFLR = Mutant{
	Name: "drops-write-held-by-flr",
	Doc: "holds a DEV_PARTS_SET or DEV_CTX_WRITE that arrives during an FLR, as it must, then answers it OK " +
		"once the FLR is over without applying it: the FLR's reset took it (DP-DEV-12, DRAFT-SYNC-01: it applies to the FLR-completed member)",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &heldWriteDropped{Device: d, c: c}
	},
}

// heldWriteDropped keeps the state writes that arrive during an FLR from
// the device it wraps and answers them OK in the effects of the event that
// ends the FLR.
type heldWriteDropped struct {
	member.Device
	c    member.Config
	held []uint64
}

func (d *heldWriteDropped) Handle(ev member.Event) member.Effects {
	before := d.Device.Status()
	if isAdmin(d.c, ev, spec.DraftOpDevCtxWrite, spec.OpDevPartsSet) && before.FLRPending {
		d.held = append(d.held, ev.Admin.Tag)
		return member.Effects{}
	}
	fx := d.Device.Handle(ev)
	if before.FLRPending && !d.Device.Status().FLRPending {
		for _, tag := range d.held {
			fx.Completions = append(fx.Completions, member.AdminCompletion{Tag: tag, Status: spec.StatusOK})
		}
		d.held = nil
	}
	return fx
}
