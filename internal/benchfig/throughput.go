// Package benchfig is what `migsim bench`, `migsim bench vfs` and
// `migsim conform --bench` measure and how their figures stand to the
// targets: the canonical exploration's throughput in batches on one core
// (schedules/s, ns/decision; targets of docs/engine.md, "Exploring"), the
// memory a PF's touched VFs hold (heap per touched VF, peak heap, resident
// set; docs/owner.md, "Many VFs"), and a device under test's runs per
// second against the in-process reference's (docs/conformance.md), each
// with the lines the command prints.
package benchfig

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Throughput targets of the canonical exploration (docs/engine.md,
// "Exploring"; BenchmarkExploreCanonical): at least Target schedules/s on
// one core, below Defect a defect.
const (
	Target = 50_000
	Defect = 10_000
)

// CanonicalScenario is the scenario bench runs when --scenario is not
// given: flr-during-freeze, or smoke-migrate in a catalog without it.
func CanonicalScenario() string {
	if _, err := catalog.CatalogScenario("flr-during-freeze"); err == nil {
		return "flr-during-freeze"
	}
	return "smoke-migrate"
}

// IsCanonical reports whether t explored by strategy is the exploration
// the throughput targets are for: the catalog's canonical scenario under
// draft-2023 with its default knobs and settings, explored by pct.
func IsCanonical(t catalog.Target, strategy string) bool {
	return t.Scenario.Name == CanonicalScenario() && catalog.Embedded(t.Scenario) && t.Edition == spec.Draft2023 &&
		len(t.Knobs()) == 0 && len(t.Settings) == 0 && strategy == engine.StrategyPCT
}

// Batches explores f on one job in batches of schedules schedules (seeds
// from b's, one a batch, b's pct depth) until seconds have passed, at
// least one batch, and sums what they ran.
func Batches(f engine.Factory, b scenario.Budget, strategy string, schedules int, seconds float64) (engine.Summary, error) {
	var total engine.Summary
	start := time.Now()
	for batch := 0; batch == 0 || time.Since(start).Seconds() < seconds; batch++ {
		sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: strategy,
			Schedules: schedules, Seed: b.Seed + uint64(batch), Jobs: 1, PCTDepth: b.Depth, MaxSteps: catalog.DefaultJudgeMaxSteps})
		if err != nil {
			return total, fmt.Errorf("bench: %w", err)
		}
		total.Schedules += sum.Schedules
		total.Decisions += sum.Decisions
		total.ExecutedDecisions += sum.ExecutedDecisions
		total.Failing += sum.Failing
		total.Elapsed += sum.Elapsed
	}
	return total, nil
}

// WriteThroughput prints what the batches ran (total) and the throughput,
// judged against the targets when canonical (IsCanonical) and only
// measured otherwise; target names the exploration ("NAME EDITION [knobs]").
func WriteThroughput(w io.Writer, target, strategy string, total engine.Summary, canonical bool) {
	fmt.Fprintf(w, "bench %s: %s, 1 job\n", target, strategy)
	fmt.Fprintf(w, "schedules: %d, decisions: %d (%.1f per schedule), failing: %d, elapsed %s\n",
		total.Schedules, total.Decisions, float64(total.Decisions)/float64(total.Schedules), total.Failing,
		total.Elapsed.Round(time.Millisecond))
	rate := total.SchedulesPerSecond()
	fmt.Fprintf(w, "throughput: %.0f schedules/s, %.0f ns/decision\n", rate, total.NsPerDecision())
	switch {
	case !canonical:
		fmt.Fprintf(w, "target: none for this exploration (the %d schedules/s target is the canonical one's: %s %s, default knobs, pct)\n",
			Target, CanonicalScenario(), spec.Draft2023)
	case rate >= Target:
		fmt.Fprintf(w, "target: >= %d schedules/s met\n", Target)
	case rate >= Defect:
		fmt.Fprintf(w, "target: >= %d schedules/s missed (not below the defect line of %d)\n", Target, Defect)
	default:
		fmt.Fprintf(w, "target: below %d schedules/s: a defect to report (target %d)\n", Defect, Target)
	}
}
