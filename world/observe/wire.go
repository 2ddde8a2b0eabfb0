package observe

import membernet "github.com/migsim/migsim/member/net"

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

// WireFrame is one frame the wire put on a port: its link sequence number
// and flow, and the port.
type WireFrame struct {
	VF   int
	Seq  uint64
	Flow uint32
	Port string
}

// Wire is the network views of the world (World.Wire): VF by VF, none in a
// world of blk VFs.
func (p *FinishPass) Wire() []WireView { return p.w.Wire() }
