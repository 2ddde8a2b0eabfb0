package net

// DefaultFIFOFrames is the receive FIFO of a port made by New without a
// Backing.
const DefaultFIFOFrames = 64

// Port is where one member meets the Link: the host side of one VF's
// network function. The world puts frames on it (Arrive) and changes its
// link state or asks for an announce; the member takes them in on its next
// EvBackend (HostIntake) into the port's receive FIFO — frames the device
// holds until a receive buffer is posted, bounded by the port's capacity —
// and writes them into receive buffers from there. A source and a
// destination member each have their own port on the same link; the world
// decides which one the network delivers to. A Port is not safe for
// concurrent use.
type Port struct {
	link *Link
	name string
	// arrivals reached the port and were not taken in yet.
	arrivals []Frame
	// fifo holds the frames taken in, oldest first.
	fifo    []Frame
	fifoCap int
	linkUp  bool
	// announce is an announce request not taken in yet.
	announce bool
	// memo keeps StateHash until something changes the port (hashMemo):
	// its methods, and the member's intake and receive queues, which
	// write its FIFO and announce request where they forget it.
	memo hashMemo
}

// Link returns the link the port belongs to.
func (p *Port) Link() *Link { return p.link }

// Name is the port's name in the link's records.
func (p *Port) Name() string { return p.name }

// Arrive puts frames on the port; the member takes them in at its next
// EvBackend.
func (p *Port) Arrive(fs ...Frame) {
	p.arrivals = append(p.arrivals, fs...)
	p.memo.forget()
}

// SetLinkUp changes the link state (VIRTIO_NET_S_LINK_UP); the member
// shows it after its next EvBackend, with a configuration change.
func (p *Port) SetLinkUp(up bool) {
	p.linkUp = up
	p.memo.forget()
}

// LinkUp reports the link state.
func (p *Port) LinkUp() bool { return p.linkUp }

// RequestAnnounce asks the member to have the guest announce itself
// (VIRTIO_NET_S_ANNOUNCE, with GUEST_ANNOUNCE negotiated): what a
// hypervisor does after a migration.
func (p *Port) RequestAnnounce() {
	p.announce = true
	p.memo.forget()
}

// Waiting counts the frames on the port not taken in yet.
func (p *Port) Waiting() int { return len(p.arrivals) }

// Held counts the frames taken in and not written into a receive buffer.
func (p *Port) Held() int { return len(p.fifo) }

// FIFOCap is the receive FIFO's capacity in frames.
func (p *Port) FIFOCap() int { return p.fifoCap }

// takeArrivals returns the frames not taken in yet and forgets them.
func (p *Port) takeArrivals() []Frame {
	a := p.arrivals
	p.arrivals = nil
	p.memo.forget()
	return a
}

// dropFIFO drops every held frame with reason r.
func (p *Port) dropFIFO(r DropReason) {
	for _, f := range p.fifo {
		p.link.drop(p.name, DirRx, f.Seq, r)
	}
	p.fifo = nil
	p.memo.forget()
}
