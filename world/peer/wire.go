package peer

import (
	"fmt"

	"github.com/migsim/migsim/devctx"
	guestnet "github.com/migsim/migsim/guest/net"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/vocab"
)

// wire runs one of the wire's operations as one step of the peer.
func (pa *Peer) wire(op scenario.Op, args scenario.Values) error {
	w := pa.w
	if !w.Net() {
		return fmt.Errorf("%s: the VFs are not virtio-net (set %s=%s)", op.Verb, vocab.SettingVFDevice, vocab.VFDeviceNet)
	}
	vf := int(args.Int("vf"))
	label := fmt.Sprintf("%s:%s vf%d", pa.name, op.Verb, vf)
	var do func()
	switch op.Verb {
	case "rx":
		n, flow, size, vlan := int(args.Int("n")), uint32(args.Int("flow")), int(args.Int("size")), int(args.Int("vlan"))
		to := args.Str("to")
		label += fmt.Sprintf(" n=%d flow=%d", n, flow)
		do = func() {
			h, port, link := w.Wire(vf)
			dst := link.MAC()
			switch to {
			case "bcast":
				dst = devctx.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}
			case "table":
				dst = devctx.MAC(guestnet.MACTable(1, 0)[4:10])
			case "other":
				dst = devctx.MAC{0x02, 0xee, 0xee, 0xee, 0xee, byte(vf)}
			}
			for range n {
				f := link.Frame(dst, flow, vlan, size)
				port.Arrive(f)
				w.Made(observe.WireFrame{VF: vf, Seq: f.Seq, Flow: flow, Port: port.Name()})
			}
			w.Backend(h, vf, pa.name)
		}
	case "link":
		up := args.Str("STATE") == "up"
		label += " " + args.Str("STATE")
		do = func() {
			h, port, _ := w.Wire(vf)
			port.SetLinkUp(up)
			w.Backend(h, vf, pa.name)
		}
	case "announce":
		do = func() {
			h, port, _ := w.Wire(vf)
			port.RequestAnnounce()
			w.Backend(h, vf, pa.name)
		}
	}
	pa.yield(&Req{Label: label, Do: func() []byte { do(); return nil }})
	return nil
}
