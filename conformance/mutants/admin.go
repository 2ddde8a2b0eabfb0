package mutants

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Bugs in the device's handling of the owner's admin commands.

var rejectsModeButStops = Mutant{
	Name:     "rejects-mode-but-stops",
	Doc:      "rejects a reserved DEV_MODE_SET with EINVAL, as it must, but has already stopped its datapath",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &stopsOnReject{Device: d, c: c}
	},
}

type stopsOnReject struct {
	member.Device
	c   member.Config
	tag uint64
}

func (d *stopsOnReject) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if to, ok := modeSet(d.c, ev); ok && !d.c.Edition.HasMode(to) {
		fx = merge(fx, setModePrivately(d.c, d.Device, &d.tag, spec.ModeStop))
	}
	return fx
}

var acceptsCtxWriteWhileRunning = Mutant{
	Name:     "accepts-ctx-write-while-running",
	Doc:      "answers DEV_CTX_WRITE with OK outside Freeze (DRAFT-CTX-01 requires EINVAL/INVALID_FIELD)",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &acceptsWrite{Device: d, c: c, running: func(m spec.Mode) bool { return m != spec.ModeFreeze }}
	},
}

var acceptsPartsSetWhileRunning = Mutant{
	Name:     "accepts-parts-set-while-running",
	Doc:      "answers DEV_PARTS_SET with OK while running (DP-DEV-04: a SET on a member that is not stopped fails)",
	Editions: v14Only,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &acceptsWrite{Device: d, c: c, running: func(m spec.Mode) bool { return m == spec.ModeActive }}
	},
}

var acksStateWithoutApplying = Mutant{
	Name:     "acks-state-without-applying",
	Doc:      "answers DEV_CTX_WRITE / DEV_PARTS_SET with OK and never applies the state: the destination resumes blank",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &acceptsWrite{Device: d, c: c, running: func(spec.Mode) bool { return true }}
	},
}

// acceptsWrite answers a context or parts write with OK without passing it
// on, in the modes running selects.
type acceptsWrite struct {
	member.Device
	c       member.Config
	running func(spec.Mode) bool
}

func (d *acceptsWrite) Handle(ev member.Event) member.Effects {
	if isAdmin(d.c, ev, spec.DraftOpDevCtxWrite, spec.OpDevPartsSet) && d.running(d.Device.Status().Mode) {
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusOK}},
			Notes: []string{"state write acknowledged and dropped"}}
	}
	return d.Device.Handle(ev)
}

var appliesConfigWriteInFreeze = Mutant{
	Name:     "applies-config-write-in-freeze",
	Doc:      "applies a driver's device-configuration write that arrives in Freeze (DRAFT-FRZ-03: ignored; the context is frozen)",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &freezeConfigWrite{Device: d, c: c}
	},
}

// freezeConfigWrite takes the device it wraps to Stop for the write and
// back to Freeze.
type freezeConfigWrite struct {
	member.Device
	c   member.Config
	tag uint64
}

func (d *freezeConfigWrite) Handle(ev member.Event) member.Effects {
	if !isDeviceConfigWrite(d.c, ev) || d.Device.Status().Mode != spec.ModeFreeze {
		return d.Device.Handle(ev)
	}
	fx := setModePrivately(d.c, d.Device, &d.tag, spec.ModeStop)
	fx = merge(fx, d.Device.Handle(ev))
	return merge(fx, setModePrivately(d.c, d.Device, &d.tag, spec.ModeFreeze))
}

var modeGetLies = Mutant{
	Name:     "mode-get-lies",
	Doc:      "DEV_MODE_GET always returns Active, whatever mode the device is in",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &resultRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest, r []byte) []byte {
			if req.Opcode == uint16(spec.DraftOpDevModeGet) && len(r) > 0 {
				r[0] = byte(spec.ModeActive)
			}
			return r
		}}
	},
}

var underReportsContextSize = Mutant{
	Name:     "under-reports-context-size",
	Doc:      "reports 16 bytes less than its context takes in DEV_CTX_SIZE_GET / METADATA_GET(SIZE)",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &resultRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest, r []byte) []byte {
			switch {
			case c.Edition == spec.Draft2023 && req.Opcode == uint16(spec.DraftOpDevCtxSizeGet) && len(r) >= 8:
				s := devctx.DecodeCtxSizeResult(r).Size
				return devctx.CtxSizeResult{Size: max(s, 24) - 16}.Encode()
			case c.Edition == spec.Virtio14 && req.Opcode == uint16(spec.OpDevPartsMetadataGet) &&
				len(req.Data) > 8 && spec.MetadataType(req.Data[8]) == spec.MetadataSize && len(r) >= 8:
				m := devctx.DecodeMetadataSize(r)
				m.Size = max(m.Size, 24) - 16
				return m.Encode()
			}
			return r
		}}
	},
}

var partsOutOfOrder = Mutant{
	Name:     "parts-out-of-order",
	Doc:      "returns DEVICE_STATUS first in DEV_PARTS_GET, before DEV_FEATURES and the common configuration (DP-DEV-03 fixes the order)",
	Editions: v14Only,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &resultRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest, r []byte) []byte {
			if req.Opcode != uint16(spec.OpDevPartsGet) {
				return r
			}
			ps, err := devctx.DecodeParts(r, devctx.DecodeOptions{AnyOrder: true})
			if err != nil {
				return r
			}
			var first, rest []devctx.Part
			for _, p := range ps.List {
				if p.Type == spec.PartDeviceStatus {
					first = append(first, p)
				} else {
					rest = append(rest, p)
				}
			}
			return devctx.EncodeParts(append(first, rest...))
		}}
	},
}

// resultRewriter changes the results of the admin requests it passes on
// (the device answers them itself, or after holding them).
type resultRewriter struct {
	member.Device
	c       member.Config
	rewrite func(req member.AdminRequest, result []byte) []byte
	reqs    map[uint64]member.AdminRequest
}

func (d *resultRewriter) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin {
		if d.reqs == nil {
			d.reqs = map[uint64]member.AdminRequest{}
		}
		req := ev.Admin
		req.Data = append([]byte(nil), req.Data...)
		d.reqs[req.Tag] = req
	}
	fx := d.Device.Handle(ev)
	for i := range fx.Completions {
		c := &fx.Completions[i]
		req, ok := d.reqs[c.Tag]
		if !ok {
			continue
		}
		delete(d.reqs, c.Tag)
		if c.Status == spec.StatusOK {
			c.Result = d.rewrite(req, append([]byte(nil), c.Result...))
		}
	}
	return fx
}

var dropsEINVALQualifier = Mutant{
	Name: "drops-einval-qualifier",
	Doc: "fails a malformed DEV_PARTS_SET sent while stopped (a part length that is not its own) with EINVAL, as it must, " +
		"but leaves status_qualifier 0 instead of one of EINVAL's (the reference answers INVALID_FIELD)",
	Editions: v14Only,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &qualifierDropped{Device: d, c: c}
	},
}

// qualifierDropped clears the qualifier of every EINVAL the device it
// wraps answers to a DEV_PARTS_SET that arrives while it is stopped.
type qualifierDropped struct {
	member.Device
	c member.Config
}

func (d *qualifierDropped) Handle(ev member.Event) member.Effects {
	stoppedSet := isAdmin(d.c, ev, 0, spec.OpDevPartsSet) && d.Device.Status().Mode == spec.ModeStop
	fx := d.Device.Handle(ev)
	if !stoppedSet {
		return fx
	}
	for i, c := range fx.Completions {
		if c.Tag == ev.Admin.Tag && c.Status == spec.StatusEINVAL {
			fx.Completions[i].Qualifier = spec.QOK
		}
	}
	return fx
}
