package catalog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// benchCanonical is the scenario of BenchmarkExploreCanonical: FLR during
// freeze. When the catalog lacks it the benchmark falls
// back to smoke-migrate and says so in its log.
const benchCanonical = "flr-during-freeze"

// BenchmarkExploreCanonical explores the canonical scenario under
// draft-2023 with its default knobs (no finding, so every run goes to the
// end) with pct on one job, and reports schedules/s and ns/decision.
// Targets: at least 50,000 schedules/s on one core; below 10,000 is a
// defect to report. Nothing asserts them.
func BenchmarkExploreCanonical(b *testing.B) {
	s, err := CatalogScenario(benchCanonical)
	if err != nil {
		s, err = CatalogScenario("smoke-migrate")
		require.NoError(b, err)
		b.Logf("%s is not in the catalog: measuring %s instead", benchCanonical, s.Name)
	}
	tg, err := NewTarget(s, spec.Draft2023, nil, nil)
	require.NoError(b, err)
	f, err := tg.Factory(engine.ScheduleSeed(1, 0))
	require.NoError(b, err)
	b.ResetTimer()
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyPCT,
		Schedules: b.N, Seed: 1, Jobs: 1, MaxSteps: DefaultJudgeMaxSteps})
	b.StopTimer()
	require.NoError(b, err)
	require.Equal(b, b.N, sum.Schedules)
	elapsed := b.Elapsed().Seconds()
	if elapsed > 0 {
		b.ReportMetric(float64(sum.Schedules)/elapsed, "schedules/s")
	}
	if sum.Decisions > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(sum.Decisions), "ns/decision")
		b.ReportMetric(float64(sum.Decisions)/float64(sum.Schedules), "decisions/schedule")
	}
}

// BenchmarkExploreManyVFs explores vm-8-of-1024 (1,024 VFs enabled, a VM
// of 8 migrating while two other VMs do I/O) with pct on one job, in both
// editions, and reports schedules/s. Target: the scenario's 100 schedules
// per edition in seconds, i.e. well above 100 schedules/s; its cost must
// follow the VFs the VM holds and the guests touch, not the VFs enabled.
func BenchmarkExploreManyVFs(b *testing.B) {
	s, err := CatalogScenario("vm-8-of-1024")
	require.NoError(b, err)
	for _, ed := range spec.Editions {
		b.Run(ed.String(), func(b *testing.B) {
			tg, err := NewTarget(s, ed, nil, nil)
			require.NoError(b, err)
			f, err := tg.Factory(engine.ScheduleSeed(1, 0))
			require.NoError(b, err)
			b.ResetTimer()
			sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyPCT,
				Schedules: b.N, Seed: 1, Jobs: 1, PCTDepth: 3, MaxSteps: DefaultJudgeMaxSteps})
			b.StopTimer()
			require.NoError(b, err)
			require.Zero(b, sum.Failing)
			if elapsed := b.Elapsed().Seconds(); elapsed > 0 {
				b.ReportMetric(float64(sum.Schedules)/elapsed, "schedules/s")
			}
			if sum.Schedules > 0 {
				b.ReportMetric(float64(sum.Decisions)/float64(sum.Schedules), "decisions/schedule")
			}
		})
	}
}
