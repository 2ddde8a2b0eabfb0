package world_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/hv"
)

// TestRebuildHypervisor_EveryCheckpoint: a rebuild may restore any
// checkpoint of the hypervisor's record, not only the last, and passes the
// later ones as its fast-forward reaches them: on rows whose records hold
// several, a world rebuilt at a decision from each of its record's
// checkpoints runs on exactly as the original (the views at every
// decision, the end, the calls of the record, checkpoints at the same
// places). A rebuild that restores one checkpoint and resumes the record
// after the next one (a planted bug: the replay resumed from the wrong
// checkpoint) must be refused or run otherwise than the original.
func TestRebuildHypervisor_EveryCheckpoint(t *testing.T) {
	names := []string{"vm-two-guests", "net-rx-while-stopped", "compat-net-mq8-to-4"}
	if testing.Short() {
		names = names[:1]
	}
	var scens []*scenario.Scenario
	for _, name := range names {
		s, err := catalog.CatalogScenario(name)
		require.NoError(t, err)
		scens = append(scens, s)
	}
	exact, passedMany, planted, caught := 0, 0, 0, 0
	eachRecordedRow(t, scens, func(s *scenario.Scenario, e scenario.Expectation, f engine.Factory, seed uint64) {
		name := fmt.Sprintf("%s line %d (%s)", s.Name, e.Line, e.Edition)
		build := worldBuilder(t, f, seed, name)
		var picks []int
		a := build()
		orig := driveHV(t, a, &picks, rand.New(rand.NewPCG(1, uint64(e.Line))), -1, nil)
		a.Close()
		full := a.HVRecord()
		n := len(orig.views)
		for _, k := range []int{n / 2, n - 1} {
			cps := checkpointsIn(full[:orig.logLen[k]])
			// rebuild rebuilds at decision k, restoring checkpoint i and
			// resuming at entry resume, and says how the run differs from
			// the original ("" when it does not).
			rebuild := func(i, resume int) (string, error) {
				b := build()
				defer b.Close()
				var rebuildErr error
				var before, after decisionView
				got := driveHV(t, b, &picks, nil, k, func() bool {
					before = viewOf(b)
					rebuildErr = b.RebuildHypervisorWith(a, orig.logLen[k], hv.Rebuild{Restore: func(at []int) (int, int) {
						require.Equal(t, cps, at, name)
						return at[i], resume
					}})
					after = viewOf(b)
					return rebuildErr == nil
				})
				switch {
				case rebuildErr != nil:
					return "", rebuildErr
				case fmt.Sprint(before) != fmt.Sprint(after):
					return "the rebuild changed the world", nil
				case orig.end != got.end:
					return fmt.Sprintf("the run ends %q, not %q", got.end, orig.end), nil
				case fmt.Sprint(orig.views) != fmt.Sprint(got.views):
					return "the decisions differ", nil
				}
				rec := b.HVRecord()
				if len(rec) != len(full) {
					return fmt.Sprintf("the record holds %d entries, not %d", len(rec), len(full)), nil
				}
				for j := range full {
					if full[j].Call != rec[j].Call || full[j].Arg != rec[j].Arg || full[j].N != rec[j].N {
						return fmt.Sprintf("the record's entry %d differs", j), nil
					}
				}
				return "", nil
			}
			for i, at := range cps {
				diff, err := rebuild(i, at+1)
				how := fmt.Sprintf("%s: decision %d, checkpoint %d of %d (entry %d)", name, k, i+1, len(cps), at)
				if err != nil {
					// The refusals of a correct rebuild say "(not rebuilt)".
					require.ErrorContains(t, err, "(not rebuilt)", how)
					continue
				}
				require.Empty(t, diff, how)
				exact++
				if len(cps)-i > 2 {
					passedMany++
				}
				if i+1 < len(cps) {
					planted++
					diff, err := rebuild(i, cps[i+1]+1)
					require.True(t, err != nil || diff != "", "%s: restored and resumed after checkpoint %d (entry %d), the rebuild ran as the original", how, i+2, cps[i+1])
					caught++
				}
			}
		}
	})
	t.Logf("%d rebuilds exact, %d of them passing at least two later checkpoints; %d resumed after the wrong checkpoint, %d caught", exact, passedMany, planted, caught)
	require.Positive(t, passedMany, "a rebuild passing several checkpoints")
	require.Positive(t, planted)
	require.Equal(t, planted, caught)
}
