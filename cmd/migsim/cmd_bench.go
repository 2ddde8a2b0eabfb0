package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/gcpolicy"
	"github.com/migsim/migsim/spec"
)

func init() {
	register(command{
		name:    "bench",
		summary: "measure exploration throughput (schedules/s, ns/decision); bench vfs: memory per VF",
		run:     runBench,
	})
}

const benchUsage = `usage: migsim bench [--scenario S] [--seconds N] [--schedules N] [--strategy S]
       migsim bench vfs [--count N] [--spec EDITION]   (memory per VF; see bench vfs --help)

Runs the canonical exploration (flr-during-freeze under draft-2023 with its
default knobs when the catalog has it) on one core, in batches of --schedules
schedules until --seconds have passed (at least one batch), and prints
schedules/s and ns/decision. Targets of the canonical exploration (pct, the
defaults of --scenario, --spec and --knob; docs/engine.md, "Exploring"): at
least 50,000 schedules/s on one core; below 10,000 is a defect. Another
exploration is measured without a judgement. Figures depend on the machine;
nothing asserts them.

flags:
`

// Throughput targets of BenchmarkExploreCanonical (docs/engine.md, "Exploring").
const (
	benchTarget = 50_000
	benchDefect = 10_000
)

// canonicalScenario is the scenario bench runs when --scenario is not given.
func canonicalScenario() string {
	if _, err := catalog.CatalogScenario("flr-during-freeze"); err == nil {
		return "flr-during-freeze"
	}
	return "smoke-migrate"
}

// isCanonicalBench reports whether bench measured the exploration the
// throughput targets are for: the catalog's canonical scenario under
// draft-2023 with its default knobs and settings, explored by pct.
func isCanonicalBench(t catalog.Target, strategy string) bool {
	return t.Scenario.Name == canonicalScenario() && catalog.Embedded(t.Scenario) && t.Edition == spec.Draft2023 &&
		len(t.Knobs()) == 0 && len(t.Settings) == 0 && strategy == engine.StrategyPCT
}

// runBench implements `migsim bench`.
func runBench(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "vfs" {
		return runBenchVFs(args[1:], stdout, stderr)
	}
	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	tf := addTargetFlags(fs, canonicalScenario())
	seconds := fs.Float64("seconds", 0, "keep running batches until this many seconds have passed")
	schedules := fs.Int("schedules", 2000, "schedules per batch")
	strategy := fs.String("strategy", engine.StrategyPCT, "random or pct")
	fs.Usage = func() {
		fmt.Fprint(stdout, benchUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageError(stderr, "bench", "%v", cliflag.Error(err, benchLimits...))
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "bench", "unexpected arguments %q", fs.Args())
	}
	if err := cliflag.CheckFinite("seconds", *seconds, 0, maxSeconds); err != nil {
		return usageError(stderr, "bench", "%v", err)
	}
	gcpolicy.Apply()
	if err := cliflag.CheckInts(fs, benchLimits...); err != nil {
		return usageError(stderr, "bench", "%v", err)
	}
	if *strategy != engine.StrategyRandom && *strategy != engine.StrategyPCT {
		return usageError(stderr, "bench", "--strategy %q: want random or pct", *strategy)
	}
	t, err := tf.resolve()
	if err != nil {
		return targetError(stderr, "bench", err)
	}
	b := t.Scenario.BudgetFor(t.Edition)
	f, err := t.Factory(engine.ScheduleSeed(b.Seed, 0))
	if err != nil {
		fmt.Fprintf(stderr, "migsim bench: %s\n", userError(err))
		return exitFinding
	}
	var total engine.Summary
	start := time.Now()
	for batch := 0; batch == 0 || time.Since(start).Seconds() < *seconds; batch++ {
		sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: *strategy,
			Schedules: *schedules, Seed: b.Seed + uint64(batch), Jobs: 1, PCTDepth: b.Depth, MaxSteps: catalog.DefaultJudgeMaxSteps})
		if err != nil {
			fmt.Fprintf(stderr, "migsim bench: %v\n", err)
			return exitFinding
		}
		total.Schedules += sum.Schedules
		total.Decisions += sum.Decisions
		total.ExecutedDecisions += sum.ExecutedDecisions
		total.Failing += sum.Failing
		total.Elapsed += sum.Elapsed
	}
	fmt.Fprintf(stdout, "bench %s: %s, 1 job\n", targetText(t), *strategy)
	fmt.Fprintf(stdout, "schedules: %d, decisions: %d (%.1f per schedule), failing: %d, elapsed %s\n",
		total.Schedules, total.Decisions, float64(total.Decisions)/float64(total.Schedules), total.Failing,
		total.Elapsed.Round(time.Millisecond))
	rate := total.SchedulesPerSecond()
	fmt.Fprintf(stdout, "throughput: %.0f schedules/s, %.0f ns/decision\n", rate, total.NsPerDecision())
	switch {
	case !isCanonicalBench(t, *strategy):
		fmt.Fprintf(stdout, "target: none for this exploration (the %d schedules/s target is the canonical one's: %s %s, default knobs, pct)\n",
			benchTarget, canonicalScenario(), spec.Draft2023)
	case rate >= benchTarget:
		fmt.Fprintf(stdout, "target: >= %d schedules/s met\n", benchTarget)
	case rate >= benchDefect:
		fmt.Fprintf(stdout, "target: >= %d schedules/s missed (not below the defect line of %d)\n", benchTarget, benchDefect)
	default:
		fmt.Fprintf(stdout, "target: below %d schedules/s: a defect to report (target %d)\n", benchDefect, benchTarget)
	}
	return exitOK
}
