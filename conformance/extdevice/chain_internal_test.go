package extdevice

import (
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// dmaReader is a device that reads 8 bytes of guest memory at dmaAddr on
// every event: its state is what it read.
type dmaReader struct {
	c    member.Config
	read []byte
}

const dmaAddr = 0x1000

func (d *dmaReader) Handle(member.Event) member.Effects {
	b := make([]byte, 8)
	if err := d.c.Mem.ReadMem(d.c.RID, dmaAddr, b); err == nil {
		d.read = append(d.read, b...)
	}
	return member.Effects{}
}

func (d *dmaReader) Status() member.Status { return member.Status{} }

func (d *dmaReader) ContextDigest() uint64 { return uint64(len(d.read)) }

// TestInputChain: a proxy's input chain (member.InputChained) is the same
// for two devices given the same configuration, events and DMA answers,
// whatever their dev numbers, their requests' ids and the devices a new
// drops; another event, another DMA answer or another configuration
// changes it; and the world's queries (Status, ContextDigest) leave it.
func TestInputChain(t *testing.T) {
	info := Info{Name: "dma reader", Editions: spec.Editions, Knobs: AllKnobs()}
	pool, err := StartServed("dma", func(r io.Reader, w io.Writer) error {
		return Serve(r, w, func(c member.Config) member.Device { return &dmaReader{c: c} }, info)
	}, Options{Procs: 1})
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, pool.Close()) })
	f := pool.Factory()
	build := func(vf int) (*device, *virtq.GuestMemory) {
		mem := virtq.NewGuestMemory()
		d := f(member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), VF: vf, RID: pcie.RID(vf),
			BAR0: 0xfe000000, NumQueues: 1, Mem: mem})
		return d.(*device), mem
	}
	kick := member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: 1, Addr: 0xfe000000 + pcie.BAR0Notify, Data: []byte{0, 0}}}
	timer := member.Event{Kind: member.EvTimer, Timer: member.TimerFLR}

	a, memA := build(1)
	a.Handle(kick) // another request id for b's new
	pool.procs[0].drop(1 << 40)
	b, memB := build(1)
	require.NotEqual(t, a.id, b.id)
	c, _ := build(2)
	assert.NotEqual(t, b.InputChain(), c.InputChain(), "another configuration")
	b.Handle(kick)
	assert.Equal(t, a.InputChain(), b.InputChain(), "the same inputs: another dev, request id and drop list")

	require.NoError(t, memA.WriteMem(1, dmaAddr, []byte{1}))
	require.NoError(t, memB.WriteMem(1, dmaAddr, []byte{1}))
	a.Handle(kick)
	b.Handle(kick)
	assert.Equal(t, a.InputChain(), b.InputChain(), "the same DMA answer")
	_, _ = a.Status(), a.ContextDigest()
	assert.Equal(t, a.InputChain(), b.InputChain(), "the world's queries are no inputs")

	require.NoError(t, memB.WriteMem(1, dmaAddr, []byte{2}))
	a.Handle(kick)
	b.Handle(kick)
	assert.NotEqual(t, a.InputChain(), b.InputChain(), "another DMA answer")

	a2, _ := build(1)
	b2, _ := build(1)
	a2.Handle(kick)
	b2.Handle(timer)
	assert.NotEqual(t, a2.InputChain(), b2.InputChain(), "another event")
}
