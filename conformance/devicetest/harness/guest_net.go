package harness

import (
	"bytes"
	"encoding/binary"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// The virtio-net side of the test guest: receive buffers on receiveq1,
// frames arriving on the rig's port and put on its link, and the used ring
// as the driver reads it (virtio spec, "Network Device": "Packet
// Transmission", "Setting Up Receive Buffers").

// PostRx posts one receive buffer of n bytes on queue q without kicking.
func (gu *Guest) PostRx(q, n int) Request {
	g := gu.Rig
	a := gu.next
	gu.next += 0x1000
	must(g, g.mem.WriteMem(RigHost, a, bytes.Repeat([]byte{0xee}, n)))
	head, err := gu.rings[q].Add([]virtq.Buffer{{Addr: a, Len: uint32(n), Writable: true}})
	if err != nil {
		g.Check.Fatalf("queue %d: %v", q, err)
	}
	must(g, gu.rings[q].Publish())
	gu.posted++
	return Request{Head: head, data: a, N: n, net: true}
}

// Frame returns the Ethernet frame a transmitted request carries (after
// its virtio_net_hdr).
func (gu *Guest) Frame(r Request) []byte { return gu.Data(r)[spec.NetHdrSize:] }

// Wire returns the frames put on g's link so far, from any port, in order.
func (g *Rig) Wire() [][]byte {
	var out [][]byte
	for _, t := range g.Port.Link().Transmitted() {
		out = append(out, t.Frame.Data)
	}
	return out
}

// Receive has a frame arrive on g's port, tells the device (EvBackend)
// and runs it; it returns the frame.
func (g *Rig) Receive(flow uint32, size int) []byte {
	link := g.Port.Link()
	f := link.Frame(link.MAC(), flow, -1, size)
	g.Port.Arrive(f)
	g.Handle(member.Event{Kind: member.EvBackend})
	g.Run()
	return f.Data
}

// UsedRing reads queue q's used idx and used elements from guest memory,
// as the driver would: the used length of each head.
func (gu *Guest) UsedRing(q int) (uint16, map[uint16]uint32) {
	l := RingAt(q)
	b := make([]byte, 4+8*int(l.Size))
	must(gu.Rig, gu.Rig.mem.ReadMem(RigHost, l.Used, b))
	idx := binary.LittleEndian.Uint16(b[2:])
	used := map[uint16]uint32{}
	for i := uint16(0); i < min(idx, l.Size); i++ {
		e := b[4+8*int(i):]
		used[uint16(binary.LittleEndian.Uint32(e))] = binary.LittleEndian.Uint32(e[4:])
	}
	return idx, used
}
