package mutants

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Bugs of the virtio-1.4 device-parts commands that no catalog row
// reaches: a failed DEV_PARTS_SET that keeps part of what it carried, and
// a DEV_PARTS_GET that writes past the result buffer.

var appliesPartOfFailedSet = Mutant{
	Name: "applies-part-of-failed-set",
	Doc: "fails a DEV_PARTS_SET whose later part is invalid, as it must, but keeps the valid parts before it " +
		"latched and applies them at the resume (DP-DEV-08: a failed SET has no side effects)",
	Editions: v14Only,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &partialSet{Device: d, c: c}
	},
}

// partialSet, when the device it wraps fails a DEV_PARTS_SET of several
// parts, sets it privately the longest run of leading parts it accepts:
// the parts decoded and latched one by one, never rolled back.
type partialSet struct {
	member.Device
	c   member.Config
	tag uint64
}

func (d *partialSet) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if !isAdmin(d.c, ev, 0, spec.OpDevPartsSet) || len(ev.Admin.Data) <= spec.ResourceObjCmdHeaderSize {
		return fx
	}
	failed := false
	for _, c := range fx.Completions {
		failed = failed || (c.Tag == ev.Admin.Tag && c.Status != spec.StatusOK)
	}
	if !failed {
		return fx
	}
	ps, err := devctx.DecodeParts(ev.Admin.Data[spec.ResourceObjCmdHeaderSize:], devctx.DecodeOptions{AnyOrder: true})
	if err != nil {
		return fx
	}
	for k := len(ps.List) - 1; k > 0; k-- {
		d.tag++
		data := append(make([]byte, spec.ResourceObjCmdHeaderSize), devctx.EncodeParts(ps.List[:k])...)
		w := d.Device.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: privateTag + d.tag, Opcode: ev.Admin.Opcode, Data: data}})
		ok := len(w.Completions) == 1 && w.Completions[0].Status == spec.StatusOK
		w.Completions = nil
		fx = merge(fx, w)
		if ok {
			break
		}
	}
	return fx
}

var partsGetIgnoresResultCap = Mutant{
	Name: "parts-get-ignores-result-cap",
	Doc: "returns the whole DEV_PARTS_GET result whatever the result buffer's size: a result longer than result_cap " +
		"(AVQ-DEV-01: output past the end of the buffer is dropped)",
	Editions: v14Only,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &getIgnoresCap{Device: d, c: c}
	},
}

// getIgnoresCap passes DEV_PARTS_GET on with a result buffer of 64 KiB,
// whatever the owner's.
type getIgnoresCap struct {
	member.Device
	c member.Config
}

func (d *getIgnoresCap) Handle(ev member.Event) member.Effects {
	if isAdmin(d.c, ev, 0, spec.OpDevPartsGet) && ev.Admin.ResultCap < 1<<16 {
		ev.Admin.ResultCap = 1 << 16
	}
	return d.Device.Handle(ev)
}
