package catalog

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// benchCanonical is the scenario of BenchmarkExploreCanonical: FLR during
// freeze. When the catalog lacks it the benchmark falls
// back to smoke-migrate and says so in its log.
const benchCanonical = "flr-during-freeze"

// BenchmarkExploreCanonical explores the canonical scenario under
// draft-2023 with its default knobs (no finding, so every run goes to the
// end) with pct on one job. One op is one schedule.
//
// executed: every schedule runs the world. It reports executed runs/s,
// ns/decision, decisions per run, the distinct interleavings among the
// b.N schedules, and (with -benchmem) bytes and allocations per run.
// Targets: at least 10,000 executed runs/s on one core (goal 25,000).
//
// executed-fork: as executed, every run from a copy of the world kept at
// the first decision with more than one enabled step (ExploreConfig.Fork
// and SeedFree; the worlds record their actors); it reports the same
// metrics, the copies kept, the runs restored from one and the decisions
// each did not run again.
//
// memo: the decision-tree memo answers repeated interleavings; it reports
// effective schedules/s (memo hits included), executed runs and memo hits
// per 1000 schedules. Bytes and allocations per op are per schedule.
//
// The test binary paces the collector as the migsim command does
// (package gcpolicy, TestMain). Nothing asserts the targets.
func BenchmarkExploreCanonical(b *testing.B) {
	s, err := CatalogScenario(benchCanonical)
	if err != nil {
		s, err = CatalogScenario("smoke-migrate")
		require.NoError(b, err)
		b.Logf("%s is not in the catalog: measuring %s instead", benchCanonical, s.Name)
	}
	tg, err := NewTarget(s, spec.Draft2023, nil, nil)
	require.NoError(b, err)
	f, seedFree, err := tg.FactoryInfo(engine.ScheduleSeed(1, 0))
	require.NoError(b, err)
	// The worlds of executed-fork record their actors, so that a copy
	// can rebuild them.
	tg.RecordActors = true
	ff, _, err := tg.FactoryInfo(engine.ScheduleSeed(1, 0))
	require.NoError(b, err)
	tg.RecordActors = false
	explore := func(b *testing.B, memo *engine.MemoConfig, fork bool) engine.Summary {
		b.ReportAllocs()
		b.ResetTimer()
		cfg := engine.ExploreConfig{Factory: f, Strategy: engine.StrategyPCT,
			Schedules: b.N, Seed: 1, Jobs: 1, MaxSteps: DefaultJudgeMaxSteps, Memo: memo}
		if fork {
			cfg.Factory, cfg.Fork, cfg.SeedFree = ff, true, true
		}
		sum, err := engine.Explore(context.Background(), cfg)
		b.StopTimer()
		require.NoError(b, err)
		require.Equal(b, b.N, sum.Schedules)
		b.ReportMetric(float64(sum.Distinct), "distinct")
		return sum
	}
	executed := func(b *testing.B, fork bool) {
		sum := explore(b, nil, fork)
		if elapsed := b.Elapsed().Seconds(); elapsed > 0 {
			b.ReportMetric(float64(sum.Executed)/elapsed, "runs/s")
		}
		// Memo off: every decision is an executed one (ExecutedDecisions),
		// so ns/decision measures the system's work, as explore's does.
		require.Equal(b, sum.Decisions, sum.ExecutedDecisions)
		if sum.Decisions > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(sum.ExecutedDecisions), "ns/decision")
			b.ReportMetric(float64(sum.Decisions)/float64(sum.Schedules), "decisions/run")
		}
		if st := sum.Fork; fork {
			require.NotNil(b, st)
			b.ReportMetric(float64(st.Taken), "copies")
			b.ReportMetric(float64(st.Restored), "restored")
			b.ReportMetric(float64(st.SkippedDecisions)/float64(max(st.Restored, 1)), "skipped/restored")
		}
	}
	b.Run("executed", func(b *testing.B) { executed(b, false) })
	b.Run("executed-fork", func(b *testing.B) {
		require.True(b, seedFree, "the target's reference log depends on the seed: no fork of sampled runs")
		executed(b, true)
	})
	b.Run("memo", func(b *testing.B) {
		require.True(b, seedFree, "the target's reference log depends on the seed: no memo")
		sum := explore(b, &engine.MemoConfig{}, false)
		if elapsed := b.Elapsed().Seconds(); elapsed > 0 {
			b.ReportMetric(float64(sum.Schedules)/elapsed, "schedules/s")
		}
		b.ReportMetric(1000*float64(sum.Executed)/float64(sum.Schedules), "executed/1000")
		b.ReportMetric(1000*float64(sum.Memo.Hits)/float64(sum.Schedules), "hits/1000")
	})
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
			f := benchFactory(b, s, ed)
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

// vmScenario is a VM of n guests, one VF each, each probing, writing and
// reading its own sectors: the shape whose cost per decision must grow
// with the VM only as much as each step touches (a guest's step touches
// its own VF; a PF admin step one member).
func vmScenario(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario vm-%d-guests\nvfs %d\n", n, n)
	for i := 1; i <= n; i++ {
		fmt.Fprintf(&b, "\nguest vcpu%d vf=%d\n  probe\n  write sector=%d count=2 pattern=%#x\n  read sector=%d count=2\n",
			i-1, i, 4*i, 0x10+i%200, 4*i)
	}
	b.WriteString("\nexpect virtio-1.4 pass\n")
	return b.String()
}

// BenchmarkExploreVMGuests explores VMs of 4, 16 and 32 guests (vmScenario)
// under virtio-1.4 with random schedules on one job and reports
// ns/decision and decisions per run. The decisions grow with the guests;
// ns/decision should stay nearly flat: a cost per decision that grows with
// the VM (a scan of every actor or member on every step) shows here as a
// rising ns/decision. Nothing asserts it.
func BenchmarkExploreVMGuests(b *testing.B) {
	for _, n := range []int{4, 16, 32} {
		b.Run(fmt.Sprintf("guests=%d", n), func(b *testing.B) {
			benchDecisions(b, fmt.Sprintf("vm%d.scn", n), vmScenario(n), spec.Virtio14)
		})
	}
}

// BenchmarkExploreProof runs a row's proof: smoke-migrate under
// virtio-1.4, dfs at preemption bound 2 with state pruning (sleep sets,
// the catalog's "states" reduction), on one job. One op is one run of the
// search's budget (b.N runs, all from one factory, as a proof's are), so
// the time per op is a proof run's: the world built for it, the replay to
// the branch point, the new decisions and the state hashes at each of
// them. It reports ns per executed run, decisions per run and the
// decisions pruned at a state already explored per op. Nothing asserts
// the time.
func BenchmarkExploreProof(b *testing.B) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(b, err)
	f := benchFactory(b, s, spec.Virtio14)
	b.ReportAllocs()
	b.ResetTimer()
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyDFS,
		Schedules: b.N, Seed: 1, Jobs: 1, Bound: 2, States: true, MaxSteps: DefaultJudgeMaxSteps})
	b.StopTimer()
	require.NoError(b, err)
	require.Zero(b, sum.Failing)
	require.False(b, sum.Complete, "the search ended before its budget: a shorter op")
	if sum.Executed > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(sum.Executed), "ns/run")
		b.ReportMetric(float64(sum.ExecutedDecisions)/float64(sum.Executed), "decisions/run")
	}
	b.ReportMetric(float64(sum.StateHits)/float64(b.N), "statehits/op")
}

// benchFactory returns the factory of scenario s's target under edition
// ed (default knobs), for the schedule seed of a benchmark's first run.
func benchFactory(b *testing.B, s *scenario.Scenario, ed spec.Edition) engine.Factory {
	b.Helper()
	tg, err := NewTarget(s, ed, nil, nil)
	require.NoError(b, err)
	f, err := tg.Factory(engine.ScheduleSeed(1, 0))
	require.NoError(b, err)
	return f
}

// vmVFsScenario is one guest on VF 1 (probe, write, read) of a VM of n VFs
// (`set vm-vfs=1-n`, 256 VFs enabled) under the default flow: every member
// of the VM is built and migrated, but only VF 1 does I/O, so most of the
// work of a step is the flow's PF steps.
func vmVFsScenario(n int) string {
	return fmt.Sprintf("scenario vm-%d-vfs\ntitle scaling\nvfs 256\nset vm-vfs=1-%d\n\n"+
		"guest vcpu0 vf=1\n  probe\n  write sector=0 count=2 pattern=0xc1\n  read sector=0 count=2\n\n"+
		"expect draft-2023 pass\n", n, n)
}

// BenchmarkExploreVMVFs explores a VM of 8, 32 and 128 VFs
// (vmVFsScenario) under draft-2023 with random schedules on one job and
// reports ns/decision and decisions per run. The decisions grow with the
// VFs (the flow stops, reads and moves each member); ns/decision should
// stay nearly flat: a PF step changes the member its command names, and
// an oracle that looks at every member of the host on every PF step shows
// here as a rising ns/decision. Nothing asserts it.
func BenchmarkExploreVMVFs(b *testing.B) {
	for _, n := range []int{8, 32, 128} {
		b.Run(fmt.Sprintf("vfs=%d", n), func(b *testing.B) {
			benchDecisions(b, fmt.Sprintf("vm%dvfs.scn", n), vmVFsScenario(n), spec.Draft2023)
		})
	}
}

// benchDecisions explores the scenario src (named file) under ed with
// b.N random schedules on one job, requires no finding, and reports
// ns/decision and decisions per run: the shape of the scaling benchmarks.
func benchDecisions(b *testing.B, file, src string, ed spec.Edition) {
	s, err := LoadScenario(file, []byte(src))
	require.NoError(b, err)
	f := benchFactory(b, s, ed)
	b.ReportAllocs()
	b.ResetTimer()
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyRandom,
		Schedules: b.N, Seed: 1, Jobs: 1, MaxSteps: DefaultJudgeMaxSteps})
	b.StopTimer()
	require.NoError(b, err)
	require.Zero(b, sum.Failing)
	if sum.Decisions > 0 {
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(sum.Decisions), "ns/decision")
		b.ReportMetric(float64(sum.Decisions)/float64(sum.Schedules), "decisions/run")
	}
}
