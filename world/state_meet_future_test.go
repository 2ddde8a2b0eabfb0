package world_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// futureChooser follows labels, then picks among the enabled steps by
// their labels in sorted order with rng, writing at every decision past
// the labels the state hash and the enabled labels in view: two runs whose
// states are one at the end of their labels must write the same view.
type futureChooser struct {
	w      **world.World
	labels []string
	rng    *rand.Rand
	view   []string
}

func (c *futureChooser) Choose(d *engine.Decision) (int, error) {
	h, ok := (*c.w).StateHash() // from decision 0 on: the actors' chains are kept
	if !ok {
		return 0, errors.New("the world refused to hash its state")
	}
	if d.Index < len(c.labels) {
		for i, s := range d.Enabled {
			if s.Label == c.labels[d.Index] {
				return i, nil
			}
		}
		return 0, errors.New("step " + c.labels[d.Index] + " is not enabled")
	}
	labels := make([]string, len(d.Enabled))
	for i, s := range d.Enabled {
		labels[i] = fmt.Sprintf("%d:%s", s.Actor, s.Label)
	}
	sorted := slices.Clone(labels)
	slices.Sort(sorted)
	c.view = append(c.view, fmt.Sprintf("%#x %v", h, sorted))
	return slices.Index(labels, sorted[c.rng.IntN(len(sorted))]), nil
}

// TestStateHash_NetGuestMeetsAtCleanWait_SameFuture: the two paths of
// TestStateHash_NetGuestMeetsAtCleanWait that meet where the net driver
// waits cleanly in its send loop go on alike. State pruning drops the
// second of two states that hash the same, which is sound only when both
// have the same futures: from the meeting, each of several seeded
// continuations sees the same state hashes and enabled steps at every
// decision in both, and ends with the same finding, guest log and notes.
// A driver whose Wait logged a local it kept across the clean wait (how
// many buffers were outstanding after each interrupt) fails it: the two
// paths harvested the transmit completion at different interrupts.
func TestStateHash_NetGuestMeetsAtCleanWait_SameFuture(t *testing.T) {
	b, err := os.ReadFile("testdata/net-rx-while-stopped-v14-prefix.txt")
	require.NoError(t, err)
	prefix := strings.Split(strings.TrimSpace(string(b)), "\n")
	completionFirst := []string{"dst.vf1:complete(q1)", "vcpu0:wait-irq", "vcpu0:mmio-read config_generation",
		"vcpu0:mmio-read devcfg+0", "vcpu0:mmio-read config_generation", "vcpu0:wait-irq", "vcpu0:wait-irq",
		"vcpu0:wait-irq", "vcpu0:wait-irq"}
	configFirst := []string{"vcpu0:wait-irq", "vcpu0:mmio-read config_generation", "vcpu0:mmio-read devcfg+0",
		"vcpu0:mmio-read config_generation", "vcpu0:wait-irq", "vcpu0:wait-irq", "vcpu0:wait-irq",
		"dst.vf1:complete(q1)", "vcpu0:wait-irq"}
	future := func(tail []string, seed uint64) string {
		f := catalogFactory(t, "net-rx-while-stopped", spec.Virtio14, nil, engine.ScheduleSeed(1, 0))
		var w *world.World
		c := &futureChooser{w: &w, labels: append(slices.Clone(prefix), tail...), rng: rand.New(rand.NewPCG(seed, 7))}
		res, err := engine.Run(keepWorld(f, &w), engine.ScheduleSeed(1, 0), c, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
		require.NoError(t, err)
		require.NotEmpty(t, c.view, "decisions after the meeting")
		return fmt.Sprintf("%s\nfinding %v\nguest log %q\nnotes %q", strings.Join(c.view, "\n"), res.Finding, w.GuestLog(), w.Notes())
	}
	for seed := range uint64(8) {
		require.Equal(t, future(completionFirst, seed), future(configFirst, seed), "continuation %d", seed)
	}
}
