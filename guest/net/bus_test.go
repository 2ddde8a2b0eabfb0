package net

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

const (
	testRID  = pcie.RID(0x0109)
	testBAR0 = uint64(0xfe000000)
)

// testBus runs a virtio-net member for the driver: every access is one
// event, the device's steps run to completion after it (FIFO), interrupts
// queue up for WaitIRQ.
type testBus struct {
	t    testing.TB
	mem  *virtq.GuestMemory
	link *membernet.Link
	port *membernet.Port
	dev  member.Device
	irqs []uint16
	// hold keeps the device's steps pending instead of running them.
	hold  bool
	steps []member.Step
}

func newTestBus(t testing.TB, queues uint16) *testBus {
	b := &testBus{t: t, mem: virtq.NewGuestMemory(), link: membernet.NewLink(7, membernet.DefaultMTU)}
	b.port = b.link.NewPort("src", 32)
	b.dev = membernet.New(member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), VF: 1, RID: testRID,
		BAR0: testBAR0, NumQueues: queues, QueueSizeMax: 64, Mem: b.mem, Backing: b.port})
	return b
}

func (b *testBus) handle(ev member.Event) member.Effects {
	fx := b.dev.Handle(ev)
	b.steps = append(b.steps, fx.Steps...)
	for _, m := range fx.Interrupts {
		b.irqs = append(b.irqs, uint16(m.Data-guest.MSIXDataBase))
	}
	if !b.hold {
		b.run()
	}
	return fx
}

func (b *testBus) run() {
	for n := 0; len(b.steps) > 0; n++ {
		require.Less(b.t, n, 100000, "step storm")
		s := b.steps[0]
		b.steps = b.steps[1:]
		b.handle(member.Event{Kind: member.EvStep, Step: s})
	}
}

// backend delivers EvBackend: the port's arrivals, link and announce.
func (b *testBus) backend() { b.handle(member.Event{Kind: member.EvBackend}) }

func (b *testBus) CfgRead(off uint16, n int) uint32 {
	d := b.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: guest.RID, Completer: testRID, Addr: uint64(off), Len: n}}).ReadData
	var v uint32
	for i := len(d) - 1; i >= 0; i-- {
		v = v<<8 | uint32(d[i])
	}
	return v
}

func (b *testBus) CfgWrite(off uint16, n int, v uint32) {
	d := make([]byte, n)
	for i := range d {
		d[i] = byte(v >> (8 * i))
	}
	b.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: guest.RID, Completer: testRID, Addr: uint64(off), Data: d}})
}

func (b *testBus) MMIORead(addr uint64, n int) []byte {
	return b.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: guest.RID, Addr: addr, Len: n}}).ReadData
}

func (b *testBus) MMIOWrite(addr uint64, data []byte) {
	b.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: guest.RID, Addr: addr, Data: data}})
}

func (b *testBus) WaitIRQ() (uint16, bool) {
	if len(b.irqs) == 0 {
		b.run()
	}
	if len(b.irqs) == 0 {
		return 0, false
	}
	v := b.irqs[0]
	b.irqs = b.irqs[1:]
	return v, true
}

func (b *testBus) Sleep(uint64)            {}
func (b *testBus) Memory() pcie.MemoryPort { return b.mem }
func (b *testBus) BAR0() uint64            { return testBAR0 }

// drain hands every pending interrupt to the driver.
func (b *testBus) drain(d *Driver) {
	for len(b.irqs) > 0 {
		v := b.irqs[0]
		b.irqs = b.irqs[1:]
		d.HandleIRQ(v)
	}
	d.Flush()
}
