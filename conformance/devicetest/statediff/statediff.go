// Package statediff names what differs between two states a device test
// read back from a device: the parts of a virtio-1.4 DEV_PARTS_GET(ALL)
// result, or the fields of a draft-2023 device context (docs/context-format.md),
// for the messages of the kit's device tests (conformance/devicetest).
package statediff

import (
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// Names names the parts or context fields that differ between two states
// read back in edition ed, in the order of after (then those only before
// has); a state that does not decode is named as such.
func Names(ed spec.Edition, before, after []byte) []string {
	bs, errB := decode(ed, before)
	as, errA := decode(ed, after)
	if errB != nil || errA != nil {
		return []string{"the states do not decode to compare them"}
	}
	seen := map[string]string{}
	for _, it := range bs {
		seen[it.key] = it.value
	}
	var out []string
	for _, it := range as {
		v, ok := seen[it.key]
		switch {
		case !ok:
			out = append(out, it.key+" added")
		case v != it.value:
			out = append(out, it.key)
		}
		delete(seen, it.key)
	}
	for _, it := range bs {
		if _, ok := seen[it.key]; ok {
			out = append(out, it.key+" gone")
		}
	}
	if len(out) == 0 {
		out = []string{"the same parts, re-encoded"}
	}
	return out
}

// item is one part or field of a state: the name a message gives it and
// its value.
type item struct {
	key   string
	value string
}

// decode lists the parts (virtio-1.4) or context fields (draft-2023) of a
// state read back.
func decode(ed spec.Edition, b []byte) ([]item, error) {
	var out []item
	if ed == spec.Virtio14 {
		ps, err := devctx.DecodeParts(b, devctx.DecodeOptions{AnyOrder: true})
		for _, p := range ps.List {
			key := p.Type.String() + " part"
			switch p.Type {
			case spec.PartVQCfg, spec.PartVQNotifyCfg:
				key = fmt.Sprintf("%s part of queue %d", p.Type, uint16(p.Selector[0])|uint16(p.Selector[1])<<8)
			case spec.PartPCICommonCfg:
				key = fmt.Sprintf("%s part of offset %d", p.Type, p.CommonCfgOffset())
				if f, ok := spec.LookupCommonCfgField(p.CommonCfgOffset()); ok {
					key = fmt.Sprintf("%s part of %s", p.Type, f.Name)
				}
			}
			out = append(out, item{key, string(p.Value)})
		}
		return out, err
	}
	ctx, err := devctx.DecodeDraftContext(b)
	for _, f := range ctx.Fields {
		out = append(out, item{f.Type.String() + " field", string(f.Value)})
	}
	return out, err
}
