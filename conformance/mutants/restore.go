package mutants

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Bugs in what the device saves and how it restores it.

var losesHeldConfigIRQ = Mutant{
	Name:     "loses-held-config-irq",
	Doc:      "leaves the configuration-change interrupt it holds out of the context it saves (PENDING_EVENTS): the destination never tells the guest",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &resultRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest, r []byte) []byte {
			if req.Opcode != uint16(spec.DraftOpDevCtxRead) {
				return r
			}
			return rewriteReadResult(r, func(f devctx.Field) devctx.Field {
				if f.Type != spec.FieldPendingEvents {
					return f
				}
				p, err := devctx.DecodePendingEvents(f.Value)
				if err != nil {
					return f
				}
				p.Flags &^= devctx.PendingConfigIRQ
				return p.Field()
			})
		}}
	},
}

var losesLatchedDoorbell = Mutant{
	Name:     "loses-latched-doorbell",
	Doc:      "saves the ring indices but not the doorbell it latched in Stop (VQ_SPLIT_RUNTIME_CFG without the notify-latched flag): the destination never serves the kick",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &resultRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest, r []byte) []byte {
			if req.Opcode != uint16(spec.DraftOpDevCtxRead) {
				return r
			}
			return rewriteReadResult(r, func(f devctx.Field) devctx.Field {
				if f.Type != spec.FieldVQSplitRuntimeCfg {
					return f
				}
				l, err := devctx.DecodeVQSplitRuntimeList(f.Value)
				if err != nil {
					return f
				}
				for i := range l.Queues {
					l.Queues[i].Flags &^= devctx.RuntimeNotifyLatched
					l.Queues[i].LatchedAvailIdx = 0
				}
				return l.Field()
			})
		}}
	},
}

var rewindsLastAvailOnRestore = Mutant{
	Name:     "rewinds-last-avail-on-restore",
	Doc:      "restores last_avail_idx one behind: the destination fetches a request it already completed and completes it twice",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &requestRewriter{Device: d, c: c, rewrite: runtimeRewrite(func(e *devctx.VQSplitRuntimeEntry) {
			if e.LastAvailIdx > 0 {
				e.LastAvailIdx--
			}
		})}
	},
}

var wrongUsedIdxOnRestore = Mutant{
	Name:     "wrong-used-idx-on-restore",
	Doc:      "restores used_idx one ahead: its next used element leaves a hole the guest reads as garbage",
	Editions: draftOnly,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &requestRewriter{Device: d, c: c, rewrite: runtimeRewrite(func(e *devctx.VQSplitRuntimeEntry) { e.UsedIdx++ })}
	},
}

// runtimeRewrite changes every VQ_SPLIT_RUNTIME_CFG entry of a
// DEV_CTX_WRITE.
func runtimeRewrite(change func(*devctx.VQSplitRuntimeEntry)) func(member.AdminRequest) []byte {
	return func(req member.AdminRequest) []byte {
		if req.Opcode != uint16(spec.DraftOpDevCtxWrite) {
			return req.Data
		}
		return rewriteContext(req.Data, func(f devctx.Field) devctx.Field {
			if f.Type != spec.FieldVQSplitRuntimeCfg {
				return f
			}
			l, err := devctx.DecodeVQSplitRuntimeList(f.Value)
			if err != nil {
				return f
			}
			for i := range l.Queues {
				change(&l.Queues[i])
			}
			return l.Field()
		})
	}
}

var msixVectorLostOnRestore = Mutant{
	Name:     "msix-vector-lost-on-restore",
	Doc:      "restores every queue with no MSI-X vector: the destination completes requests without interrupting the guest",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &requestRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest) []byte {
			switch {
			case c.Edition == spec.Draft2023 && req.Opcode == uint16(spec.DraftOpDevCtxWrite):
				return rewriteContext(req.Data, func(f devctx.Field) devctx.Field {
					if f.Type != spec.FieldPCIVQCfg {
						return f
					}
					l, err := devctx.DecodeVQCfgList(f.Value)
					if err != nil {
						return f
					}
					for i := range l.Queues {
						l.Queues[i].MSIXVector = member.NoVector
					}
					return l.Field()
				})
			case c.Edition == spec.Virtio14 && req.Opcode == uint16(spec.OpDevPartsSet):
				return rewritePartsSet(req.Data, func(p devctx.Part) devctx.Part {
					if p.Type != spec.PartVQCfg {
						return p
					}
					v, err := devctx.DecodeVQCfg(p.Value)
					if err != nil {
						return p
					}
					v.Vector = member.NoVector
					return v.Part(p.VQIndex())
				})
			}
			return req.Data
		}}
	},
}

var completesTwiceAfterResume = Mutant{
	Name:     "completes-twice-after-resume",
	Doc:      "at resume on the destination writes the last used element again: the guest sees a request completed twice",
	Editions: v14Only,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &twiceAtResume{Device: d, c: c}
	},
}

// twiceAtResume learns the used rings from the VQ_CFG parts it is given
// and duplicates the last used element of each before it resumes.
type twiceAtResume struct {
	member.Device
	c     member.Config
	used  map[uint16]uint64
	sizes map[uint16]uint16
}

func (d *twiceAtResume) Handle(ev member.Event) member.Effects {
	if isAdmin(d.c, ev, 0, spec.OpDevPartsSet) {
		rewritePartsSet(ev.Admin.Data, func(p devctx.Part) devctx.Part {
			if p.Type == spec.PartVQCfg {
				if v, err := devctx.DecodeVQCfg(p.Value); err == nil {
					if d.used == nil {
						d.used, d.sizes = map[uint16]uint64{}, map[uint16]uint16{}
					}
					d.used[p.VQIndex()], d.sizes[p.VQIndex()] = v.Device, v.QueueSize
				}
			}
			return p
		})
	}
	if to, ok := modeSet(d.c, ev); ok && to == spec.ModeActive && d.Device.Status().Mode.Quiesced() && d.used != nil {
		for q := uint16(0); q < uint16(len(d.used)); q++ {
			duplicateLastUsed(d.c, d.used[q], d.sizes[q])
		}
		d.used = nil
	}
	return d.Device.Handle(ev)
}

// requestRewriter changes the data of the admin requests it passes on.
type requestRewriter struct {
	member.Device
	c       member.Config
	rewrite func(req member.AdminRequest) []byte
}

func (d *requestRewriter) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin {
		ev.Admin.Data = d.rewrite(ev.Admin)
	}
	return d.Device.Handle(ev)
}

// rewriteContext applies change to every field of an encoded draft
// context; input that does not decode is returned as is.
func rewriteContext(b []byte, change func(devctx.Field) devctx.Field) []byte {
	ctx, err := devctx.DecodeDraftContext(b)
	if err != nil {
		return b
	}
	out := devctx.DraftContext{Fields: make([]devctx.Field, len(ctx.Fields))}
	for i, f := range ctx.Fields {
		out.Fields[i] = change(devctx.Field{Type: f.Type, Value: append([]byte(nil), f.Value...)})
	}
	return devctx.EncodeDraftContext(out)
}

// rewriteReadResult applies change to every field of a DEV_CTX_READ
// result.
func rewriteReadResult(r []byte, change func(devctx.Field) devctx.Field) []byte {
	res, err := devctx.DecodeCtxReadResult(r)
	if err != nil || len(res.Ctx) == 0 {
		return r
	}
	res.Ctx = rewriteContext(res.Ctx, change)
	return res.Encode()
}

// rewritePartsSet applies change to every part of a DEV_PARTS_SET's data
// (the resource-object header, then the parts).
func rewritePartsSet(data []byte, change func(devctx.Part) devctx.Part) []byte {
	const hdr = spec.ResourceObjCmdHeaderSize
	if len(data) <= hdr {
		return data
	}
	ps, err := devctx.DecodeParts(data[hdr:], devctx.DecodeOptions{AnyOrder: true})
	if err != nil {
		return data
	}
	out := make([]devctx.Part, len(ps.List))
	for i, p := range ps.List {
		p.Value = append([]byte(nil), p.Value...)
		out[i] = change(p)
	}
	return append(append([]byte(nil), data[:hdr]...), devctx.EncodeParts(out)...)
}
