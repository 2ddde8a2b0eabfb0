package net

import (
	"testing"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// benchBatch is how many frames one benchmark round moves.
const benchBatch = 32

// BenchmarkRxFrames measures received frames through the pure device (the
// core with this backend, virtio-1.4, running): per round 32 frames reach
// the port, EvBackend takes them in, the guest's 32 posted receive buffers
// are fetched, filled (virtio_net_hdr + 64-byte frame by DMA) and
// completed, and the guest harvests and re-posts them. Reported as
// frames/s.
func BenchmarkRxFrames(b *testing.B) {
	g := newBenchRig(b)
	g.port.fifoCap = benchBatch
	gu := newGuest(g, allFeatures, 0, 1, ctrlMQ)
	var frames []Frame
	for i := range benchBatch {
		frames = append(frames, g.link.Frame(g.link.MAC(), uint32(i), -1, 64))
	}
	addrs := make([]uint64, benchBatch)
	for i := range addrs {
		addrs[i] = gu.alloc(2048)
	}
	ring := gu.rings[0]
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for _, a := range addrs {
			if _, err := ring.Add([]virtq.Buffer{{Addr: a, Len: 2048, Writable: true}}); err != nil {
				b.Fatal(err)
			}
		}
		if err := ring.Publish(); err != nil {
			b.Fatal(err)
		}
		gu.kick(0)
		g.port.Arrive(frames...)
		g.backend()
		g.runBench()
		used, err := ring.Harvest()
		if err != nil || len(used) != benchBatch {
			b.Fatalf("round %d: %d used, %v", n, len(used), err)
		}
		g.link.rx = g.link.rx[:0]
	}
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "frames/s")
}

// BenchmarkTxFrames measures transmitted frames through the pure device:
// per round the guest posts 32 transmit buffers (virtio_net_hdr + 64-byte
// frame), kicks, and the device fetches, reads, puts each on the wire and
// completes it. Reported as frames/s.
func BenchmarkTxFrames(b *testing.B) {
	g := newBenchRig(b)
	gu := newGuest(g, allFeatures, 0, 1, ctrlMQ)
	frame := ethFrame(g.link.Peer(), g.link.MAC(), 50, 1)
	addrs := make([]uint64, benchBatch)
	for i := range addrs {
		addrs[i] = gu.alloc(2048)
		if err := g.mem.WriteMem(drvRID, addrs[i], append(make([]byte, guestHdr), frame...)); err != nil {
			b.Fatal(err)
		}
	}
	ring := gu.rings[1]
	n64 := uint32(guestHdr + len(frame))
	b.ReportAllocs()
	b.ResetTimer()
	for n := 0; n < b.N; n++ {
		for _, a := range addrs {
			if _, err := ring.Add([]virtq.Buffer{{Addr: a, Len: n64}}); err != nil {
				b.Fatal(err)
			}
		}
		if err := ring.Publish(); err != nil {
			b.Fatal(err)
		}
		gu.kick(1)
		g.runBench()
		used, err := ring.Harvest()
		if err != nil || len(used) != benchBatch {
			b.Fatalf("round %d: %d used, %v", n, len(used), err)
		}
		g.link.tx = g.link.tx[:0]
	}
	b.ReportMetric(float64(b.N*benchBatch)/b.Elapsed().Seconds(), "frames/s")
}

// newBenchRig is a rig whose device reaches guest memory directly: no
// recorder in the way.
func newBenchRig(b *testing.B) *rig {
	g := newRig(b, spec.Virtio14, spec.DefaultRules(spec.Virtio14), NewLink(1, DefaultMTU), "bench", nil)
	g.dev = New(member.Config{Edition: spec.Virtio14, VF: 1, RID: testRID, BAR0: testBAR0, QueueSizeMax: qsize,
		Mem: g.mem, Backing: g.port})
	return g
}

// runBench runs the pending steps without collecting effects.
func (g *rig) runBench() {
	for len(g.steps) > 0 {
		s := g.steps[0]
		g.steps = g.steps[1:]
		fx := g.dev.Handle(member.Event{Kind: member.EvStep, Step: s})
		g.steps = append(g.steps, fx.Steps...)
	}
	g.steps = g.steps[:0]
	g.notes = g.notes[:0]
	g.irqs = g.irqs[:0]
}
