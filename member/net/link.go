package net

import (
	"encoding/binary"
	"hash/fnv"
	"slices"

	"github.com/migsim/migsim/devctx"
)

// Frame is an Ethernet frame on the wire with the sequence number the link
// gave it: received frames are numbered when the link makes them (Frame),
// transmitted ones when a device puts them on the wire.
type Frame struct {
	Seq  uint64
	Data []byte
}

// Dir says which way a dropped frame was going.
type Dir uint8

// Directions.
const (
	DirRx Dir = iota + 1
	DirTx
)

// String returns "rx" or "tx".
func (d Dir) String() string {
	if d == DirTx {
		return "tx"
	}
	return "rx"
}

// DropReason says why a frame reached neither a receive buffer nor the
// wire.
type DropReason uint8

// Drop reasons.
const (
	// DropStopped: it arrived while the device was quiesced and
	// rx-while-stopped is drop.
	DropStopped DropReason = iota + 1
	// DropFIFOFull: the device's receive FIFO was full.
	DropFIFOFull
	// DropFiltered: the receive filter refused it (destination MAC,
	// VLAN, receive mode).
	DropFiltered
	// DropMTU: with VIRTIO_NET_F_MTU negotiated, it is longer than mtu
	// plus the Ethernet header (NET-DEV-02).
	DropMTU
	// DropRunt: shorter than an Ethernet header.
	DropRunt
	// DropNoRoom: the receive buffer cannot hold virtio_net_hdr and the
	// frame (without MRG_RXBUF it must fit one chain, NET-DEV-04).
	DropNoRoom
	// DropReset: it waited in the receive FIFO when the device was reset.
	DropReset
	// DropDMA: writing it into the receive buffer failed.
	DropDMA
	// DropTxRunt: a transmitted frame shorter than an Ethernet header.
	DropTxRunt
	// DropTxOversize: a transmitted frame longer than the device
	// forwards (mtu plus the Ethernet header with MTU negotiated).
	DropTxOversize
	// DropTxGSO: a transmitted frame asking for segmentation the device
	// does not offer (gso_type other than NONE).
	DropTxGSO
)

var dropNames = map[DropReason]string{
	DropStopped: "stopped", DropFIFOFull: "fifo-full", DropFiltered: "filtered", DropMTU: "mtu",
	DropRunt: "runt", DropNoRoom: "no-room", DropReset: "reset", DropDMA: "dma-error",
	DropTxRunt: "tx-runt", DropTxOversize: "tx-oversize", DropTxGSO: "tx-gso",
}

// String names the reason.
func (r DropReason) String() string {
	if n, ok := dropNames[r]; ok {
		return n
	}
	return "unknown"
}

// Drop is one frame the link counted as dropped. Seq is a received
// frame's sequence number; a dropped transmitted frame never got one (0).
type Drop struct {
	Port   string
	Dir    Dir
	Seq    uint64
	Reason DropReason
}

// TxRecord is one frame a device put on the wire.
type TxRecord struct {
	Port  string
	Queue uint16
	Frame Frame
}

// RxRecord is one received frame a device wrote into a receive buffer.
type RxRecord struct {
	Port  string
	Queue uint16
	Seq   uint64
	Len   int
}

// EtherTypeMigsim is the EtherType of the frames the link makes (0x88b5,
// IEEE 802 local experimental): after it come le64 seq, le32 flow and
// seeded bytes.
const EtherTypeMigsim = 0x88b5

// Link is the network a virtio-net member is attached to, shared by the
// source and destination worlds as a disk is: what was put on the wire is
// on the wire for both. It makes the received frames (seeded content,
// sequence numbers) and keeps the host-side accounts an oracle may read:
// every frame transmitted, in order, with the port that sent it; every
// received frame written into a receive buffer; every frame dropped, with
// why. Devices reach it through their Port (member.Config.Backing). A
// Link is not safe for concurrent use.
type Link struct {
	seed   uint64
	mac    devctx.MAC
	peer   devctx.MAC
	mtu    uint16
	nextRx uint64
	nextTx uint64
	tx     []TxRecord
	rx     []RxRecord
	drops  []Drop
	// memo keeps StateHash until a method changes the link (hashMemo).
	memo hashMemo
}

// NewLink returns a link whose frames derive from seed, provisioned with
// the VM's MAC address (52:54:00 and three bytes of seed) and mtu.
func NewLink(seed uint64, mtu uint16) *Link {
	l := &Link{seed: seed, mtu: mtu, nextRx: 1, nextTx: 1}
	r := splitmix(seed)
	l.mac = devctx.MAC{0x52, 0x54, 0x00, byte(r), byte(r >> 8), byte(r >> 16)}
	l.peer = devctx.MAC{0x02, 0x00, 0x5e, byte(r >> 24), byte(r >> 32), byte(r >> 40)}
	return l
}

// MAC is the address provisioned for the VM's NIC (the device's mac with
// VIRTIO_NET_F_MAC); source and destination members show the same one.
func (l *Link) MAC() devctx.MAC { return l.mac }

// Peer is the address the link's frames come from.
func (l *Link) Peer() devctx.MAC { return l.peer }

// MTU is the provisioned mtu of the device configuration.
func (l *Link) MTU() uint16 { return l.mtu }

// NewPort returns a new attachment point named name (a member on a host:
// "src", "dst"): its own arrivals, receive FIFO of fifoCap frames and link
// state (up).
func (l *Link) NewPort(name string, fifoCap int) *Port {
	return &Port{link: l, name: name, fifoCap: max(fifoCap, 1), linkUp: true}
}

// Frame makes the next received frame: to dst, from Peer, 802.1Q-tagged
// with vlan when vlan ≥ 0, of size bytes (at least 60) carrying its
// sequence number and flow, the rest seeded bytes.
func (l *Link) Frame(dst devctx.MAC, flow uint32, vlan int, size int) Frame {
	seq := l.nextRx
	l.nextRx++
	l.memo.forget()
	b := make([]byte, 0, max(size, 60))
	b = append(b, dst[:]...)
	b = append(b, l.peer[:]...)
	if vlan >= 0 {
		b = binary.BigEndian.AppendUint16(b, 0x8100)
		b = binary.BigEndian.AppendUint16(b, uint16(vlan)&0xfff)
	}
	b = binary.BigEndian.AppendUint16(b, EtherTypeMigsim)
	b = binary.LittleEndian.AppendUint64(b, seq)
	b = binary.LittleEndian.AppendUint32(b, flow)
	r := splitmix(l.seed ^ seq*0x9e3779b97f4a7c15)
	for len(b) < max(size, 60) {
		r = splitmix(r)
		b = append(b, byte(r))
	}
	return Frame{Seq: seq, Data: b}
}

// transmit records a frame put on the wire by port from queue q.
func (l *Link) transmit(port string, q uint16, data []byte) {
	l.tx = append(l.tx, TxRecord{Port: port, Queue: q, Frame: Frame{Seq: l.nextTx, Data: data}})
	l.nextTx++
	l.memo.forget()
}

// delivered records a frame written into a receive buffer.
func (l *Link) delivered(port string, q uint16, f Frame) {
	l.rx = append(l.rx, RxRecord{Port: port, Queue: q, Seq: f.Seq, Len: len(f.Data)})
	l.memo.forget()
}

// drop counts a dropped frame.
func (l *Link) drop(port string, d Dir, seq uint64, r DropReason) {
	l.drops = append(l.drops, Drop{Port: port, Dir: d, Seq: seq, Reason: r})
	l.memo.forget()
}

// Transmitted returns every frame put on the wire, in order.
func (l *Link) Transmitted() []TxRecord { return slices.Clone(l.tx) }

// Delivered returns every received frame written into a receive buffer,
// in order.
func (l *Link) Delivered() []RxRecord { return slices.Clone(l.rx) }

// Drops returns every dropped frame, in order.
func (l *Link) Drops() []Drop { return slices.Clone(l.drops) }

// TxDigest is an FNV-64a hash of the transmitted frames' bytes in order
// (the ports and queues that sent them left out): what the network saw.
func (l *Link) TxDigest() uint64 {
	h := fnv.New64a()
	var n [4]byte
	for _, t := range l.tx {
		binary.LittleEndian.PutUint32(n[:], uint32(len(t.Frame.Data)))
		h.Write(n[:])
		h.Write(t.Frame.Data)
	}
	return h.Sum64()
}

// splitmix is one step of SplitMix64: a deterministic, seedable mix.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
