package network

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/world/observe"
)

// TestNetwork: a VF has one link and one port per host, made once; the
// view of a VF holds its frames and what its ports hold, in host order;
// the state hash follows the frames made, their order and the ports.
func TestNetwork(t *testing.T) {
	n := New()
	src, dst := n.Port(0, "src", 1), n.Port(1, "dst", 1)
	assert.Same(t, src, n.Port(0, "src", 1), "made once")
	assert.Same(t, n.Link(1), n.Link(1))
	assert.Equal(t, "dst.vf1", dst.Name())
	n.Port(0, "src", 2)
	assert.Equal(t, []int{1, 2}, n.VFs())

	empty := n.StateHash()
	f := n.Link(1).Frame(n.Link(1).MAC(), 0, 0, 64)
	src.Arrive(f)
	a := observe.WireFrame{VF: 1, Seq: f.Seq, Port: src.Name()}
	n.Made(a)
	assert.NotEqual(t, empty, n.StateHash())
	v := n.View(1)
	assert.Equal(t, []observe.WireFrame{a}, v.Made)
	assert.Equal(t, map[string]int{"src.vf1": 1, "dst.vf1": 0}, v.Pending)
	assert.Empty(t, n.View(2).Made)

	b := observe.WireFrame{VF: 2, Seq: 7, Port: "src.vf2"}
	ab, ba := New(), New()
	ab.Made(a)
	ab.Made(b)
	ba.Made(b)
	ba.Made(a)
	assert.NotEqual(t, ab.StateHash(), ba.StateHash(), "the order frames were made in")
	assert.Equal(t, []observe.WireFrame{b, a}, ba.Frames())
}

// TestActivity: making a link or a port leaves the activity as it was;
// traffic and a link change do not.
func TestActivity(t *testing.T) {
	n := New()
	quiet := n.Activity()
	p := n.Port(0, "src", 1)
	n.Port(1, "dst", 1)
	assert.Equal(t, quiet, n.Activity(), "made, not used")
	assert.NotEqual(t, quiet, n.StateHash(), "the state hash sees what exists")
	p.Arrive(n.Link(1).Frame(n.Link(1).MAC(), 0, 0, 64))
	arrived := n.Activity()
	assert.NotEqual(t, quiet, arrived, "a frame arrived")
	n.Port(1, "dst", 1).SetLinkUp(false)
	assert.NotEqual(t, arrived, n.Activity(), "a link went down")
}

// TestStateHash_Memos: after every change to the network (a link or port
// made, a frame made, traffic on a port), StateHash, which keeps the
// frames' chain, the key order and the links' and ports' hashes, equals
// FreshStateHash, which recomputes each; a frame appended behind Made's
// back, which the chain does not see, is caught by the same comparison.
func TestStateHash_Memos(t *testing.T) {
	n := New()
	for _, c := range []struct {
		name string
		do   func()
	}{
		{"a port", func() { n.Port(1, "dst", 1) }},
		{"a port before it in host order", func() { n.Port(0, "src", 1) }},
		{"a link before it in VF order", func() { n.Link(0) }},
		{"a frame arrives", func() { n.Port(0, "src", 1).Arrive(n.Link(1).Frame(n.Link(1).MAC(), 0, 0, 64)) }},
		{"the wire made it", func() { n.Made(observe.WireFrame{VF: 1, Seq: 1, Port: "src.vf1"}) }},
		{"another", func() { n.Made(observe.WireFrame{VF: 1, Seq: 2, Flow: 1, Port: "dst.vf1"}) }},
		{"a link down", func() { n.Port(1, "dst", 1).SetLinkUp(false) }},
	} {
		before := n.StateHash()
		c.do()
		assert.Equal(t, n.FreshStateHash(), n.StateHash(), c.name)
		assert.NotEqual(t, before, n.StateHash(), "%s changes the hash", c.name)
	}
	n.made = append(n.made, observe.WireFrame{VF: 1, Seq: 3})
	assert.NotEqual(t, n.FreshStateHash(), n.StateHash(), "a frame made behind Made's back is caught")
}
