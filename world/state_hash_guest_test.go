package world_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// errScheduleEnd stops a labelChooser's run at the end of its list.
var errScheduleEnd = errors.New("end of the schedule")

// labelChooser picks the steps of a list of labels, in order, and records
// the world's state hash at the decision after the last.
type labelChooser struct {
	w      **world.World
	labels []string
	hash   uint64
}

func (c *labelChooser) Choose(d *engine.Decision) (int, error) {
	h, ok := (*c.w).StateHash() // from decision 0 on: the actors' chains are kept
	if !ok {
		return 0, errors.New("the world refused to hash its state")
	}
	if d.Index == len(c.labels) {
		c.hash = h
		return 0, errScheduleEnd
	}
	for i, s := range d.Enabled {
		if s.Label == c.labels[d.Index] {
			return i, nil
		}
	}
	return 0, errors.New("step " + c.labels[d.Index] + " is not enabled")
}

// keepWorld wraps f so that *w is the world of the run it builds last.
func keepWorld(f engine.Factory, w **world.World) engine.Factory {
	return func(st engine.Streams) (engine.System, error) {
		sys, err := f(st)
		if err == nil {
			*w = sys.(*world.World)
		}
		return sys, err
	}
}

// stateAfter runs vm-two-guests under virtio-1.4 along labels and returns
// the state hash after them.
func stateAfter(t *testing.T, labels []string) uint64 {
	t.Helper()
	return stateAfterIn(t, "vm-two-guests", labels)
}

// stateAfterIn runs scenario under virtio-1.4 along labels and returns the
// state hash after them.
func stateAfterIn(t *testing.T, scenario string, labels []string) uint64 {
	t.Helper()
	f := catalogFactory(t, scenario, spec.Virtio14, nil, engine.ScheduleSeed(1, 0))
	var w *world.World
	c := &labelChooser{w: &w, labels: labels}
	_, err := engine.Run(keepWorld(f, &w), engine.ScheduleSeed(1, 0), c, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.ErrorIs(t, err, errScheduleEnd)
	return c.hash
}

// TestStateHash_GuestsMeetAtCleanWait: two schedules of vm-two-guests
// that share 219 steps (testdata/vm-two-guests-v14-prefix.txt: both guests
// probed and posted their writes, the VM moved to the destination) and
// then run VF 1's completion and vcpu0's steps in two orders. In one,
// vcpu0 takes the configuration interrupt after the completion, in the
// other before: it reads different things while its write is in flight.
// Nine steps on (equal steps taken) it waits in its driver's wait loop in
// both, and four steps later it waits for the read it posted next: its
// chain restarted at each clean wait, and the states are one. While the
// chain was the history of what the guest read, they stayed apart for
// ever.
func TestStateHash_GuestsMeetAtCleanWait(t *testing.T) {
	b, err := os.ReadFile("testdata/vm-two-guests-v14-prefix.txt")
	require.NoError(t, err)
	prefix := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, prefix, 219)
	completionFirst := []string{"dst.vf1:complete(q0)", "vcpu0:wait-irq", "vcpu0:mmio-read config_generation",
		"vcpu0:mmio-read devcfg+0", "vcpu0:mmio-read devcfg+4", "vcpu0:mmio-read config_generation", "vcpu0:wait-irq",
		"vcpu0:mmio-write notify+0=0000", "vcpu0:wait-irq",
		"dst.vf1:fetch(q0)", "dst.vf1:execute(q0)", "dst.vf1:complete(q0)", "vcpu0:wait-irq"}
	configFirst := []string{"vcpu0:wait-irq", "vcpu0:mmio-read config_generation", "vcpu0:mmio-read devcfg+0",
		"vcpu0:mmio-read devcfg+4", "vcpu0:mmio-read config_generation", "vcpu0:wait-irq", "dst.vf1:complete(q0)",
		"vcpu0:wait-irq", "vcpu0:mmio-write notify+0=0000",
		"dst.vf1:fetch(q0)", "dst.vf1:execute(q0)", "dst.vf1:complete(q0)", "vcpu0:wait-irq"}
	run := func(tail []string) uint64 {
		return stateAfter(t, append(append([]string(nil), prefix...), tail...))
	}
	assert.Equal(t, run(completionFirst[:9]), run(configFirst[:9]),
		"waiting in its wait loop, how the guest read its way there no longer counts")
	assert.Equal(t, run(completionFirst), run(configFirst),
		"once both finished the write, how they read their way through it no longer counts")
}

// TestStateHash_NetGuestMeetsAtCleanWait: two schedules of
// net-rx-while-stopped under virtio-1.4 that share 214 steps
// (testdata/net-rx-while-stopped-v14-prefix.txt: the guest probed and sent
// its first two frames, the VM moved to the destination, the guest posted
// its last two frames) and then run the destination VF's completion of a
// transmitted frame before or after vcpu0 handles a configuration
// interrupt. The guest takes the same steps in both but reads its way
// through them differently (the transmit queue's used ring with or without
// the completion). Nine steps on it waits in its send loop (guest/net's
// Wait) with the completion harvested in both: the net driver hashes its
// fields (guest.StateHasher) and waits cleanly there, so the states are
// one. While the guest's chain was the history of what it read there,
// they stayed apart. Where it matters they still are: with the frame
// completed but its interrupt not yet taken, the state is another.
func TestStateHash_NetGuestMeetsAtCleanWait(t *testing.T) {
	b, err := os.ReadFile("testdata/net-rx-while-stopped-v14-prefix.txt")
	require.NoError(t, err)
	prefix := strings.Split(strings.TrimSpace(string(b)), "\n")
	require.Len(t, prefix, 214)
	completionFirst := []string{"dst.vf1:complete(q1)", "vcpu0:wait-irq", "vcpu0:mmio-read config_generation",
		"vcpu0:mmio-read devcfg+0", "vcpu0:mmio-read config_generation", "vcpu0:wait-irq", "vcpu0:wait-irq",
		"vcpu0:wait-irq", "vcpu0:wait-irq"}
	configFirst := []string{"vcpu0:wait-irq", "vcpu0:mmio-read config_generation", "vcpu0:mmio-read devcfg+0",
		"vcpu0:mmio-read config_generation", "vcpu0:wait-irq", "vcpu0:wait-irq", "vcpu0:wait-irq",
		"dst.vf1:complete(q1)", "vcpu0:wait-irq"}
	run := func(tail []string) uint64 {
		return stateAfterIn(t, "net-rx-while-stopped", append(append([]string(nil), prefix...), tail...))
	}
	assert.Equal(t, run(completionFirst), run(configFirst),
		"waiting in its send loop, how the guest read its way there no longer counts")
	assert.NotEqual(t, run(completionFirst), run(configFirst[:8]),
		"a completion not yet harvested is another state")
}
