package catalog

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// deviceRuleOracles judge what the reference devices and drivers must do
// under every spec variant: PCI and MSI-X rules, quiescing, admin
// statuses and reads, a load's atomicity, and that a run ends. A knob
// changes what the spec asks (what Freeze holds, when a reply comes, what
// an FLR does to a stop), never these; one firing under a knob alone is a
// simulator bug that a spec author picking that knob would read as the
// variant's verdict.
var deviceRuleOracles = []string{"msix-target", "no-dma-when-stopped", "no-notify-when-stopped", "admin-status", "readback",
	"no-run-before-resume", "atomic-load", engine.OracleLive, engine.OraclePanic, OracleScenario, OracleReference}

// sweepSchedules is how many schedules each strategy runs per scenario,
// edition and knob value: the first of dfs (the run that follows the
// programs' order) and random ones.
const sweepSchedules = 4

// TestKnobSweep_NoDeviceRuleFindingOfAKnobAlone runs every catalog
// scenario under every edition and every value of every knob that
// applies to it, one knob changed at a time, for a few schedules of dfs
// and of random, and requires that no device-rule oracle finds anything
// the scenario's default run does not find too, unless an expect line of
// that knob names it. Such sweeps found an FLR during which a resumed
// member sent its held interrupts with the pre-FLR MSI-X table
// (flr-vs-mode=complete-anyway), and a rollback that sent a frozen VF
// straight to Active under transitions=strict-chain.
func TestKnobSweep_NoDeviceRuleFindingOfAKnobAlone(t *testing.T) {
	scens, err := Catalog()
	require.NoError(t, err)
	for _, s := range scens {
		for _, ed := range spec.Editions {
			t.Run(s.Name+"/"+ed.String(), func(t *testing.T) {
				base, ok := sweepFindings(t, s, ed, nil)
				if !ok {
					return // the scenario has nothing to run under this edition
				}
				def := spec.DefaultRules(ed)
				for _, k := range spec.KnobsFor(ed) {
					for _, v := range k.Values {
						if v == k.Get(def) {
							continue
						}
						kv := k.Name + "=" + v
						got, ok := sweepFindings(t, s, ed, []string{kv})
						if !ok {
							continue
						}
						for _, o := range got {
							if slices.Contains(deviceRuleOracles, o.oracle) && !slices.Contains(base.oracles(), o.oracle) && !expectsOracle(s, ed, kv, o.oracle) {
								t.Errorf("%s %s %s: %s at schedule %s: %s", s.Name, ed, kv, o.oracle, o.where, o.message)
							}
						}
					}
				}
			})
		}
	}
}

// sweepFinding is one finding of a sweep's exploration.
type sweepFinding struct{ oracle, where, message string }

type sweepFound []sweepFinding

func (f sweepFound) oracles() []string {
	var out []string
	for _, x := range f {
		out = append(out, x.oracle)
	}
	return out
}

// sweepFindings explores s under ed and knobs with sweepSchedules of dfs
// and of random; false when the target is refused (a knob or a program
// the edition does not have).
func sweepFindings(t *testing.T, s *scenario.Scenario, ed spec.Edition, knobs []string) (sweepFound, bool) {
	t.Helper()
	tg, err := NewTarget(s, ed, knobs, nil)
	if err != nil {
		return nil, false
	}
	f, err := tg.Factory(engine.ScheduleSeed(1, 0))
	require.NoError(t, err, "%s %s %v", s.Name, ed, knobs)
	var out sweepFound
	for _, strategy := range []string{engine.StrategyDFS, engine.StrategyRandom} {
		sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: strategy, Schedules: sweepSchedules,
			Seed: 1, Jobs: 1, MaxSteps: tg.StepBound(), Bound: -1})
		require.NoError(t, err, "%s %s %v %s", s.Name, ed, knobs, strategy)
		for _, r := range sum.Findings {
			out = append(out, sweepFinding{r.Finding.Oracle, fmt.Sprintf("%s #%d", strategy, r.Index), r.Finding.Message})
		}
	}
	return out, true
}

// expectsOracle reports whether s has an expect line under ed with
// exactly the knob kv that names oracle.
func expectsOracle(s *scenario.Scenario, ed spec.Edition, kv, oracle string) bool {
	for _, e := range s.Expect {
		if e.Edition == ed && slices.Equal(e.Knobs, []string{kv}) && e.Oracle == oracle {
			return true
		}
	}
	return false
}
