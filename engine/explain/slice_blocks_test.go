package explain

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// A slice of more steps than the narrowing's budget has checks: the
// hypervisor's 600 waits each drop on their own, and dropping them one at
// a time, latest first, spent the 400 checks on the latest waits and kept
// the earlier ones (a slice of about 200 steps, "budget spent"). Dropped
// in blocks, halved where a block matters, the narrowing finishes with
// the three steps windowSys's narrowing keeps: the freeze, the kick in the
// window and the guest's check.
func TestNarrowSlice_ManyStepsDropInBlocks(t *testing.T) {
	for _, waits := range []int{600, 2000} {
		t.Run(fmt.Sprint(waits), func(t *testing.T) {
			f := func(engine.Streams) (engine.System, error) { return &windowSys{waits: waits}, nil }
			sched := []engine.Choice{{Index: 9, Label: "hv:freeze"}, {Index: 9, Label: "hv:wait"},
				{Index: 9, Label: "peer:await"}, {Index: 9, Label: "peer:kick"}}
			for range waits - 1 {
				sched = append(sched, engine.Choice{Index: 9, Label: "hv:wait"})
			}
			sched = append(sched, engine.Choice{Index: 9, Label: "hv:active"}, engine.Choice{Index: 9, Label: "hv:done"},
				engine.Choice{Index: 9, Label: "guest:check"})
			res, err := engine.Run(f, 1, engine.NewLenientReplay(sched), engine.RunConfig{MaxSteps: 3 * waits})
			require.NoError(t, err)
			require.NotNil(t, res.Finding)
			end := waits + 5
			require.Equal(t, end, res.Finding.Step)
			all := make([]int, end+1)
			for i := range all {
				all[i] = i
			}
			n, err := NarrowSlice(f, 1, res, all, 3*waits, 0)
			require.NoError(t, err)
			assert.False(t, n.Cut, "the narrowing tried every step within its budget")
			assert.Equal(t, []int{0, 3, end}, n.Slice, "hv:freeze, peer:kick, guest:check")
			assert.True(t, n.Check.Kept)
			assert.Less(t, n.Runs, 100, "checks")
			c, err := CheckSlice(f, 1, res, n.Slice, 3*waits)
			require.NoError(t, err)
			assert.Equal(t, n.Check, c)
		})
	}
}
