package world_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/hv"
)

// A default flow that fails before its first step (the precheck of a VF
// whose SR-IOV group's LIST_QUERY failed at the owner's probe) runs while
// the world adds the hypervisor: its outcome names the default flow, not
// the scenario file, whether or not the world records its actors, and its
// hypervisor rebuilt from the record at the first decision ends the flow
// the same way.
func TestDefaultFlow_FailsBeforeItsFirstStep(t *testing.T) {
	s, err := catalog.CatalogScenario("linux-admin-init")
	require.NoError(t, err)
	for _, row := range []struct {
		line int
		want string
	}{
		{36, "default draft-2023 flow:3: precheck: dst: VF not migratable"},
		{38, "default virtio-1.4 flow:3: precheck: dst: VF not migratable"},
	} {
		var found bool
		for _, e := range s.Expect {
			if e.Line != row.line {
				continue
			}
			found = true
			for _, record := range []bool{false, true} {
				name := fmt.Sprintf("line %d (%s %v) recording %v", e.Line, e.Edition, e.Knobs, record)
				tg, err := catalog.NewTarget(s, e.Edition, e.Knobs, nil)
				require.NoError(t, err, name)
				tg.Settings, tg.RecordActors = e.Settings, record
				seed := engine.ScheduleSeed(1, e.Line)
				f, err := tg.Factory(seed)
				require.NoError(t, err, name)
				build := worldBuilder(t, f, seed, name)
				var picks []int
				a := build()
				orig := driveHV(t, a, &picks, rand.New(rand.NewPCG(1, uint64(e.Line))), -1, nil)
				a.Close()
				assert.Contains(t, orig.end, "error:not-migratable", name)
				assert.Contains(t, orig.end, row.want, name)
				if !record {
					continue
				}
				b := build()
				got := driveHV(t, b, &picks, nil, 0, func() bool {
					require.NoError(t, b.RebuildHypervisorWith(a, len(a.HVRecord()), hv.Rebuild{}), name)
					return true
				})
				b.Close()
				assert.Equal(t, orig.end, got.end, name)
			}
		}
		require.True(t, found, "linux-admin-init has no expect line %d", row.line)
	}
}
