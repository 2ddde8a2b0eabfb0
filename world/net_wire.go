package world

import (
	"fmt"

	"github.com/migsim/migsim/devctx"
	guestnet "github.com/migsim/migsim/guest/net"
	"github.com/migsim/migsim/scenario"
)

// wireVFArg is the vf= of the wire's operations.
var wireVFArg = scenario.ArgSpec{Name: "vf", Kind: scenario.ArgVF, Default: "1", Doc: "the VF whose network it is"}

// wireVerbs are the network's operations a peer runs in a world of
// virtio-net VFs (docs/net.md, "The wire in scenarios"): frames arriving,
// link changes and announce requests, on the port of the host the VM's copy
// of the VF runs on now (the network learns the new location at
// switchover).
var wireVerbs = scenario.VerbTable{
	{Name: "rx", Args: []scenario.ArgSpec{wireVFArg,
		{Name: "n", Kind: scenario.ArgInt, Min: 1, Max: 256, Default: "1", Doc: "frames"},
		{Name: "flow", Kind: scenario.ArgInt, Min: 0, Max: 1 << 16, Default: "0", Doc: "the flow (steering, order)"},
		{Name: "size", Kind: scenario.ArgInt, Min: 60, Max: 1518, Default: "64", Doc: "bytes of each frame"},
		{Name: "vlan", Kind: scenario.ArgInt, Min: -1, Max: 4095, Default: "-1", Doc: "802.1Q tag (-1: untagged)"},
		{Name: "to", Kind: scenario.ArgWord, Values: []string{"vm", "bcast", "table", "other"}, Default: "vm",
			Doc: "destination: the VM's provisioned mac, broadcast, the first unicast address of the guest's mac-table, or an address the VM never set"}},
		Doc: "frames with sequence numbers arrive on the VF's port; the device takes them in at once"},
	{Name: "link", Args: []scenario.ArgSpec{wireVFArg,
		{Name: "STATE", Positional: true, Kind: scenario.ArgWord, Values: []string{"up", "down"}, Required: true}},
		Doc: "the VF's link goes up or down (VIRTIO_NET_S_LINK_UP)"},
	{Name: "announce", Args: []scenario.ArgSpec{wireVFArg},
		Doc: "the host asks the VF's guest to announce itself (VIRTIO_NET_S_ANNOUNCE)"},
}

// isWireVerb reports whether verb is one of the wire's.
func isWireVerb(verb string) bool { return len(wireVerbs.Lookup(verb, 0)) > 0 }

// wire runs one of the wire's operations as one step of the peer.
func (pa *peerActor) wire(op scenario.Op, args scenario.Values) error {
	w := pa.w
	if w.net == nil {
		return fmt.Errorf("%s: the VFs are not virtio-net (set %s=%s)", op.Verb, settingVFDevice, vfDeviceNet)
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
				w.net.made = append(w.net.made, WireFrame{VF: vf, Seq: f.Seq, Flow: flow, Port: port.Name()})
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
	pa.yield(&actorReq{label: label, fp: fpWriteGlobal, do: func() []byte { do(); return nil }})
	return nil
}
