package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/report"
)

func init() {
	register(command{
		name:    "replay",
		summary: "replay a schedule file and reproduce its trace, byte for byte",
		run:     runReplay,
	})
}

const replayUsage = `usage: migsim replay FILE [--trace | --slice | --explain [--explain-runs N]] [--max-steps N]

Rebuilds the run a schedule file records: its scenario (the file it names,
relative to the schedule file, or the text the schedule carries when that file
is gone, or the embedded catalog's scenario of that name; the hash of the
scenario's parsed form must match),
edition, knobs, settings and seed, runs the reference without migration, then
follows the recorded choices strictly. Prints the finding and the trace hash;
--trace prints the trace, one line per step. --slice prints only the steps
the finding depends on through happens-before (the finding's step and, back
from it, every step of the same actor or with a conflicting footprint), with
the clock jumps before them, after "slice: N of M steps matter" ("all M
steps matter" when the footprints leave no step out). --explain
moves each step of the finding's run, nearest the finding first, as early
and as late as it can run (the others in their recorded order as far as
the run allows); where a move loses the finding, a bisection finds the
step it must not pass, and the orderings found print as "step I before
step J": with the two reversed the finding goes. At most --explain-runs
runs (0: no explanation). A divergence names the step.

A schedule whose finding is the step bound replays at that bound (its
length); any other at least at its length: without --max-steps the default
bound grows to it, and a --max-steps that would cut the schedule short is
refused.

Exit 0 when the run reproduces without a finding, 1 when it reproduces a
finding or diverges, 2 on a usage error or a bad or stale schedule file.

flags:
`

// runReplay implements `migsim replay`.
func runReplay(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("replay", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	trace := fs.Bool("trace", false, "print the trace, one line per step")
	slice := fs.Bool("slice", false, "print only the steps the finding depends on (its causal slice)")
	explainMode := fs.Bool("explain", false, "print the orderings of two steps the finding needs (docs/engine.md, \"Explaining\")")
	explainRuns := fs.Int("explain-runs", explain.DefaultRuns, "bound the runs of --explain (0: no explanation)")
	maxSteps := fs.Int("max-steps", catalog.DefaultJudgeMaxSteps, "step bound of the run")
	fs.Usage = func() {
		fmt.Fprint(stderr, replayUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageError(stderr, "replay", "%v", cliflag.Error(err, replayLimits...))
	}
	if countTrue(*trace, *slice, *explainMode) > 1 {
		return usageError(stderr, "replay", "--trace, --slice and --explain: choose one")
	}
	if fs.Changed("explain-runs") && !*explainMode {
		return usageError(stderr, "replay", "--explain-runs goes with --explain")
	}
	if fs.NArg() != 1 {
		return usageError(stderr, "replay", "want one schedule FILE, got %d arguments", fs.NArg())
	}
	if err := cliflag.CheckInts(fs, replayLimits...); err != nil {
		return usageError(stderr, "replay", "%v", err)
	}
	path := fs.Arg(0)
	sc, err := catalog.ReadScheduleFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "migsim replay: %s\n", userError(err))
		return exitUsage
	}
	if _, err := catalog.TargetOf(sc); err != nil {
		fmt.Fprintf(stderr, "migsim replay: %s: %s\n", path, userError(err))
		return exitUsage
	}
	if *maxSteps, err = scheduleMaxSteps(fs, sc, *maxSteps); err != nil {
		return usageError(stderr, "replay", "%v", err)
	}
	knobs := "defaults"
	if len(sc.Knobs) > 0 {
		knobs = strings.Join(sc.Knobs, " ")
	}
	fmt.Fprintf(stdout, "replay %s: scenario %s (hash %s), %s, knobs %s", path, sc.Scenario, sc.ScenarioHash, sc.Edition, knobs)
	if len(sc.Settings) > 0 {
		fmt.Fprintf(stdout, ", settings %s", strings.Join(sc.Settings, " "))
	}
	fmt.Fprintf(stdout, ", seed %d, %s, %s\n", sc.Seed, plural.Count(sc.Steps, "step"), plural.Count(sc.Preemptions, "preemption"))
	cfg := engine.RunConfig{MaxSteps: *maxSteps}
	var full bytes.Buffer
	switch {
	case *trace:
		cfg.Trace = stdout
	case *slice:
		cfg.Trace = &full
	}
	res, err := catalog.ReplaySchedule(sc, cfg)
	if serr := setupError(err, *maxSteps); serr != nil {
		return usageError(stderr, "replay", "%v", serr)
	}
	if *slice && err == nil {
		printSlice(stdout, full.String(), res)
	}
	if err != nil {
		// A divergence says "replay diverged" itself; another error
		// of the run says what failed.
		if errors.Is(err, engine.ErrDiverged) {
			fmt.Fprintf(stdout, "%s\n", userError(err))
		} else {
			fmt.Fprintf(stdout, "replay failed: %s\n", userError(err))
		}
		fmt.Fprintf(stdout, "trace hash %s, recorded %s\n", engine.FormatHash(res.TraceHash), sc.TraceHash)
		return exitFinding
	}
	if fd := res.Finding; fd != nil {
		fmt.Fprintf(stdout, "finding %s at step %d: %s\n", fd.Oracle, engine.ShownStep(fd.Step), fd.Message)
		if err := catalog.AnnotateFinding(sc, fd, *maxSteps); err != nil {
			fmt.Fprintf(stderr, "migsim replay: %s: impact: %s\n", path, userError(err))
			return exitFinding
		}
		if fd.Impact != "" {
			fmt.Fprintf(stdout, "  impact: %s (%s)\n", fd.Impact, catalog.ShownImpactWhy(fd.ImpactWhy))
		}
		if len(fd.Reqs) > 0 {
			fmt.Fprintf(stdout, "  requirements: %s\n", strings.Join(fd.Reqs, " "))
		}
		if len(fd.Actors) > 0 {
			fmt.Fprintf(stdout, "  actors: %s\n", strings.Join(fd.Actors, " "))
		}
		if *explainMode {
			if err := printExplanation(stdout, sc, res, *maxSteps, *explainRuns); err != nil {
				fmt.Fprintf(stderr, "migsim replay: %s: explain: %s\n", path, userError(err))
				return exitFinding
			}
		}
	} else {
		fmt.Fprintln(stdout, "no finding")
	}
	fmt.Fprintf(stdout, "trace hash %s (matches the recording)\n", engine.FormatHash(res.TraceHash))
	if res.Finding != nil {
		return exitFinding
	}
	return exitOK
}

// printSlice prints the trace lines of the steps in res's causal slice,
// each clock jump before a printed step once.
func printSlice(w io.Writer, trace string, res engine.Result) {
	slice := engine.CausalSlice(res)
	if len(slice) == 0 {
		fmt.Fprintln(w, "slice: no finding, nothing to slice")
		return
	}
	fmt.Fprintf(w, "slice: %s\n", engine.SliceSummary(len(slice), len(res.Choices)))
	in := make(map[int]bool, len(slice))
	for _, i := range slice {
		in[engine.ShownStep(i)] = true // the trace numbers steps as shown
	}
	clock := ""
	for _, l := range strings.Split(strings.TrimSuffix(trace, "\n"), "\n") {
		idx, _, _ := strings.Cut(l, " ")
		if idx == "-" {
			clock = l
			continue
		}
		if i, err := strconv.Atoi(idx); err == nil && in[i] {
			if clock != "" {
				fmt.Fprintln(w, clock)
				clock = ""
			}
			fmt.Fprintln(w, l)
		}
	}
}

// countTrue counts the true values.
func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// printExplanation explains res, the schedule's replayed finding, and
// prints the orderings it needs.
func printExplanation(w io.Writer, sc *schedfile.Schedule, res engine.Result, maxSteps, runs int) error {
	if runs == 0 {
		fmt.Fprintln(w, "  why: not explained (--explain-runs 0)")
		return nil
	}
	ex, err := report.Explain(context.Background(), sc, res, maxSteps, runs)
	if err != nil {
		return err
	}
	report.PrintWhy(w, ex, res.Choices, sc, maxSteps, userError)
	return nil
}
