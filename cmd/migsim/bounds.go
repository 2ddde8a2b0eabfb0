package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/verdicttable"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/scenario"
)

// Limits of the command line's numbers (the scenario's own are in package
// scenario and apply to the flags that override them: --schedules,
// --depth, --bound; --shard's n is bounded by report.MaxShards, the bound
// of the shard summary files; --jobs's and --shrink-replays' bounds,
// which migsim conform shares, are cmdbase.MaxJobs and
// cmdbase.MaxShrinkReplays).
const (
	// maxMaxSteps bounds --max-steps (scenario.MaxSteps, which a shard
	// summary's step bound shares).
	maxMaxSteps = scenario.MaxSteps
	// maxSeconds bounds bench --seconds.
	maxSeconds = 3600
	// maxWindow bounds trace --window and report --steps.
	maxWindow = 1_000_000
)

// sliceRunsLimit is the range of --slice-runs (explore, replay).
var sliceRunsLimit = cliflag.Int("slice-runs", 0, 100_000, "checks of the slice's narrowing; 0 keeps the footprint slice")

// stateCapLimit is the range of --state-cap (explore, run): the states a
// dfs search with state pruning remembers, and its known transitions.
var stateCapLimit = cliflag.Int("state-cap", engine.MinStateCap, engine.MaxStateCap, "states remembered")

// The integer flags' limits of each command, for cliflag.CheckInts after the
// parse and cliflag.Error when a value does not parse.
var (
	benchLimits   = []cliflag.IntLimit{cliflag.Int("schedules", 1, scenario.MaxSchedules, "schedules per batch")}
	exploreLimits = append(slices.Clone(budgetFlagLimits), cmdbase.ShrinkReplaysLimit, cmdbase.ExplainRunsLimit, sliceRunsLimit,
		cliflag.Int("write-run", 0, scenario.MaxSchedules-1, "a schedule's index"), stateCapLimit)
	genLimits = []cliflag.IntLimit{cliflag.Int("count", 1, maxGenCount, "scenarios"),
		cliflag.Int("max-vfs", 1, scenario.MaxVFs, "VFs"), cliflag.Int("max-queues", 1, scenario.MaxQueues, "queues"),
		cliflag.Int("max-ops", 1, 64, "operations"), cliflag.Int("max-schedules", 1, 1000, "schedules")}
	replayLimits = []cliflag.IntLimit{cliflag.Int("max-steps", 1, maxMaxSteps, "steps of the run"), cmdbase.ExplainRunsLimit, sliceRunsLimit}
	reportLimits = []cliflag.IntLimit{cliflag.Int("steps", 1, maxWindow, "steps listed"),
		cliflag.Int("max-steps", 1, maxMaxSteps, "steps of the run"), cmdbase.ExplainRunsLimit}
	runLimits = []cliflag.IntLimit{cliflag.Int("jobs", 0, cmdbase.MaxJobs, "0 is GOMAXPROCS"),
		cliflag.Int("proof-runs", 0, scenario.MaxSchedules, "0 keeps the scenarios' budgets"), cmdbase.ShrinkReplaysLimit, stateCapLimit,
		cliflag.Int("require-proof", 1, scenario.MaxBound, "the least preemption bound a proof exhausts"),
		cliflag.Int("width", 0, verdicttable.MaxWidth, "0 never wraps, else 40 or more columns")}
	traceLimits = []cliflag.IntLimit{cliflag.Int("window", 0, maxWindow, "steps shown"),
		cliflag.Int("max-steps", 1, maxMaxSteps, "steps of the run")}
)

// budgetFlagLimits are the limits of the flags that override a scenario's
// exploration budget.
var budgetFlagLimits = []cliflag.IntLimit{
	cliflag.Int("schedules", 1, scenario.MaxSchedules, "schedules to run"),
	cliflag.Int("depth", 1, scenario.MaxDepth, "pct's depth"),
	cliflag.Int("bound", -1, scenario.MaxBound, "dfs's preemption bound, -1 for none"),
	cliflag.Int("jobs", 0, cmdbase.MaxJobs, "0 is GOMAXPROCS"),
	cliflag.Int("max-steps", 1, maxMaxSteps, "steps of one run"),
	cliflag.Int("split-depth", 0, scenario.MaxBound, "branching decisions explored in full"),
}

// strategyFlags are the flags only some strategies read.
var strategyFlags = []struct {
	flag, what string
	strategies []string
}{
	{"bound", "a preemption bound", []string{engine.StrategyDFS}},
	{"reduction", "a partial-order reduction", []string{engine.StrategyDFS}},
	{"split-depth", "a split into subtrees", []string{engine.StrategyDFS}},
	{"states", "a state cache", []string{engine.StrategyDFS}},
	{"state-cap", "the state cache's size", []string{engine.StrategyDFS}},
	{"depth", "a depth", []string{engine.StrategyPCT}},
	{"write-run", "a schedule index to rebuild", []string{engine.StrategyRandom, engine.StrategyPCT}},
}

// checkStrategyFlags refuses a flag the strategy ignores (--bound belongs
// to dfs, --depth to pct, …).
func checkStrategyFlags(fs *pflag.FlagSet, strategy string) error {
	for _, f := range strategyFlags {
		if fs.Lookup(f.flag) == nil || !fs.Changed(f.flag) || slices.Contains(f.strategies, strategy) {
			continue
		}
		return fmt.Errorf("--%s: %s is for %s only (the strategy is %s; add --strategy %s)",
			f.flag, f.what, strings.Join(f.strategies, " and "), strategy, f.strategies[0])
	}
	return nil
}

// setupError reports a reference run that needs more steps than
// the step bound allows: a setup problem (exit 2), not a finding. given
// is --max-steps as the command line wrote it (maxStepsGiven), "" when
// it did not set the bound: then the error says the bound is the default
// and how to raise it.
func setupError(err error, maxSteps int, given string) error {
	var ref *catalog.ReferenceError
	if !errors.As(err, &ref) || !ref.Finding.StepBound() {
		return nil
	}
	if given == "" {
		return fmt.Errorf("the run without migration of %s (%s) needs more than %d steps, the step bound without --max-steps: raise it with --max-steps N (at most %d)",
			ref.Scenario, ref.Edition, maxSteps, maxMaxSteps)
	}
	if ref.Needs > 0 {
		return fmt.Errorf("--max-steps %s is too small: the run without migration of %s (%s) needs %d steps (a migrating run may need more)", given, ref.Scenario, ref.Edition, ref.Needs)
	}
	return fmt.Errorf("--max-steps %s is too small: the run without migration of %s (%s) needs more steps", given, ref.Scenario, ref.Edition)
}

// maxStepsGiven is --max-steps as the command line wrote it (cliflag.Given),
// "" when it was not given.
func maxStepsGiven(fs *pflag.FlagSet) string {
	if !fs.Changed("max-steps") {
		return ""
	}
	return cliflag.Given(fs, "max-steps")
}
