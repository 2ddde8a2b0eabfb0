package world

import (
	"fmt"

	"github.com/migsim/migsim/devctx"
	guestnet "github.com/migsim/migsim/guest/net"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/vocab"
)

// isWireVerb reports whether verb is one of the wire's.
func isWireVerb(verb string) bool { return vocab.WireVerbs.Has(verb, 0) }

// wire runs one of the wire's operations as one step of the peer.
func (pa *peerActor) wire(op scenario.Op, args scenario.Values) error {
	w := pa.w
	if w.net == nil {
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
			h, port, link := w.wireVF(vf)
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
				w.net.Made(observe.WireFrame{VF: vf, Seq: f.Seq, Flow: flow, Port: port.Name()})
			}
			w.wireDeliver(h, vf, pa.name)
		}
	case "link":
		up := args.Str("STATE") == "up"
		label += " " + args.Str("STATE")
		do = func() {
			h, port, _ := w.wireVF(vf)
			port.SetLinkUp(up)
			w.wireDeliver(h, vf, pa.name)
		}
	case "announce":
		do = func() {
			h, port, _ := w.wireVF(vf)
			port.RequestAnnounce()
			w.wireDeliver(h, vf, pa.name)
		}
	}
	pa.yield(&actorReq{label: label, do: func() []byte { do(); return nil }})
	return nil
}
