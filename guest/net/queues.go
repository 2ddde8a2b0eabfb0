package net

import (
	"encoding/binary"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/pcie"
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
	g.w16(spec.CfgQueueSelect, q)
	size := g.r16(spec.CfgQueueSize)
	if size == 0 {
		g.fail("queue %d: size 0", q)
		return false
	}
	vec := q + 1
	g.w16(spec.CfgQueueMSIXVector, vec)
	if g.r16(spec.CfgQueueMSIXVector) != vec {
		g.fail("queue %d: vector %d not accepted", q, vec)
		return false
	}
	region := g.plan.Rings[slot]
	l := virtq.NewLayout(region.Base, size)
	if !region.Contains(region.Base, l.End()-region.Base) {
		g.fail("queue %d: a ring of size %d does not fit its memory %s", q, size, region)
		return false
	}
	ring, err := virtq.NewDriverRing(g.bus.Memory(), guest.RID, l)
	if err != nil {
		g.fail("queue %d: %v", q, err)
		return false
	}
	for _, f := range []struct {
		lo, hi spec.CommonCfgField
		addr   uint64
	}{{spec.CfgQueueDescLo, spec.CfgQueueDescHi, l.Desc}, {spec.CfgQueueDriverLo, spec.CfgQueueDriverHi, l.Avail}, {spec.CfgQueueDeviceLo, spec.CfgQueueDeviceHi, l.Used}} {
		g.w32(f.lo, uint32(f.addr))
		g.w32(f.hi, uint32(f.addr>>32))
	}
	off := g.r16(spec.CfgQueueNotifyOff)
	gq := &queue{index: q, kind: k, ring: ring, notifyV: q, inflight: map[uint16]*buf{},
		notify: g.bus.BAR0() + pcie.BAR0Notify + uint64(off)*pcie.NotifyMultiplier}
	if g.features.Has(spec.FeatureNotifConfigData) {
		gq.notifyV = g.r16(spec.CfgQueueNotifConfigData)
	}
	g.w16(spec.CfgQueueEnable, 1)
	g.queues[q] = gq
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
