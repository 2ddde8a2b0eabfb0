package main

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// Limits of the command line's numbers (the scenario's own are in package
// scenario and apply to the flags that override them: --schedules,
// --depth, --bound; --shard's n is bounded by report.MaxShards, the bound
// of the shard summary files).
const (
	// maxJobs bounds --jobs.
	maxJobs = 256
	// maxMaxSteps bounds --max-steps: the longest catalog run takes a few
	// thousand steps.
	maxMaxSteps = 10_000_000
	// maxSeconds bounds bench --seconds.
	maxSeconds = 3600
	// maxWindow bounds trace --window and report --steps.
	maxWindow = 1_000_000
	// maxShrinkReplays bounds --shrink-replays: a catalog finding shrinks
	// within engine.DefaultShrinkReplays.
	maxShrinkReplays = 1_000_000
	// maxTimeout bounds conform --timeout, the deadline of one request to
	// an external device: the reference answers in microseconds, and a
	// device that needs minutes for one request is hung.
	maxTimeout = 10 * time.Minute
)

// shrinkReplaysLimit is the range of --shrink-replays (run, explore,
// conform).
var shrinkReplaysLimit = intFlagLimit{"shrink-replays", 0, maxShrinkReplays, "0 keeps the default bound"}

// explainRunsLimit is the range of --explain-runs (explore, replay).
var explainRunsLimit = intFlagLimit{"explain-runs", 0, maxShrinkReplays, "0 skips the explanation"}

// intFlagLimit is the range of one integer flag.
type intFlagLimit struct {
	name   string
	lo, hi int
	what   string
}

// checkIntFlags checks every given integer flag against its range: the
// error names the flag, its value and the limit.
func checkIntFlags(fs *pflag.FlagSet, limits ...intFlagLimit) error {
	for _, l := range limits {
		if !fs.Changed(l.name) {
			continue
		}
		n, err := fs.GetInt(l.name)
		if err != nil {
			return fmt.Errorf("--%s: %v", l.name, err)
		}
		if n < l.lo || n > l.hi {
			return fmt.Errorf("--%s %d: want %d..%d (%s)", l.name, n, l.lo, l.hi, l.what)
		}
	}
	return nil
}

// flagError words a value pflag could not parse as checkIntFlags words a
// value out of range: "--schedules 99999999999999999999: want
// 1..1000000000 (schedules to run)" for an integer flag among limits, else
// what the flag's type takes ("--seed -1: want a whole number
// 0..18446744073709551615"), in place of strconv's message. Any other
// error is returned as it is.
func flagError(err error, limits ...intFlagLimit) error {
	var iv *pflag.InvalidValueError
	if !errors.As(err, &iv) {
		return err
	}
	f, v := iv.GetFlag(), iv.GetValue()
	for _, l := range limits {
		if l.name == f.Name {
			return fmt.Errorf("--%s %s: want %d..%d (%s)", l.name, v, l.lo, l.hi, l.what)
		}
	}
	switch f.Value.Type() {
	case "uint64":
		return fmt.Errorf("--%s %s: want a whole number 0..%d", f.Name, v, uint64(math.MaxUint64))
	case "int":
		return fmt.Errorf("--%s %s: want a whole number %d..%d", f.Name, v, math.MinInt, math.MaxInt)
	case "float64":
		return fmt.Errorf("--%s %s: want a number", f.Name, v)
	case "duration":
		return fmt.Errorf("--%s %s: want a duration such as 30s or 2m", f.Name, v)
	case "bool":
		return fmt.Errorf("--%s=%s: want true or false", f.Name, v)
	}
	return err
}

// The integer flags' limits of each command, for checkIntFlags after the
// parse and flagError when a value does not parse.
var (
	benchLimits   = []intFlagLimit{{"schedules", 1, scenario.MaxSchedules, "schedules per batch"}}
	conformLimits = []intFlagLimit{{"schedules", 0, scenario.MaxSchedules, "0 keeps the budget's"}, shrinkReplaysLimit,
		{"jobs", 0, maxJobs, "0 is GOMAXPROCS"}, {"procs", 0, maxJobs, "0 is GOMAXPROCS"}, explainRunsLimit}
	exploreLimits = append(slices.Clone(budgetFlagLimits), shrinkReplaysLimit, explainRunsLimit,
		intFlagLimit{"write-run", 0, scenario.MaxSchedules - 1, "a schedule's index"})
	genLimits = []intFlagLimit{{"count", 1, maxGenCount, "scenarios"},
		{"max-vfs", 1, scenario.MaxVFs, "VFs"}, {"max-queues", 1, scenario.MaxQueues, "queues"},
		{"max-ops", 1, 64, "operations"}, {"max-schedules", 1, 1000, "schedules"}}
	replayLimits = []intFlagLimit{{"max-steps", 1, maxMaxSteps, "steps of the run"}, explainRunsLimit}
	reportLimits = []intFlagLimit{{"steps", 1, maxWindow, "steps listed"},
		{"max-steps", 1, maxMaxSteps, "steps of the run"}, explainRunsLimit}
	runLimits = []intFlagLimit{{"jobs", 0, maxJobs, "0 is GOMAXPROCS"},
		{"proof-runs", 0, scenario.MaxSchedules, "0 keeps the scenarios' budgets"}, shrinkReplaysLimit}
	traceLimits = []intFlagLimit{{"window", 0, maxWindow, "steps shown"},
		{"max-steps", 1, maxMaxSteps, "steps of the run"}}
)

// budgetFlagLimits are the limits of the flags that override a scenario's
// exploration budget.
var budgetFlagLimits = []intFlagLimit{
	{"schedules", 1, scenario.MaxSchedules, "schedules to run"},
	{"depth", 1, scenario.MaxDepth, "pct's depth"},
	{"bound", -1, scenario.MaxBound, "dfs's preemption bound, -1 for none"},
	{"jobs", 0, maxJobs, "0 is GOMAXPROCS"},
	{"max-steps", 1, maxMaxSteps, "steps of one run"},
	{"split-depth", 0, scenario.MaxBound, "branching decisions explored in full"},
}

// strategyFlags are the flags only some strategies read.
var strategyFlags = []struct {
	flag, what string
	strategies []string
}{
	{"bound", "a preemption bound", []string{engine.StrategyDFS}},
	{"reduction", "a partial-order reduction", []string{engine.StrategyDFS}},
	{"split-depth", "subtrees to split", []string{engine.StrategyDFS}},
	{"states", "a state cache", []string{engine.StrategyDFS}},
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

// checkFiniteFlag refuses NaN, ±Inf and values outside [lo, hi] for a
// float flag.
func checkFiniteFlag(name string, v, lo, hi float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("--%s %v: want a finite number of seconds", name, v)
	}
	if v < lo || v > hi {
		return fmt.Errorf("--%s %v: want %v..%v", name, v, lo, hi)
	}
	return nil
}

// setupError reports a reference run that needs more steps than
// --max-steps allows: a setup problem (exit 2), not a finding.
func setupError(err error, maxSteps int) error {
	var ref *catalog.ReferenceError
	if errors.As(err, &ref) && ref.Finding.StepBound() {
		return fmt.Errorf("--max-steps %d is too small: the run without migration of %s (%s) needs more steps", maxSteps, ref.Scenario, ref.Edition)
	}
	return nil
}

// packagePrefix matches the package names errors are wrapped with inside
// the module ("catalog: ", "engine: "): the CLI shows what the user did,
// not where in the code it was noticed.
var packagePrefix = regexp.MustCompile(`(^|[\s(])(?:adminq|catalog|conformance|devctx|engine|member|owner|pcie|scenario|sim|spec|trace|virtq|world): `)

// userError renders an error for the terminal without package prefixes. A
// scenario error is shown as it is: file:line:col and the message.
func userError(err error) string {
	if err == nil {
		return ""
	}
	var ce *scenario.CheckError
	if errors.As(err, &ce) {
		return ce.Error()
	}
	var pe *scenario.ParseError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	msg := err.Error()
	for {
		// Prefixes follow each other ("catalog: scenario: "): strip until
		// none is left.
		next := packagePrefix.ReplaceAllString(msg, "$1")
		if next == msg {
			return msg
		}
		msg = next
	}
}

// isInputError reports whether err is about the user's input (a scenario
// that does not parse or check, a bad knob or setting): exit 2.
func isInputError(err error) bool {
	var pe *scenario.ParseError
	var ce *scenario.CheckError
	return errors.As(err, &pe) || errors.As(err, &ce)
}

// checkOutputDirAhead checks, before any work, that dir can hold files
// written later without creating it now: an existing directory that can be
// written, or a path whose nearest existing ancestor is such a directory
// (MkdirAll will create the rest). A file on the way (/dev/null/x) is an
// error naming it.
func checkOutputDirAhead(dir string) error {
	p := filepath.Clean(dir)
	// at names the directory in the way: dir itself, or dir and the
	// existing path on the way to it.
	at := func() string {
		if p == filepath.Clean(dir) {
			return p
		}
		return dir + ": " + p
	}
	for {
		fi, err := os.Stat(p)
		if err == nil {
			if !fi.IsDir() {
				return fmt.Errorf("%s is not a directory", at())
			}
			f, err := os.CreateTemp(p, ".migsim-write-check-*")
			if err != nil {
				return fmt.Errorf("%s is not writable: %w", at(), err)
			}
			name := f.Name()
			f.Close()
			return os.Remove(name)
		}
		// ENOTDIR: a file on the way, which the parent's Stat names.
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR) {
			return fmt.Errorf("%s: %w", dir, err)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return fmt.Errorf("%s: %w", dir, err)
		}
		p = parent
	}
}

// checkOutputFile checks, before any work, that path can be written: not a
// directory, in a directory that exists.
func checkOutputFile(path string) error {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("%s is a directory (want a file)", path)
	}
	dir := filepath.Dir(path)
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("directory %s: %w", dir, err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}
