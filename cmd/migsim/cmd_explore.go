package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

func init() {
	register(command{
		name:    "explore",
		summary: "explore one scenario's schedules, shrink the first finding and write its schedule file",
		run:     runExplore,
	})
}

const exploreUsage = `usage: migsim explore --scenario S [--spec E] [--knob k=v ...] [--set k=v ...]
       [--strategy random|pct|dfs] [--schedules N] [--seed S] [--bound B] [--depth D]
       [--jobs J] [--shard i/n] [--out DIR]

Runs the scenario without migration first (the transparent oracle's
reference), then N schedules of the migration under the strategy, and prints
what was explored: schedules, distinct interleavings, findings (the first of
each oracle, lowest schedule index), throughput. The first finding is shrunk
(size before and after), its schedule is written under DIR and the command
that replays it is printed. Strategy, schedules, seed, bound and depth default
to the scenario's explore line for the edition. Progress goes to stderr when
it is a terminal.

Exit 0 when nothing was found, 1 on a finding, 2 on a usage error.

flags:
`

// runExplore implements `migsim explore`.
func runExplore(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("explore", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	tf := addTargetFlags(fs, "")
	strategy := fs.String("strategy", "", "random, pct or dfs (default: the scenario's)")
	schedules := fs.Int("schedules", 0, "schedules to run; for dfs the run budget (default: the scenario's)")
	seed := fs.Uint64("seed", 0, "base seed (default: the scenario's)")
	bound := fs.Int("bound", 0, "dfs preemption bound, negative for none (default: the scenario's)")
	depth := fs.Int("depth", 0, "pct depth d (default: the scenario's)")
	jobs := fs.Int("jobs", 0, "parallel runs (default: GOMAXPROCS); results do not depend on it")
	shard := fs.String("shard", "", "run only schedules with index = i mod n, as i/n")
	maxSteps := fs.Int("max-steps", catalog.DefaultJudgeMaxSteps, "step bound of each run")
	out := fs.String("out", ".", "directory for the shrunk schedule file")
	fs.Usage = func() {
		fmt.Fprint(stderr, exploreUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageError(stderr, "explore", "%v", err)
	}
	if fs.NArg() > 0 {
		return usageError(stderr, "explore", "unexpected arguments %q", fs.Args())
	}
	if err := checkIntFlags(fs, budgetFlagLimits...); err != nil {
		return usageError(stderr, "explore", "%v", err)
	}
	t, err := tf.resolve()
	if err != nil {
		return usageError(stderr, "explore", "%s", userError(err))
	}
	b := t.Scenario.BudgetFor(t.Edition)
	if fs.Changed("strategy") {
		if *strategy != engine.StrategyRandom && *strategy != engine.StrategyPCT && *strategy != engine.StrategyDFS {
			return usageError(stderr, "explore", "--strategy %q: want random, pct or dfs", *strategy)
		}
		b.Strategy = *strategy
	}
	if fs.Changed("schedules") {
		if *schedules < 1 {
			return usageError(stderr, "explore", "--schedules %d: want at least 1", *schedules)
		}
		b.Schedules = *schedules
	}
	if fs.Changed("seed") {
		b.Seed = *seed
	}
	if fs.Changed("bound") {
		b.Bound = *bound
	}
	if fs.Changed("depth") {
		if *depth < 1 {
			return usageError(stderr, "explore", "--depth %d: want at least 1", *depth)
		}
		b.Depth = *depth
	}
	if *jobs < 0 {
		return usageError(stderr, "explore", "--jobs %d: want 0 (GOMAXPROCS) or more", *jobs)
	}
	if *maxSteps < 1 {
		return usageError(stderr, "explore", "--max-steps %d: want at least 1", *maxSteps)
	}
	si, sn, err := parseShard(*shard)
	if err != nil {
		return usageError(stderr, "explore", "%v", err)
	}
	if sn > 1 && b.Strategy == engine.StrategyDFS {
		return usageError(stderr, "explore", "--shard: dfs cannot be sharded")
	}
	if err := checkStrategyFlags(fs, b.Strategy); err != nil {
		return usageError(stderr, "explore", "%v", err)
	}
	if err := catalog.CheckOutputDir(*out); err != nil {
		return usageError(stderr, "explore", "--out: %v", err)
	}
	t.MaxSteps = *maxSteps
	return explore(t, b, exploreRun{jobs: *jobs, shard: si, shards: sn, out: *out}, stdout, stderr)
}

// exploreRun holds explore's execution options.
type exploreRun struct {
	jobs, shard, shards int
	out                 string
}

func explore(t catalog.Target, b scenario.Budget, run exploreRun, stdout, stderr io.Writer) int {
	f, err := t.Factory(engine.ScheduleSeed(b.Seed, 0))
	if serr := setupError(err, t.MaxSteps); serr != nil {
		return usageError(stderr, "explore", "%v", serr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "migsim explore: %s\n", userError(err))
		return exitFinding
	}
	fmt.Fprintf(stdout, "explore %s: %s\n", targetText(t), budgetText(b))
	var progress func(engine.Progress)
	if file, ok := stderr.(*os.File); ok {
		progress = engine.TerminalProgress(file)
	}
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: b.Strategy,
		Schedules: b.Schedules, Seed: b.Seed, Jobs: run.jobs, Shard: run.shard, Shards: run.shards,
		PCTDepth: b.Depth, Bound: b.Bound, MaxSteps: t.MaxSteps, Progress: progress})
	if err != nil {
		fmt.Fprintf(stderr, "migsim explore: %v\n", err)
		return exitFinding
	}
	printSummary(stdout, &sum, b)
	if len(sum.Findings) == 0 {
		fmt.Fprintln(stdout, "no findings")
		return exitOK
	}
	for _, r := range sum.Findings {
		fd := r.Finding
		fmt.Fprintf(stdout, "finding %s at schedule #%d (seed %d), step %d: %s\n", fd.Oracle, r.Index, r.Seed, fd.Step, fd.Message)
		if len(fd.Reqs) > 0 {
			fmt.Fprintf(stdout, "  requirements: %s\n", strings.Join(fd.Reqs, " "))
		}
		if len(fd.Actors) > 0 {
			fmt.Fprintf(stdout, "  actors: %s\n", strings.Join(fd.Actors, " "))
		}
	}
	first := sum.Findings[0]
	sr, err := engine.Shrink(f, first.Seed, first.Result.Choices, first.Finding.Oracle, engine.ShrinkConfig{MaxSteps: t.MaxSteps})
	if err != nil {
		fmt.Fprintf(stderr, "migsim explore: %v\n", err)
		return exitFinding
	}
	fmt.Fprintf(stdout, "shrunk %s: %s -> %s (%d replays)\n", first.Finding.Oracle, sr.Before, sr.After, sr.Replays)
	sc := t.Schedule(b.Strategy, b.Seed, first.Index, sr.Result)
	p := filepath.Join(run.out, catalog.ScheduleRegressName(sc))
	if err := catalog.WriteSchedule(sc, p); err != nil {
		fmt.Fprintf(stderr, "migsim explore: %v\n", err)
		return exitFinding
	}
	fmt.Fprintf(stdout, "schedule: %s (trace hash %s)\n", p, sc.TraceHash)
	fmt.Fprintf(stdout, "replay: go run ./cmd/migsim replay %s\n", p)
	return exitFinding
}

// budgetText renders a budget: "pct 2000 schedules, seed 1, depth 3".
func budgetText(b scenario.Budget) string {
	switch b.Strategy {
	case engine.StrategyDFS:
		return fmt.Sprintf("dfs up to %d schedules, seed %d, bound %d", b.Schedules, b.Seed, b.Bound)
	case engine.StrategyPCT:
		return fmt.Sprintf("pct %d schedules, seed %d, depth %d", b.Schedules, b.Seed, b.Depth)
	}
	return fmt.Sprintf("%s %d schedules, seed %d", b.Strategy, b.Schedules, b.Seed)
}

// printSummary prints what an exploration covered; only the last line
// (throughput) depends on the wall clock.
func printSummary(w io.Writer, sum *engine.Summary, b scenario.Budget) {
	fmt.Fprintf(w, "schedules: %d", sum.Schedules)
	if sum.Pruned > 0 {
		fmt.Fprintf(w, " (+%d pruned)", sum.Pruned)
	}
	fmt.Fprintf(w, ", decisions: %d, distinct interleavings: %d, failing: %d, findings: %d\n",
		sum.Decisions, sum.Distinct, sum.Failing, len(sum.Findings))
	if b.Strategy == engine.StrategyDFS {
		switch {
		case sum.Complete && !sum.BoundHit:
			fmt.Fprintf(w, "dfs: exhaustive (bound %d never cut)\n", b.Bound)
		case sum.Complete:
			fmt.Fprintf(w, "dfs: exhaustive up to the preemption bound %d (bound cut)\n", b.Bound)
		default:
			fmt.Fprintf(w, "dfs: budget of %d runs spent before the space was exhausted\n", b.Schedules)
		}
	}
	fmt.Fprintf(w, "throughput: %.0f schedules/s, %.0f ns/decision\n", sum.SchedulesPerSecond(), sum.NsPerDecision())
}
