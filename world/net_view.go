package world

import (
	"slices"

	membernet "github.com/migsim/migsim/member/net"
)

// WireView is what the network of one VF observed (docs/net.md, "The wire
// in scenarios"): host-side records an oracle may judge — never a device's
// report about itself.
type WireView struct {
	VF int
	// Guests names the guests bound to the VF (their log lines carry the
	// name as prefix).
	Guests []string
	// Made are the frames the wire put on the VF's ports, in order.
	Made []WireFrame
	// Transmitted, Delivered and Drops are the link's records: every frame
	// put on the wire, every received frame written into a receive buffer,
	// every frame dropped (membernet.Link).
	Transmitted []membernet.TxRecord
	Delivered   []membernet.RxRecord
	Drops       []membernet.Drop
	// Pending counts, per port name, the frames still on the port or held
	// in the device's receive FIFO when the run ended.
	Pending map[string]int
}

// Wire returns the network views of a world of virtio-net VFs, VF by VF;
// none in a world of blk VFs.
func (w *World) Wire() []WireView {
	if w.net == nil {
		return nil
	}
	var out []WireView
	for _, vf := range w.net.wireVFs() {
		l := w.net.links[vf]
		v := WireView{VF: vf, Transmitted: l.Transmitted(), Delivered: l.Delivered(), Drops: l.Drops(), Pending: map[string]int{}}
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

// Wire is the network views of the world (World.Wire).
func (p *FinishPass) Wire() []WireView { return p.w.Wire() }
