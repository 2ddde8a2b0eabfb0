package world

import (
	"slices"

	"github.com/migsim/migsim/world/observe"
)

// Wire returns the network views of a world of virtio-net VFs, VF by VF;
// none in a world of blk VFs.
func (w *World) Wire() []observe.WireView {
	if w.net == nil {
		return nil
	}
	var out []observe.WireView
	for _, vf := range w.net.wireVFs() {
		l := w.net.links[vf]
		v := observe.WireView{VF: vf, Transmitted: l.Transmitted(), Delivered: l.Delivered(), Drops: l.Drops(), Pending: map[string]int{}}
		for _, g := range w.guests {
			if g.vf == vf {
				v.Guests = append(v.Guests, g.name)
			}
		}
		for _, f := range w.net.made {
			if f.VF == vf {
				v.Made = append(v.Made, f)
			}
		}
		keys := make([]devKey, 0, len(w.net.ports))
		for k := range w.net.ports {
			if int(k.target) == vf {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(a, b devKey) int { return a.host - b.host })
		for _, k := range keys {
			p := w.net.ports[k]
			v.Pending[p.Name()] = p.Waiting() + p.Held()
		}
		out = append(out, v)
	}
	return out
}
