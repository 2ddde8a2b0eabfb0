package extdevice

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
)

// The kit's side of a virtio-net device's network (docs/device-protocol.md,
// "virtio-net devices"): the world's port stays where the world reads and
// hashes it; the kit takes off it what a member's intake would take, sends
// it with the event, and replays on the port and its link what the device
// reports it did. The port then holds what an in-process member would have
// left on it.

// netPort is the port of a virtio-net device built with configuration c:
// the world's (c.Backing), or a port on a link of its own, as member/net
// gives a member built without one.
func netPort(c member.Config) *membernet.Port {
	if p, ok := c.Backing.(*membernet.Port); ok && p != nil {
		return p
	}
	return membernet.NewLink(0, membernet.DefaultMTU).NewPort("local", membernet.DefaultFIFOFrames)
}

// netConfigToWire describes port p to a new device: the link's
// provisioning, the FIFO's capacity, the link state and the frames the
// FIFO holds already.
func netConfigToWire(p *membernet.Port) *NetConfig {
	mac := p.Link().MAC()
	return &NetConfig{MAC: slices.Clone(mac[:]), MTU: p.Link().MTU(), FIFO: p.FIFOCap(), LinkUp: p.LinkUp(),
		Held: framesToWire(p.HeldFrames())}
}

func framesToWire(fs []membernet.Frame) []Frame {
	var out []Frame
	for _, f := range fs {
		out = append(out, Frame{Seq: f.Seq, Data: f.Data})
	}
	return out
}

// portToWire is what event ev of a device on port p carries: the link
// state and, for a backend event, what arrived and an announce request,
// which it takes off the port (returned as arrived).
func portToWire(p *membernet.Port, ev member.Event) (s *PortState, arrived []membernet.Frame) {
	s = &PortState{LinkUp: p.LinkUp()}
	if ev.Kind == member.EvBackend {
		arrived, s.Announce = p.TakeIntake()
		s.Arrivals = framesToWire(arrived)
	}
	return s, arrived
}

// applyWire replays on port p what a device reported doing with frames in
// one reply; arrived are the frames its request carried and numQueues the
// device's num_queues (0: the device's own number). The arrivals it
// takes into its FIFO are held on the port, the frames it delivers or
// drops leave it, and the link records them. An arrival neither held nor
// dropped is lost: the wire oracle judges that, not the protocol. Errors
// name the field: "wire.rx[1].seq: frame 7 is not held".
//
// The port then holds the frames an in-process member would hold, in the
// same order, and its link the same records; one difference is left that
// no account shows: a reset with nothing held, after deliveries emptied
// the FIFO, leaves an in-process member's FIFO nil and this one empty,
// which Port.StateHash tells apart. The world hashes the port as shared
// state beside the device's input chain (member.InputChained): the
// difference is a function of the path, as the chain is, so it may keep
// two states apart that an in-process member's would merge, never merge
// two that differ. Port.Activity, which the world compares around steps,
// counts frames only.
func applyWire(p *membernet.Port, w *Wire, arrived []membernet.Frame, numQueues int) error {
	if w == nil {
		return nil
	}
	for i, r := range w.Rx {
		if err := checkDataQueue(r.Queue, 0, numQueues); err != nil {
			return fmt.Errorf("wire.rx[%d].queue: %w", i, err)
		}
	}
	for i, t := range w.Tx {
		if err := checkDataQueue(t.Queue, 1, numQueues); err != nil {
			return fmt.Errorf("wire.tx[%d].queue: %w", i, err)
		}
	}
	// pending are the arrivals not held or dropped yet.
	pending := slices.Clone(arrived)
	take := func(seq uint64) bool {
		i := slices.IndexFunc(pending, func(f membernet.Frame) bool { return f.Seq == seq })
		if i >= 0 {
			pending = slices.Delete(pending, i, i+1)
		}
		return i >= 0
	}
	for i, seq := range w.Held {
		f, ok := frameOf(pending, seq)
		if !ok || !take(seq) {
			return fmt.Errorf("wire.held[%d]: frame %d is not an arrival of this request still to take in", i, seq)
		}
		p.Hold(f)
	}
	for i, r := range w.Rx {
		f, ok := p.Release(r.Seq, 0)
		if !ok {
			return fmt.Errorf("wire.rx[%d].seq: frame %d is not held", i, r.Seq)
		}
		p.RecordDelivered(r.Queue, f)
	}
	for i, d := range w.Drops {
		dir, err := membernet.ParseDir(d.Dir)
		if err != nil {
			return fmt.Errorf("wire.drops[%d].dir: %w", i, err)
		}
		reason, err := membernet.ParseDropReason(d.Reason)
		if err != nil {
			return fmt.Errorf("wire.drops[%d].reason: %w", i, err)
		}
		if reason.Dir() != dir {
			return fmt.Errorf("wire.drops[%d].reason: %s drops %s frames, dir is %s", i, reason, reason.Dir(), dir)
		}
		switch {
		case dir == membernet.DirTx && d.Seq != 0:
			return fmt.Errorf("wire.drops[%d].seq: %d, but a transmitted frame has no sequence number", i, d.Seq)
		case dir == membernet.DirRx && d.Seq == 0:
			return fmt.Errorf("wire.drops[%d].seq: missing for a received frame", i)
		case dir == membernet.DirRx:
			if _, held := p.Release(d.Seq, reason); !held && !take(d.Seq) {
				return fmt.Errorf("wire.drops[%d].seq: frame %d is neither held nor an arrival of this request", i, d.Seq)
			}
		}
		p.RecordDrop(dir, d.Seq, reason)
	}
	for _, t := range w.Tx {
		p.RecordTransmit(t.Queue, slices.Clone(t.Data))
	}
	if p.Held() > p.FIFOCap() {
		return fmt.Errorf("wire.held: the receive FIFO holds %d frames, its capacity is %d", p.Held(), p.FIFOCap())
	}
	return nil
}

// checkDataQueue checks that q is a receive queue (parity 0) or a transmit
// queue (parity 1) of a device with numQueues queues: receiveqN is
// 2(N−1) and transmitqN 2(N−1)+1, and an odd num_queues of at least 3
// ends with the control queue (virtio spec, "Network Device",
// "Virtqueues"). With numQueues 0 the device chose its number of pairs,
// and only the parity is checked.
func checkDataQueue(q uint16, parity int, numQueues int) error {
	kind := [2]string{"receive", "transmit"}[parity]
	if int(q)%2 != parity {
		return fmt.Errorf("%d is not a %s queue (%s queues are %s)", q, kind, kind, [2]string{"even", "odd"}[parity])
	}
	limit := numQueues
	if numQueues%2 == 1 && numQueues >= 3 {
		limit-- // the control queue
	}
	if numQueues > 0 && int(q) >= limit {
		return fmt.Errorf("%d is not a %s queue of a device with num_queues %d", q, kind, numQueues)
	}
	return nil
}

// frameOf finds frame seq among fs.
func frameOf(fs []membernet.Frame, seq uint64) (membernet.Frame, bool) {
	i := slices.IndexFunc(fs, func(f membernet.Frame) bool { return f.Seq == seq })
	if i < 0 {
		return membernet.Frame{}, false
	}
	return fs[i], true
}
