package mutants

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// renumbersNetFields is a virtio-net device whose draft-2023 context has
// neither NET_CVQ nor NET_INFLIGHT: it numbers those two device-type fields
// its own way (0x1010 and 0x1011) in everything it reads out and takes
// them back under those numbers, so that two of its kind migrate each
// other exactly and every size it reports holds, while a destination of
// another implementation would find no control-queue state and no record
// of the requests executed and not completed (DRAFT-CTX-09). No catalog
// row runs it against another implementation; only the device test that
// reads the field list catches it.
var renumbersNetFields = Mutant{
	Name: "renumbers-net-context-fields",
	Doc: "virtio-net, draft-2023: reads out its control-queue state and in-flight record as device-type fields 0x1010 and 0x1011, " +
		"so its context has neither NET_CVQ nor NET_INFLIGHT (DRAFT-CTX-09); it takes them back under its own numbers",
	Editions: draftOnly,
	Device:   DeviceNet,
	Wrap: func(c member.Config, d member.Device) member.Device {
		if _, ok := c.Backing.(*membernet.Port); !ok || c.Edition != spec.Draft2023 {
			return d
		}
		out := map[spec.FieldType]spec.FieldType{spec.FieldNetCVQ: ownNetCVQ, spec.FieldNetInflight: ownNetInflight}
		in := map[spec.FieldType]spec.FieldType{ownNetCVQ: spec.FieldNetCVQ, ownNetInflight: spec.FieldNetInflight}
		w := &requestRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest) []byte {
			if req.Opcode != uint16(spec.DraftOpDevCtxWrite) {
				return req.Data
			}
			return renumberContext(req.Data, in)
		}}
		return &resultRewriter{Device: w, c: c, rewrite: func(req member.AdminRequest, result []byte) []byte {
			switch spec.DraftOpcode(req.Opcode) {
			case spec.DraftOpDevCtxRead:
				r, err := devctx.DecodeCtxReadResult(result)
				if err != nil {
					return result
				}
				r.Ctx = renumberContext(r.Ctx, out)
				return r.Encode()
			case spec.DraftOpDevCtxFieldsQuery:
				q, err := devctx.DecodeFieldsQuery(result)
				if err != nil {
					return result
				}
				for i := range q.Entries {
					if t, ok := out[q.Entries[i].Type]; ok {
						q.Entries[i].Type = t
					}
				}
				return q.Encode()
			}
			return result
		}}
	},
}

// The mutant's own numbers for the two virtio-net fields: in the
// device-type range, after them, in the same order.
const (
	ownNetCVQ      = spec.FieldDeviceTypeFirst + 0x10
	ownNetInflight = spec.FieldDeviceTypeFirst + 0x11
)

// renumberContext returns an encoded draft context with the field types
// map names replaced (the same sizes and order); bytes that do not decode
// are returned as they are.
func renumberContext(b []byte, m map[spec.FieldType]spec.FieldType) []byte {
	if len(b) == 0 {
		return b
	}
	ctx, err := devctx.DecodeDraftContext(b)
	if err != nil {
		return b
	}
	for i := range ctx.Fields {
		if t, ok := m[ctx.Fields[i].Type]; ok {
			ctx.Fields[i].Type = t
		}
	}
	return devctx.EncodeDraftContext(ctx)
}
