package world

import (
	"github.com/migsim/migsim/world/observe"
)

// Wire returns the network views of a world of virtio-net VFs, VF by VF,
// with the guests that drive each; none in a world of blk VFs.
func (w *World) Wire() []observe.WireView {
	if w.net == nil {
		return nil
	}
	var out []observe.WireView
	for _, vf := range w.net.VFs() {
		v := w.net.View(vf)
		for _, g := range w.guests {
			if g.vf == vf {
				v.Guests = append(v.Guests, g.name)
			}
		}
		out = append(out, v)
	}
	return out
}
