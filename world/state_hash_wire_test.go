package world

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// twoWiresScenario has two network peers each put a frame of its own flow
// on VF 1's port: which runs first decides which flow the link's first
// frame has.
const twoWiresScenario = `scenario two-wires
vfs 1
queues 3
set vf-device=net
guest vcpu0 driver=net
  probe
  signal ready
peer a
  await ready
  rx n=1 flow=0 to=other
peer b
  await ready
  rx n=1 flow=1 to=other
`

// orderChooser runs the first enabled step whose label starts with the
// earliest of its prefixes, and keeps the state hash and the frames the
// wire made once both peers' frames exist.
type orderChooser struct {
	w     **World
	order []string
	hash  uint64
	made  string
}

func (c *orderChooser) Choose(d *engine.Decision) (int, error) {
	w := *c.w
	if c.made == "" && w.net != nil && len(w.net.Frames()) == 2 {
		c.hash, _ = w.StateHash()
		c.made = fmt.Sprint(w.net.Frames())
	}
	for _, p := range c.order {
		for i, s := range d.Enabled {
			if strings.HasPrefix(s.Label, p) {
				return i, nil
			}
		}
	}
	return 0, nil
}

// TestStateHash_WireFramesMade: the frames the network made, which the
// wire oracle judges with at the end, are part of the state hash. Two
// peers' frames made in either order reach states that differ only there
// (which flow has which sequence number); with the frames left out of the
// hash, state pruning took one for the other once the network's steps no
// longer hashed the whole world into their actor's chain.
func TestStateHash_WireFramesMade(t *testing.T) {
	s, err := scenario.ParseScenario("two-wires.scn", []byte(twoWiresScenario))
	require.NoError(t, err)
	run := func(order ...string) *orderChooser {
		var w *World
		c := &orderChooser{w: &w, order: order}
		_, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			var err error
			w, err = NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14)}, st)
			if err == nil {
				w.TrackState()
			}
			return w, err
		}, 1, c, engine.RunConfig{MaxSteps: 100000})
		require.NoError(t, err)
		require.NotEmpty(t, c.made, "order %v: both peers' frames were made", order)
		return c
	}
	ab := run("vcpu0:", "a:", "b:")
	ba := run("vcpu0:", "b:", "a:")
	require.NotEqual(t, ab.made, ba.made, "the orders make different frames")
	assert.NotEqual(t, ab.hash, ba.hash, "states that differ in the frames made hash apart")
}
