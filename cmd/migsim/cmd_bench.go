package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/benchfig"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/gcpolicy"
	"github.com/migsim/migsim/internal/usererr"
)

func init() {
	register(command{
		name:    "bench",
		summary: "measure exploration throughput (schedules/s, ns/decision); bench vfs: memory per VF",
		run:     runBench,
	})
}

const benchUsage = `usage: migsim bench [--scenario S] [--spec E] [--knob k=v...] [--set k=v...] [--seconds N]
       [--schedules N] [--strategy S]
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

// runBench implements `migsim bench`.
func runBench(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "vfs" {
		return runBenchVFs(args[1:], stdout, stderr)
	}
	fs := pflag.NewFlagSet("bench", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	tf := addTargetFlags(fs, benchfig.CanonicalScenario())
	seconds := fs.Float64("seconds", 0, "keep running batches until this many seconds have passed")
	schedules := fs.Int("schedules", 2000, "schedules per batch")
	strategy := fs.String("strategy", engine.StrategyPCT, "random or pct")
	fs.Usage = func() {
		fmt.Fprint(stdout, benchUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "bench", "%v", cliflag.Error(err, benchLimits...))
	}
	if fs.NArg() > 0 {
		return cmdbase.UsageError(stderr, "bench", "unexpected arguments %q", fs.Args())
	}
	if err := cliflag.CheckFinite(fs, "seconds", 0, maxSeconds); err != nil {
		return cmdbase.UsageError(stderr, "bench", "%v", err)
	}
	gcpolicy.Apply()
	if err := cliflag.CheckInts(fs, benchLimits...); err != nil {
		return cmdbase.UsageError(stderr, "bench", "%v", err)
	}
	if *strategy != engine.StrategyRandom && *strategy != engine.StrategyPCT {
		return cmdbase.UsageError(stderr, "bench", "--strategy %q: want random or pct", *strategy)
	}
	t, err := tf.resolve()
	if err != nil {
		return targetError(stderr, "bench", err)
	}
	b := t.Scenario.BudgetFor(t.Edition)
	f, err := t.Factory(engine.ScheduleSeed(b.Seed, 0))
	if err != nil {
		fmt.Fprintf(stderr, "migsim bench: %s\n", usererr.Text(err))
		return cmdbase.ExitFinding
	}
	total, err := benchfig.Batches(f, b, *strategy, *schedules, *seconds)
	if err != nil {
		fmt.Fprintf(stderr, "migsim %v\n", err)
		return cmdbase.ExitFinding
	}
	benchfig.WriteThroughput(stdout, targetText(t), *strategy, total, benchfig.IsCanonical(t, *strategy))
	return cmdbase.ExitOK
}
