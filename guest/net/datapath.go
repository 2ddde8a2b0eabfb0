package net

import (
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// cfgKey is the done-list key of what the configuration interrupt logs:
// after every queue's.
const cfgKey = 0xffff

// Frame returns the frame the driver transmits with sequence number seq:
// to the broadcast address from mac, EtherType 0x88b5, le64 seq, le32 flow,
// padded to size bytes (at least 60) with bytes derived from seq.
func Frame(mac [6]byte, seq uint64, flow uint32, size int) []byte {
	size = max(size, 60)
	b := make([]byte, 0, size)
	b = append(b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
	b = append(b, mac[:]...)
	b = binary.BigEndian.AppendUint16(b, EtherTypeMigsim)
	b = binary.LittleEndian.AppendUint64(b, seq)
	b = binary.LittleEndian.AppendUint32(b, flow)
	for i := 0; len(b) < size; i++ {
		b = append(b, byte(seq)^byte(i*7))
	}
	return b
}

// ParseFrame returns the sequence number and flow of a frame with
// EtherType 0x88b5 (802.1Q-tagged or not); ok is false for any other
// frame.
func ParseFrame(b []byte) (seq uint64, flow uint32, ok bool) {
	off := 12
	if len(b) >= 16 && binary.BigEndian.Uint16(b[12:]) == 0x8100 {
		off = 16
	}
	if len(b) < off+14 || binary.BigEndian.Uint16(b[off:]) != EtherTypeMigsim {
		return 0, 0, false
	}
	return binary.LittleEndian.Uint64(b[off+2:]), binary.LittleEndian.Uint32(b[off+10:]), true
}

// Post puts n frames of size bytes of flow on the transmit queue of pair
// p behind a zero virtio_net_hdr (start_xmit, without the kick); it
// reports whether all were posted.
func (g *Driver) Post(p, n int, flow uint32, size int) bool {
	q := g.txQueue(p)
	if q == nil {
		g.failed(guest.GaveUp, pairNeeds(p), "tx: pair %d not in use (%d pairs)", p, g.pairs)
		g.markPairUnprepared(p)
		return false
	}
	if size > int(g.mtu)+14 || size+hdrLen > slotSize {
		g.fail("tx: a frame of %d bytes is longer than mtu %d allows", size, g.mtu)
		return false
	}
	for range n {
		if !g.postFrame(q, flow, size, false) {
			return false
		}
	}
	return true
}

func (g *Driver) postFrame(q *queue, flow uint32, size int, internal bool) bool {
	a, ok := g.mem.get()
	if !ok {
		g.fail("tx q%d: out of buffer memory", q.index)
		return false
	}
	g.txSeq++
	data := append(make([]byte, hdrLen), Frame(g.mac, g.txSeq, flow, size)...)
	_ = g.bus.Memory().WriteMem(guest.RID, a, data)
	return g.add(q, &buf{slot: a, seq: g.txSeq, flow: flow, internal: internal}, []virtq.Buffer{{Addr: a, Len: uint32(len(data))}})
}

// Kick writes the doorbell of pair p's transmit queue.
func (g *Driver) Kick(p int) {
	if q := g.txQueue(p); q != nil {
		g.kick(q)
		return
	}
	g.failed(guest.GaveUp, pairNeeds(p), "kick: pair %d not in use (%d pairs)", p, g.pairs)
	g.markPairUnprepared(p)
}

// markPairUnprepared marks the trouble of a transmit or kick on pair p,
// which is not in use, as the guest program's doing: when no probe set
// the device up (markUnprepared), and when the probe negotiated what the
// pair needs (VIRTIO_NET_F_MQ for a pair above 0) yet the program never
// put the pair in use (no mq command raised the pairs to p+1, or its
// probe stopped before the pair). Only a pair the device did not offer
// (MQ left out) is excused (guest.Trouble.Excused). A device that failed
// the probe or the mq command failed the guest first: the gave-up oracle
// words the first trouble's blame.
func (g *Driver) markPairUnprepared(p int) {
	if pairNeeds(p)&^g.features == 0 {
		g.trouble.MarkLastUnprepared()
		return
	}
	g.markUnprepared()
}

// markUnprepared marks the trouble just recorded as the guest program's
// doing (guest.Trouble.Unprepared) when no probe set the device up
// (unprobed): the command found nothing to use.
func (g *Driver) markUnprepared() {
	if g.unprobed() {
		g.trouble.MarkLastUnprepared()
	}
}

// unprobed reports whether no probe set the device up since the start or
// the last reset: nothing negotiated, no pair in use or no queue set up
// (a reset forgets the queues).
func (g *Driver) unprobed() bool { return g.features == 0 || g.pairs == 0 || len(g.queues) == 0 }

// Wait handles interrupts until every transmitted frame and control
// command completed; it returns false when no interrupt can come any more.
func (g *Driver) Wait() bool {
	defer g.Flush()
	for g.outstanding() > 0 {
		// Clean: every caller (one per operation) uses nothing after the
		// wait but its operation's arguments and the fields.
		v, ok := guest.WaitIRQClean(g.bus)
		if !ok {
			g.Flush()
			g.logf("wait: %d buffers never used", g.outstanding())
			g.trouble.Record(guest.Trouble{Kind: guest.Outstanding, Line: g.log[len(g.log)-1], Command: "wait", Negotiated: g.features})
			return false
		}
		g.HandleIRQ(v)
	}
	return true
}

// Flush appends the completions harvested since the last flush to the log,
// queue by queue (each in used-ring order), the configuration's last.
func (g *Driver) Flush() {
	keys := make([]int, 0, len(g.done))
	for k := range g.done {
		keys = append(keys, int(k))
	}
	slices.Sort(keys)
	for _, k := range keys {
		g.log = append(g.log, g.done[uint16(k)]...)
		delete(g.done, uint16(k))
	}
}

func (g *Driver) note(key uint16, line string) { g.done[key] = append(g.done[key], line) }

// HandleIRQ runs the interrupt handler of vector v: 0 is the configuration
// change (virtnet_config_changed_work), 1+q harvests queue q.
func (g *Driver) HandleIRQ(v uint16) {
	if v == 0 {
		g.configChanged()
		return
	}
	q, ok := g.queues[v-1]
	if !ok {
		return
	}
	used, err := q.ring.Harvest()
	if err != nil {
		g.fail("irq q%d: harvest: %v", q.index, err)
		return
	}
	for _, u := range used {
		b, ok := q.inflight[uint16(u.ID)]
		if !ok {
			g.fail("irq q%d: used id %d was not in flight (used twice?)", q.index, u.ID)
			continue
		}
		delete(q.inflight, uint16(u.ID))
		switch q.kind {
		case 'r':
			g.received(q, b, u.Len)
		case 't':
			if !b.internal {
				g.note(q.index, fmt.Sprintf("tx q%d seq=%d: sent", q.index, b.seq))
			}
		case 'c':
			g.acked(b)
		}
		g.mem.put(b.slot)
	}
	if q.kind == 'r' {
		g.refill(q)
	}
}

// Recv handles interrupts until n frames more than at the last Recv were
// received, and logs how many came: "recv: n frames", or "recv: k of n
// frames" when no interrupt can come any more.
func (g *Driver) Recv(n int) {
	want := g.rxMark + n
	for g.rxCount < want {
		// Clean: want is the fields' rxMark and the operation's n.
		v, ok := guest.WaitIRQClean(g.bus)
		if !ok {
			break
		}
		g.HandleIRQ(v)
	}
	g.Flush()
	got := min(g.rxCount, want) - g.rxMark
	g.rxMark = want
	if got == n {
		g.logf("recv: %d frames", n)
		return
	}
	g.logf("recv: %d of %d frames", got, n)
}

// received checks one received frame: a frame of the link's kind must come
// after every frame of its flow the guest already has.
func (g *Driver) received(q *queue, b *buf, n uint32) {
	if n < hdrLen || n > slotSize {
		g.fail("rx q%d: used length %d", q.index, n)
		return
	}
	data := make([]byte, n)
	_ = g.bus.Memory().ReadMem(guest.RID, b.slot, data)
	g.rxCount++
	if q.index/2 >= g.pairs {
		g.fail("rx q%d: a frame on receiveq%d with %d pairs in use", q.index, q.index/2+1, g.pairs)
	}
	seq, flow, ok := ParseFrame(data[hdrLen:])
	if !ok {
		return
	}
	if last := g.rxLast[flow]; seq <= last {
		g.fail("rx q%d: frame %d of flow %d after frame %d (duplicate or out of order)", q.index, seq, flow, last)
		return
	}
	g.rxLast[flow] = seq
}

// configChanged re-reads the configuration: the link state becomes the
// carrier (netif_carrier_on/off); an announce makes the driver send a frame
// for its peers (netdev_notify_peers) and acknowledge with
// VIRTIO_NET_CTRL_ANNOUNCE_ACK. Neither is workload: when their buffers
// are used depends on the interrupts the schedule delivers, so only the
// number of announces is logged (Final).
func (g *Driver) configChanged() {
	if g.features == 0 {
		return
	}
	g.readConfig()
	if g.status&spec.NetStatusAnnounce == 0 || !g.features.Has(spec.FeatureNetGuestAnnounce) || g.pendingAnnounce {
		return
	}
	if q := g.txQueue(0); q != nil && g.postFrame(q, AnnounceFlow, 60, true) {
		g.kick(q)
	}
	g.announces++
	g.pendingAnnounce = g.post(spec.NetAnnounceAck, nil, true)
}
