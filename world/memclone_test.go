package world_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// TestStateMemos_MemoryClonedBeforeHash: a copy of the world made before
// any state hash was asked for clones guest memories that keep no sum yet
// (virtq.GuestMemory.StateHash sums a memory's contents at its first call
// and keeps the sum from then on). Whichever of the original and the copy
// runs on, and whichever is hashed first, each one's state hash is that of
// a fresh world that took the same steps without being copied, and each
// equals its own hash computed from scratch (World.FreshStateHash): a
// clone that shared its original's sum, or its chunks' writes, would not.
func TestStateMemos_MemoryClonedBeforeHash(t *testing.T) {
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, spec.Virtio14, nil, nil)
	require.NoError(t, err)
	tg.RecordActors = true
	seed := engine.ScheduleSeed(1, 0)
	f, err := tg.Factory(seed)
	require.NoError(t, err)
	build := func() *world.World {
		sys, err := f(engine.NewStreams(seed))
		require.NoError(t, err)
		w := sys.(*world.World)
		t.Cleanup(w.Close)
		w.TrackState()
		return w
	}
	// pick chooses the step a run takes from its enabled ones: the same
	// for every world at one step number, so that worlds in one state take
	// the same step.
	pick := func(n int) func([]engine.Step) int {
		return func(en []engine.Step) int { return (n*7 + 3) % len(en) }
	}
	// run takes steps from..to-1 of the run on w.
	run := func(w *world.World, from, to int) {
		for n := from; n < to; n++ {
			steps, fin := walk(w, 1, pick(n), nil)
			require.Nil(t, fin, "step %d", n)
			require.Equal(t, 1, steps, "step %d: the run has not ended", n)
		}
	}
	// fresh is the state hash of a world that took the first n steps.
	fresh := func(n int) uint64 {
		w := build()
		run(w, 0, n)
		h, ok := w.StateHash()
		require.True(t, ok)
		return h
	}
	// hash is w's state hash, checked against the one from scratch.
	hash := func(w *world.World, what string) uint64 {
		h, ok := w.StateHash()
		require.True(t, ok, what)
		assert.Equal(t, w.FreshStateHash(), h, "%s: the kept hash is the one from scratch", what)
		return h
	}
	const forkAt, more = 40, 25
	for _, tc := range []struct {
		name string
		// origSteps and copySteps are the steps the original and the
		// copy take after the fork; copyFirst hashes the copy first.
		origSteps, copySteps int
		copyFirst            bool
	}{
		{"the original runs on, the copy is hashed where it was made", more, 0, true},
		{"the copy runs on, the original is hashed where the copy was made", 0, more, false},
		{"both run on alike, the original hashed first", more, more, false},
		{"both run on alike, the copy hashed first", more, more, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			orig := build()
			run(orig, 0, forkAt)
			written := 0
			for _, m := range orig.MemoriesForTest() {
				if m != nil {
					require.False(t, unexported(m, "kept").Bool(), "no memory keeps a sum before the first state hash")
					if m.FreshStateHash() != 0 {
						written++
					}
				}
			}
			require.Positive(t, written, "the run wrote guest memory before the copy")
			k, ok := orig.Fork()
			require.True(t, ok, "the world is kept")
			sys, ok := k.(engine.Forker).Fork()
			require.True(t, ok, "the kept world forks")
			cp := sys.(*world.World)
			t.Cleanup(cp.Close)
			for _, m := range cp.MemoriesForTest() {
				if m != nil {
					assert.False(t, unexported(m, "kept").Bool(), "the copy's memories keep no sum either")
				}
			}
			run(orig, forkAt, forkAt+tc.origSteps)
			run(cp, forkAt, forkAt+tc.copySteps)
			var ho, hc uint64
			if tc.copyFirst {
				hc, ho = hash(cp, "copy"), hash(orig, "original")
			} else {
				ho, hc = hash(orig, "original"), hash(cp, "copy")
			}
			assert.Equal(t, fresh(forkAt+tc.origSteps), ho, "the original's hash is a fresh world's after the same steps")
			assert.Equal(t, fresh(forkAt+tc.copySteps), hc, "the copy's hash is a fresh world's after the same steps")
			if tc.origSteps == tc.copySteps {
				assert.Equal(t, ho, hc)
			} else {
				assert.NotEqual(t, ho, hc, "the steps one took after the copy changed its state")
			}
		})
	}
}
