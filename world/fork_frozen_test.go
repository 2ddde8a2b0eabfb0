package world_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// TestFork_KeptGraphsStayFrozen: in the searches of TestFork_RealSameSearch,
// every copy of a kept copy of the world and every restore of a
// hypervisor's checkpoint after the first (worldcopy.Frozen, which fills
// its first copy's plan) finds its graph as the first copy left it
// (worldcopy.CheckFrozen): nothing the runs, the rebuilds and the search
// do writes a kept copy or a checkpoint's shape between its copies. Its
// searches, with the fork and without, are shared with
// TestFork_RealSameSearch and TestFork_SameSearchOnWorlds (forkSearches):
// each runs once, under the check.
func TestFork_KeptGraphsStayFrozen(t *testing.T) {
	rows := realForkRows()
	if testing.Short() {
		rows = rows[:3]
	}
	// Longer searches of two rows, whose kept copies are forked more
	// than once (a short search's seldom are).
	rows = append(rows, forkRow{"vm-two-guests", spec.Virtio14, nil, 600}, forkRow{"net-rx-while-stopped", spec.Draft2023, nil, 600})
	checked := map[string]int{}
	var changed []string
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/%s/%v", row.scenario, row.ed, row.knobs), func(t *testing.T) {
			off, on := unforkedSearch(t, row), realForkSearch(t, row)
			sameForkSearch(t, off.search, on.search, rerunRealFork(t, row))
			for _, r := range []*frozenSearch{off, on} {
				for root, n := range r.checked {
					checked[root] += n
				}
				changed = append(changed, r.changed...)
			}
		})
	}
	require.Empty(t, changed, "kept graphs written after their first copy")
	t.Logf("later copies checked, by root type: %v", checked)
	require.Positive(t, checked["world.World"], "later copies of kept copies of the world")
	require.Positive(t, checked["hv.checkpoint"], "later restores of a checkpoint")
}
