package wire

// The network side of a virtio-net device (docs/device-protocol.md,
// "virtio-net devices"): the device declares "type":"net" in its hello;
// its `new` carries the link's provisioning, every event the port's link
// state (and, with a backend event, the frames that arrived and an
// announce request), and every reply what the device did with frames.

// NetConfig is the network side of a new virtio-net device
// (member/net's Link and Port).
type NetConfig struct {
	// MAC is the address provisioned for the VM's NIC (6 bytes).
	MAC HexBytes `json:"mac"`
	// MTU is the link's mtu.
	MTU uint16 `json:"mtu"`
	// FIFO is the capacity of the device's receive FIFO, in frames.
	FIFO int `json:"fifo"`
	// LinkUp is the port's link state.
	LinkUp bool `json:"link_up,omitempty"`
	// Held are frames the port's receive FIFO holds already, left by a
	// device this one replaces: the new device starts holding them.
	Held []Frame `json:"held,omitempty"`
}

// Frame is a received Ethernet frame with the sequence number the link
// gave it.
type Frame struct {
	Seq  uint64   `json:"seq"`
	Data HexBytes `json:"data,omitempty"`
}

// PortState is a virtio-net device's port as an event finds it.
type PortState struct {
	// LinkUp is the link state now.
	LinkUp bool `json:"link_up,omitempty"`
	// Announce is an announce request (backend events only).
	Announce bool `json:"announce,omitempty"`
	// Arrivals are the frames that arrived since the last backend event,
	// in order (backend events only).
	Arrivals []Frame `json:"arrivals,omitempty"`
}

// Wire is what a virtio-net device did on its network side while it
// answered one request, each list in order.
type Wire struct {
	// Held are the sequence numbers of arrivals the device took into its
	// receive FIFO.
	Held []uint64 `json:"held,omitempty"`
	// Tx are the frames it put on the wire.
	Tx []TxFrame `json:"tx,omitempty"`
	// Rx are the held frames it wrote into receive buffers.
	Rx []RxFrame `json:"rx,omitempty"`
	// Drops are the frames it dropped.
	Drops []WireDrop `json:"drops,omitempty"`
}

// TxFrame is a frame put on the wire from transmit queue Queue.
type TxFrame struct {
	Queue uint16   `json:"queue"`
	Data  HexBytes `json:"data,omitempty"`
}

// RxFrame is the held frame Seq written into a receive buffer of queue
// Queue.
type RxFrame struct {
	Queue uint16 `json:"queue"`
	Seq   uint64 `json:"seq"`
}

// WireDrop is a dropped frame: Dir "rx" (Seq the frame's) or "tx" (no
// Seq), and the reason (member/net's DropReason names).
type WireDrop struct {
	Dir    string `json:"dir"`
	Seq    uint64 `json:"seq,omitempty"`
	Reason string `json:"reason"`
}
