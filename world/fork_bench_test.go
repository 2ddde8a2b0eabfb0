package world_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// BenchmarkFork_Rebuild makes runnable copies of a kept copy of a world
// stopped mid-run (World.Fork, then keptWorld.Fork), and, apart, only
// copies its data: the difference is what rebuilding the actors from
// their records costs a forked dfs run.
func BenchmarkFork_Rebuild(b *testing.B) {
	for _, c := range []struct {
		scen  string
		ed    spec.Edition
		steps int // the decision forked
	}{
		{"net-rx-while-stopped", spec.Draft2023, 60},
		{"net-rx-while-stopped", spec.Virtio14, 120},
		{"net-cvq-in-flight-at-stop", spec.Draft2023, 100},
		{"smoke-migrate", spec.Virtio14, 80},
	} {
		b.Run(fmt.Sprintf("%s/%s/%d", c.scen, c.ed, c.steps), func(b *testing.B) {
			r := newRebuildTarget(b, rebuildRow{scenario: c.scen, ed: c.ed}, 1)
			calls, steps := r.run(b)
			w, _ := r.replayTo(b, calls, min(c.steps, steps-1))
			defer w.Close()
			k, ok := w.Fork()
			require.True(b, ok, "the world forks: %q", world.ForkRefusals())
			b.Run("fork", func(b *testing.B) {
				for b.Loop() {
					s, ok := k.(engine.Forker).Fork()
					require.True(b, ok, "the kept copy forks: %q", world.ForkRefusals())
					s.(*world.World).Close()
				}
			})
			b.Run("copy", func(b *testing.B) {
				for b.Loop() {
					c, err := world.CopyKeptForTest(k)
					require.NoError(b, err)
					c.Close()
				}
			})
		})
	}
}
