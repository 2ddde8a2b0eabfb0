package net

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestStateMemo_EveryWriterForgets: after every change a member, the wire
// or a member elsewhere makes to a link or a port (frames made, arrived,
// taken in, dropped at the intake, held, delivered, transmitted, dropped, released, reset away;
// the link state and an announce request; records taken), the kept
// StateHash of each equals FreshStateHash, and the change moved one of
// them. A planted write that keeps the memo is caught by the same check.
func TestStateMemo_EveryWriterForgets(t *testing.T) {
	g, gu := liveGuest(t, spec.DefaultRules(spec.Virtio14))
	other := g.link.NewPort("dst", 4)
	peer := g.link.Peer()
	check := func(name string) {
		t.Helper()
		for _, p := range []*Port{g.port, other} {
			assert.Equal(t, p.FreshStateHash(), p.StateHash(), "%s: port %s", name, p.Name())
		}
		assert.Equal(t, g.link.FreshStateHash(), g.link.StateHash(), "%s: the link", name)
	}
	sum := func() uint64 { return g.link.StateHash() ^ g.port.StateHash()*3 ^ other.StateHash()*5 }
	for _, c := range []struct {
		name string
		do   func()
	}{
		{"frames arrive", func() { g.port.Arrive(g.link.Frame(g.link.MAC(), 1, -1, 64), g.link.Frame(g.link.MAC(), 2, -1, 64)) }},
		{"the intake takes them", func() { g.backend(); g.run() }},
		{"receive buffers take them", func() { gu.postRx(0, 4, 2048); gu.kick(0); g.run(); gu.harvest() }},
		{"a frame transmitted", func() { gu.send(1, ethFrame(peer, g.link.MAC(), 50, 1)) }},
		{"a runt dropped", func() { gu.post(1, 0, make([]byte, 13)); gu.kick(1); g.run(); gu.harvest() }},
		{"the link goes down", func() { g.port.SetLinkUp(false) }},
		{"an announce requested", func() { g.port.RequestAnnounce() }},
		{"the intake takes the announce", func() { g.backend(); g.run() }},
		{"a frame held while no buffer waits", func() { g.port.Arrive(g.link.Frame(g.link.MAC(), 1, -1, 64)); g.backend(); g.run() }},
		{"a frame for another address arrives", func() {
			g.port.Arrive(g.link.Frame(devctx.MAC{0x02, 0xee, 0xee, 0xee, 0xee, 0xee}, 4, -1, 64))
		}},
		// Taking the arrivals is then the intake's only write to the port.
		{"the intake drops it", func() { g.backend(); g.run() }},
		{"an FLR drops the FIFO", func() { g.flr() }},
		{"a member elsewhere holds a frame", func() { other.Hold(g.link.Frame(g.link.MAC(), 3, -1, 64)) }},
		{"and releases it", func() { f := other.HeldFrames()[0]; other.Release(f.Seq, DropReset) }},
		{"an announce requested elsewhere", func() { other.RequestAnnounce() }},
		{"and taken with the intake", func() { other.TakeIntake() }},
		{"and records a transmit", func() { other.RecordTransmit(1, []byte{1, 2, 3}) }},
		{"the records taken", func() { g.link.TakeRecords() }},
	} {
		check(c.name + " (before)")
		before := sum()
		c.do()
		check(c.name)
		assert.NotEqual(t, before, sum(), "%s changes a link or port", c.name)
	}

	// Planted writes that keep the memos.
	g.port.StateHash()
	g.link.StateHash()
	g.port.fifo = append(g.port.fifo, Frame{Seq: 99})
	g.link.nextRx++
	assert.NotEqual(t, g.port.FreshStateHash(), g.port.StateHash(), "a port write that keeps the memo is caught")
	assert.NotEqual(t, g.link.FreshStateHash(), g.link.StateHash(), "a link write that keeps the memo is caught")
}

// TestStateMemo_CopyCarriesIt: a copy of a port (as a copy of the world
// makes) carries the memo with the fields it describes, and the copy and
// the original change apart.
func TestStateMemo_CopyCarriesIt(t *testing.T) {
	link := NewLink(1, DefaultMTU)
	p := link.NewPort("src", 4)
	p.Arrive(link.Frame(link.MAC(), 1, -1, 64))
	before := p.StateHash()
	c := *p
	assert.Equal(t, before, c.StateHash())
	c.SetLinkUp(false)
	assert.Equal(t, c.FreshStateHash(), c.StateHash())
	assert.NotEqual(t, before, c.StateHash())
	assert.Equal(t, before, p.StateHash(), "the original keeps its own")
	assert.Equal(t, p.FreshStateHash(), p.StateHash())
}
