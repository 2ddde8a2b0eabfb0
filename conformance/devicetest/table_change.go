package devicetest

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// changedMessage says what a table cell observed of the state read back
// against what it wants: the event sent and, for a change that should not
// have come, the parts (virtio-1.4) or context fields (draft-2023) that
// changed; for a change that did not come, where it must show.
func changedMessage(ed spec.Edition, ev tableEvent, w cellWant, before, after []byte) string {
	what := ev.what
	if what == "" {
		what = ev.name
	}
	if !w.changed {
		return fmt.Sprintf("after %s, the state read back changed (%s), want it unchanged", what, strings.Join(stateDiff(ed, before, after), ", "))
	}
	msg := fmt.Sprintf("after %s, the state read back did not change, want it changed", what)
	if w.where != "" {
		msg += " in the " + w.where
	}
	return msg
}

// stateDiff names the parts or context fields that differ between two
// states read back, in the order of after (then those only before has);
// a state that does not decode is named as such.
func stateDiff(ed spec.Edition, before, after []byte) []string {
	type item struct {
		key   string
		value string
	}
	decode := func(b []byte) ([]item, error) {
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
	bs, errB := decode(before)
	as, errA := decode(after)
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
