package extdevice

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/devctx"
	membernet "github.com/migsim/migsim/member/net"
)

// The device's side of the network of a virtio-net device served by Serve
// (docs/device-protocol.md, "virtio-net devices"): the device runs on a
// port of a link of the served side's own, provisioned as `new` says; each
// event puts on it what the kit's port had, and each reply reports what
// crossed it.

// servedNet is a served device's port and link.
type servedNet struct {
	port *membernet.Port
	link *membernet.Link
}

// newServedNet builds the port `new` describes. Errors name the field:
// "config.net.mac: …".
func newServedNet(c *NetConfig) (*servedNet, error) {
	if len(c.MAC) != len(devctx.MAC{}) {
		return nil, fmt.Errorf("config.net.mac: %d bytes, want %d", len(c.MAC), len(devctx.MAC{}))
	}
	if c.MTU < minMTU {
		return nil, fmt.Errorf("config.net.mtu: %d, want %d to 65535", c.MTU, minMTU)
	}
	if c.FIFO < 1 {
		return nil, fmt.Errorf("config.net.fifo: %d, want at least 1 frame", c.FIFO)
	}
	held, err := framesFromWire("config.net.held", c.Held)
	if err != nil {
		return nil, err
	}
	if len(held) > c.FIFO {
		return nil, fmt.Errorf("config.net.held: %d frames, more than the FIFO's %d", len(held), c.FIFO)
	}
	link := membernet.NewLinkAs(devctx.MAC(c.MAC), c.MTU)
	n := &servedNet{port: link.NewPort("served", c.FIFO), link: link}
	n.port.SetLinkUp(c.LinkUp)
	for _, f := range held {
		n.port.Hold(f)
	}
	return n, nil
}

// minMTU is the smallest mtu of virtio_net_config (virtio spec, "Device
// configuration layout": 68, IPv4's minimum).
const minMTU = 68

// framesFromWire reads frames: sequence numbers from 1, each once.
func framesFromWire(field string, fs []Frame) ([]membernet.Frame, error) {
	out := make([]membernet.Frame, 0, len(fs))
	for i, f := range fs {
		if f.Seq == 0 {
			return nil, fmt.Errorf("%s[%d].seq: missing (sequence numbers start at 1)", field, i)
		}
		if j := slices.IndexFunc(fs[:i], func(g Frame) bool { return g.Seq == f.Seq }); j >= 0 {
			return nil, fmt.Errorf("%s[%d].seq: frame %d repeated (%s[%d])", field, i, f.Seq, field, j)
		}
		out = append(out, membernet.Frame{Seq: f.Seq, Data: slices.Clone(f.Data)})
	}
	return out, nil
}

// arrive puts what an event says of the kit's port on the served port.
func (n *servedNet) arrive(s *PortState) error {
	fs, err := framesFromWire("port.arrivals", s.Arrivals)
	if err != nil {
		return err
	}
	n.port.SetLinkUp(s.LinkUp)
	n.port.Arrive(fs...)
	if s.Announce {
		n.port.RequestAnnounce()
	}
	return nil
}

// held lists the sequence numbers of the frames the served port holds.
func (n *servedNet) held() []uint64 {
	var out []uint64
	for _, f := range n.port.HeldFrames() {
		out = append(out, f.Seq)
	}
	return out
}

// report is what crossed the served port since before (the frames held
// then): the arrivals taken into the FIFO, the frames transmitted,
// delivered and dropped. nil when nothing did.
func (n *servedNet) report(before []uint64) *Wire {
	w := &Wire{}
	for _, s := range n.held() {
		if !slices.Contains(before, s) {
			w.Held = append(w.Held, s)
		}
	}
	tx, rx, drops := n.link.TakeRecords()
	for _, t := range tx {
		w.Tx = append(w.Tx, TxFrame{Queue: t.Queue, Data: t.Frame.Data})
	}
	for _, r := range rx {
		w.Rx = append(w.Rx, RxFrame{Queue: r.Queue, Seq: r.Seq})
	}
	for _, d := range drops {
		w.Drops = append(w.Drops, WireDrop{Dir: d.Dir.String(), Seq: d.Seq, Reason: d.Reason.String()})
	}
	if len(w.Held)+len(w.Tx)+len(w.Rx)+len(w.Drops) == 0 {
		return nil
	}
	return w
}
