package mutants

import (
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// A device whose write-back of the buffers it has taken reaches guest
// memory only after it answered the stop.

var writesBackAfterStopReply = Mutant{
	Name: "writes-back-after-stop-reply",
	Doc: "entering Stop (stopped), finishes the requests it has taken but holds their guest-memory writes (data, status, used element) and interrupts " +
		"in its DMA engine until it runs again: when DEV_MODE_SET completes, guest memory shows none of them, and a destination never will",
	Editions: bothEditions,
	Build: func(c member.Config, inner member.Factory) member.Device {
		p := &heldWrites{port: c.Mem}
		ic := c
		ic.Mem = p
		return &lateWriteBack{Device: inner(ic), c: c, p: p}
	},
}

// heldWrite is one guest-memory write the device's DMA engine holds.
type heldWrite struct {
	rid  pcie.RID
	addr uint64
	data []byte
}

// heldWrites is the memory port of the device lateWriteBack wraps: while
// hold is set, writes are kept in order instead of reaching guest memory;
// reads see them (the engine forwards its own posted writes).
type heldWrites struct {
	port   pcie.MemoryPort
	hold   bool
	writes []heldWrite
}

func (p *heldWrites) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if p.hold {
		p.writes = append(p.writes, heldWrite{rid, addr, slices.Clone(data)})
		return nil
	}
	return p.port.WriteMem(rid, addr, data)
}

func (p *heldWrites) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if err := p.port.ReadMem(rid, addr, buf); err != nil {
		return err
	}
	end := addr + uint64(len(buf))
	for _, w := range p.writes {
		wend := w.addr + uint64(len(w.data))
		if w.addr >= end || wend <= addr {
			continue
		}
		lo, hi := max(w.addr, addr), min(wend, end)
		copy(buf[lo-addr:hi-addr], w.data[lo-w.addr:hi-w.addr])
	}
	return nil
}

// flush lets the held writes reach guest memory, in order.
func (p *heldWrites) flush() {
	for _, w := range p.writes {
		_ = p.port.WriteMem(w.rid, w.addr, w.data)
	}
	p.writes = nil
}

// lateWriteBack drains its pipeline when it leaves Active, as a
// virtio-1.4 device must (it executes and completes every request it has
// taken), but with the writes held: they and the interrupts of those
// completions go out only at the next move to Active. An FLR or a reset
// clears the engine, losing them.
type lateWriteBack struct {
	member.Device
	c    member.Config
	p    *heldWrites
	irqs []pcie.MSIXMessage
}

// drainRounds bounds the execute/complete rounds per queue at a stop.
const drainRounds = 1024

func (d *lateWriteBack) Handle(ev member.Event) member.Effects {
	before := d.Device.Status()
	to, isMode := modeSet(d.c, ev)
	var fx member.Effects
	switch {
	case isMode && (to == spec.ModeStop || to == spec.ModeFreeze) && before.Mode == spec.ModeActive:
		d.p.hold = true
		d.drain()
		fx = d.Device.Handle(ev)
		d.p.hold = false
	case isMode && to == spec.ModeActive && before.Mode.Quiesced():
		fx = d.release(member.Effects{})
		fx = merge(fx, d.Device.Handle(ev))
	default:
		fx = d.Device.Handle(ev)
	}
	after := d.Device.Status()
	switch {
	case (after.FLRPending && !before.FLRPending) || (after.ResetPending && !before.ResetPending):
		d.p.writes, d.irqs = nil, nil
	case !after.Mode.Quiesced() && len(d.p.writes)+len(d.irqs) > 0:
		fx = d.release(fx)
	}
	return fx
}

// drain executes and completes, with private steps, every request the
// device has taken, queue by queue, until a round writes nothing; the
// interrupts those completions raise are held.
func (d *lateWriteBack) drain() {
	queues := max(int(d.c.NumQueues), member.DefaultNumQueues)
	for q := range queues {
		for range drainRounds {
			n := len(d.p.writes)
			for _, k := range []member.StepKind{member.StepExecute, member.StepComplete} {
				fx := d.Device.Handle(member.Event{Kind: member.EvStep, Step: member.Step{Kind: k, Queue: uint16(q)}})
				d.irqs = append(d.irqs, fx.Interrupts...)
			}
			if len(d.p.writes) == n {
				break
			}
		}
	}
}

// release lets the held writes reach guest memory and sends the held
// interrupts after them.
func (d *lateWriteBack) release(fx member.Effects) member.Effects {
	d.p.flush()
	fx.Interrupts = append(fx.Interrupts, d.irqs...)
	d.irqs = nil
	return fx
}
