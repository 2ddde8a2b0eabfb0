package net

import (
	"encoding/binary"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// setupQueue sets up device queue q of kind k on ring region slot, with
// MSI-X vector q+1 (vp_find_vqs_msix with one vector per queue).
func (g *Driver) setupQueue(q uint16, k byte, slot int, numQueues uint16) bool {
	if q >= numQueues {
		g.fail("queue %d: the device has %d queues", q, numQueues)
		return false
	}
	sq, err := guest.SetupQueue(g.cc(), q, q+1, g.plan.Rings[slot], g.features.Has(spec.FeatureNotifConfigData))
	if err != nil {
		g.fail("%v", err)
		return false
	}
	g.queues[q] = &queue{index: q, kind: k, ring: sq.Ring, notifyV: sq.NotifyValue, inflight: map[uint16]*buf{},
		notify: sq.Notify}
	g.order = append(g.order, q)
	return true
}

// kick writes the queue's doorbell.
func (g *Driver) kick(q *queue) {
	g.bus.MMIOWrite(q.notify, binary.LittleEndian.AppendUint16(nil, q.notifyV))
}

// add posts one chain on q and publishes it.
func (g *Driver) add(q *queue, b *buf, bufs []virtq.Buffer) bool {
	head, err := q.ring.Add(bufs)
	if err != nil {
		g.fail("queue %d: %v", q.index, err)
		g.mem.put(b.slot)
		return false
	}
	if err := q.ring.Publish(); err != nil {
		g.fail("queue %d: publish: %v", q.index, err)
		return false
	}
	q.inflight[head] = b
	return true
}

// refill posts receive buffers on q until rxPerQueue are posted, and kicks
// when it posted any (try_fill_recv, virtqueue_kick).
func (g *Driver) refill(q *queue) {
	n := 0
	for len(q.inflight) < rxPerQueue {
		a, ok := g.mem.get()
		if !ok {
			g.fail("rx q%d: out of buffer memory", q.index)
			break
		}
		if !g.add(q, &buf{slot: a}, []virtq.Buffer{{Addr: a, Len: slotSize, Writable: true}}) {
			break
		}
		n++
	}
	if n > 0 {
		g.kick(q)
	}
}

// txQueue returns the transmit queue of pair p.
func (g *Driver) txQueue(p int) *queue {
	if p < 0 || p >= int(g.pairs) {
		return nil
	}
	return g.queues[uint16(2*p+1)]
}

// outstanding counts the workload's transmit buffers and control commands
// in flight.
func (g *Driver) outstanding() int {
	n := 0
	for _, q := range g.order {
		if g.queues[q].kind == 'r' {
			continue
		}
		for _, b := range g.queues[q].inflight {
			if !b.internal {
				n++
			}
		}
	}
	return n
}
