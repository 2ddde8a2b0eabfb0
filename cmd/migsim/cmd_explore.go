package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/progress"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/buildinfo"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/cmdprogress"
	"github.com/migsim/migsim/internal/gcpolicy"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/report"
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
       [--reduction sleep|dpor|none] [--split-depth D] [--states] [--state-cap N] [--memo=false]
       [--jobs J] [--shard i/n] [--max-steps N] [--out DIR] [--shrink-replays N | --no-shrink]
       [--explain-runs N] [--slice-runs N] [--write-run N] [--progress auto|always|never]
       [--format text|json] [--fork]

Runs the scenario without migration first (the transparent oracle's
reference), then N schedules of the migration under the strategy, and prints
what was explored: schedules, distinct interleavings, findings (the first of
each oracle, lowest schedule index), throughput. The first finding is shrunk
(size before and after, and how many of its steps the finding depends on),
then explained: each of its steps, nearest the finding first, is run as
early and as late as it can (the others in their recorded order as far as
the run allows); where a move loses the finding, a bisection finds the
step it must not pass, and the orderings found print as "step I before
step J": with the two reversed the finding goes (--explain-runs bounds the
runs; 0 skips the explanation). Its causal slice is then narrowed by
running it: every step whose place the finding was not seen to need is
held back, and the steps left print as "slice: N of M steps placed" with
their labels, as replay --slice prints them (--slice-runs bounds the
checks, two or three runs each; 0 keeps the footprint slice alone; none under
--no-shrink unless given). --no-shrink keeps the first finding as
found (its schedule, size and causal slice; the explanation still runs):
for long schedules whose shrinking costs more than reading them. Its schedule is written under DIR and the
command that replays it is printed. Strategy, schedules, seed, bound and
depth default to the scenario's explore line for the edition; --strategy dfs on a scenario whose
line is not dfs searches with state pruning (--states) and a budget of
1,000,000 runs unless flags say otherwise, and a --bound above the line's
gets that budget too. Random and pct remember the runs
they executed (up to 8 MiB of them; dropped when none of the first 512
schedules met one) and do not run a known interleaving twice, and shrinking does
not run a candidate that replays into a run it already ran (--memo=false
runs every schedule and every candidate). --fork starts each dfs run from a
copy of the world at its branch point instead of replaying its path, and
each random or pct run of a scenario whose runs do not depend on the seed
from a copy at the first decision with more than one step (the same runs;
docs/engine.md, "Forking dfs runs", "Forking sampled runs") and says on
stderr what the copies did. Progress goes to stderr when it is a terminal (--progress),
and a line when the first finding comes; with --progress never, neither.

A schedule file never replaces another: when DIR/NAME.json holds another
schedule (another seed, budget, shrink or build), this one is written to
the first free NAME.1.json, NAME.2.json, ... and stderr says so; the same
schedule found again leaves its file as it is, and a run that finds
nothing says when DIR holds an earlier exploration's file.

--write-run N also writes schedule N (0: the first; random and pct), with
or without a finding, to DIR/NAME_run-N.json for migsim trace, replay
--trace and report; --schedules 1 --write-run 0 makes and writes one run.

--shard i/n explores the i-th of n parts (schedule indices i mod n for
random and pct, the subtrees of a split tree for dfs) and writes its files
with a .shard-i-of-n suffix, plus a .summary.json that 'migsim merge'
combines into the report one process gives (--shard 0/1: all of it, as the
one shard of a job array of one). A dfs shard's --schedules is its own,
and counts the runs it executes into other shards' subtrees too.

Ctrl-C (SIGINT, SIGTERM) stops the exploration, shrinks and writes the first
finding found so far (a second Ctrl-C stops shrinking: the schedule is then
written as far as it got; the first delivered again within 0.25 s, as GNU
timeout and scripts that pass a terminal's Ctrl-C on deliver it, is not a
second) and prints the summary so far. Once the exploration has ended, the
first Ctrl-C stops the shrinking, explanation and slice at once (stderr
says so). Either way the exit status is 130.

Every finding shows its requirements (broken, or involved) and its actors as replay,
trace and report show them for that run: requirements derived from what
the host observed of it (docs/oracles.md, "Impact of a finding"), the
actors its oracle named, then every actor with a step in its causal slice.
Under the first finding an "expected:" line sets it against the scenario's
expect line for the edition, knobs and settings explored (named as
file:line): the verdict that line expects (a documented finding, not a new
bug), another one, a finding where it expects pass, or no line at all.
When nothing is found, the "expected:" line under "no findings" names the
expect line too: pass, or a verdict this exploration did not find (exit 0
all the same: the exit code says whether something was found).

A dfs search's "schedules: N (+M pruned)" counts N runs that reached their
end (interleavings) and M runs a reduction cut short (not interleavings,
but within the run budget); the line under it says how many of the M state
pruning stopped (a state earlier runs had explored completely) and how
many sleep sets did (every enabled step asleep: it would only reorder
independent steps of an interleaving already run), and how many of the
state-pruned ones were counted without running (known transitions).

State pruning remembers up to 1048576 states, and as many known
transitions (--state-cap N: 1024..67108864; a million states with as
many transitions take about 200 MB). A search that fills its table
stays sound but prunes nothing from the states it explores later, so
its runs grow longer and more of them complete: when such a search does
not exhaust its space, the summary says "state table full at run R"
(and JSON's explored has states_full, transitions_full and state_cap),
and a larger --state-cap may let it.

--format json prints, in place of the text, one JSON document: scenario,
edition, knobs and settings, the header's target and budget, explored
(strategy, budget, schedules, pruned, executed, distinct, failing, for
dfs the bound, whether it was exhaustive, and the pruned runs split as
state_hits and pruned_sleep_sets, with pruned_known), the findings, the first
finding (shrunk), its narrowed slice and its explanation (why: the
orderings of two steps it needs), its schedule file and replay command, under the names
of migsim run --format json (docs/scenarios.md, "The table as JSON";
docs/engine.md, "Exploring"); --write-run's line goes to stderr.

--out DIR is checked before anything runs and created when a file is
written there: a run stopped by bad input, or one that finds nothing
(without --shard and --write-run), leaves no DIR behind.

Exit 0 when nothing was found, 1 on a finding (the scenario's expected
verdict too), 2 on a usage error or when the results cannot be written
(under --out, or stdout: a full disk), 130 when interrupted.

flags:
`

// stateCapHelp is --state-cap's help (explore, run).
const stateCapHelp = "dfs with state pruning: the states it remembers, and as many known transitions (default 1048576; 1024..67108864). A search that fills them stays sound but prunes nothing from the states it explores later, and the summary says at which run it filled them. A million states with as many transitions take about 200 MB"

// DefaultDFSRunBudget is the run budget of a dfs chosen with --strategy
// for a scenario whose explore line is not dfs, or with a --bound above
// its dfs line's: room for preemption bound 2 of the catalog's larger
// scenarios with state pruning (kick-during-stop under virtio-1.4 takes
// 44,440 runs), bounded so that a search always ends.
const DefaultDFSRunBudget = 1_000_000

// exploreRun holds explore's execution options.
type exploreRun struct {
	jobs, shard, shards int
	// sharded is set by --shard (also 0/1): a summary for merge is written.
	sharded      bool
	reduction    engine.Reduction
	splitDepth   int
	states, memo bool
	// stateCap caps the states a dfs search remembers (0: the engine's
	// default).
	stateCap int
	// shrinkReplays bounds the shrinking of the first finding (0: the
	// engine's default).
	shrinkReplays int
	// noShrink keeps the first finding as found (--no-shrink).
	noShrink bool
	// explainRuns bounds the explanation of the shrunk finding (0: none).
	explainRuns int
	// sliceRuns bounds the checks that narrow the shrunk finding's causal
	// slice (0: the footprint slice alone).
	sliceRuns int
	out       string
	progress  *progress.Lines
	// quiet is --progress never: not even the line that says a finding
	// came (exploring goes on).
	quiet bool
	// writeRun is --write-run's schedule index (-1: none).
	writeRun int
	// maxStepsGiven is --max-steps as given, "" without it.
	maxStepsGiven string
	// json is --format json: one document on stdout.
	json bool
	// fork starts dfs runs from copies of the world (--fork).
	fork bool
}

// exploration records the exploration under budget b whose step bound is
// maxSteps, for the schedule file of its first finding.
func (r exploreRun) exploration(b scenario.Budget, maxSteps int) *schedfile.Exploration {
	e := explored.FileRecord(b, r.reduction, r.states, r.stateCap, maxSteps, r.shrinkReplays)
	if b.Strategy == engine.StrategyDFS {
		e.SplitDepth = r.splitDepth
	}
	if r.shards > 1 { // --shard 0/1 is all of it
		e.Shard, e.Shards = r.shard, r.shards
	}
	if r.noShrink {
		e.NoShrink, e.ShrinkReplays = true, 0
	}
	return e
}

// runExplore implements `migsim explore`.
func runExplore(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("explore", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	tf := addTargetFlags(fs, "")
	strategy := fs.String("strategy", "", "random, pct or dfs (default: the scenario's)")
	schedules := fs.Int("schedules", 0, "schedules to run; for dfs the run budget (default: the scenario's; 1000000 when --strategy picks dfs or --bound raises the line's)")
	seed := cliflag.Uint64(fs, "seed", 0, "base seed (default: the scenario's)")
	bound := fs.Int("bound", 0, "dfs preemption bound, -1..64, -1 for none (default: the scenario's dfs line's; when --strategy picks dfs, the bound migsim run proves at: 2, or the line's proof-bound=)")
	depth := fs.Int("depth", 0, "pct depth d (default: the scenario's)")
	reduction := fs.String("reduction", "", "dfs partial-order reduction: sleep (sleep sets), dpor (source-set DPOR) or none (default: the scenario's explore line, else sleep)")
	splitDepth := fs.Int("split-depth", 0, "dfs: branching decisions explored in full before the tree splits into subtrees (default when sharded: 8 without state pruning; with it 2 for up to 4 shards, 4 for more; else none). A shard also executes the runs above the split that lead to other shards' subtrees, within its --schedules: past the depth at which the tree stops branching every run is a subtree of its own, and every shard executes them all to keep 1 in n")
	states := fs.Bool("states", false, "dfs: skip states already explored (systems that hash their state; default: the scenario's explore line, on when --strategy picks dfs; refused with reduction dpor, which prunes none)")
	stateCap := fs.Int("state-cap", 0, stateCapHelp)
	fork := fs.Bool("fork", false, "start each dfs run from a copy of the world at its branch point instead of replaying its path, and each random or pct run of a seed-free scenario from a copy at its first choice point (the same runs); says on stderr what the copies did")
	memo := fs.Bool("memo", true, "random and pct exploration, and shrinking under every strategy: reuse the results of runs already run")
	jobs := fs.Int("jobs", 0, "parallel runs (default: GOMAXPROCS); results do not depend on it")
	shard := fs.String("shard", "", "explore only part i of n, as i/n")
	maxSteps := fs.Int("max-steps", catalog.DefaultJudgeMaxSteps, "step bound of each run")
	shrinkReplays := fs.Int("shrink-replays", 0, "bound the replays that shrink the first finding (0: 5000)")
	noShrink := fs.Bool("no-shrink", false, "keep the first finding as found: write its schedule without shrinking it")
	explainRuns := fs.Int("explain-runs", explain.DefaultRuns, "bound the runs that explain the shrunk finding (0: no explanation)")
	sliceRuns := fs.Int("slice-runs", explain.DefaultNarrowRuns, "bound the checks that narrow the shrunk finding's causal slice (0: the footprint slice alone)")
	out := fs.String("out", ".", "directory for the shrunk schedule file (and a shard's summary)")
	progressMode := fs.String("progress", "auto", "progress on stderr: auto (when it is a terminal), always (one line per update) or never")
	format := fs.String("format", "text", "output format: text or json (one document)")
	writeRunN := fs.Int("write-run", 0, "also write the schedule file of schedule N of the exploration, with or without a finding (random and pct)")
	fs.Usage = func() {
		fmt.Fprint(stdout, exploreUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "explore", "%v", cliflag.Error(err, exploreLimits...))
	}
	if fs.NArg() == 1 && *tf.scenario == "" {
		// run takes its scenarios as arguments; explore names its one.
		return cmdbase.UsageError(stderr, "explore", "unexpected argument %q: explore takes its scenario as --scenario %s", fs.Arg(0), shellquote.Quote(fs.Arg(0)))
	}
	if fs.NArg() > 0 {
		return cmdbase.UsageError(stderr, "explore", "unexpected arguments %q", fs.Args())
	}
	if err := cliflag.CheckInts(fs, exploreLimits...); err != nil {
		return cmdbase.UsageError(stderr, "explore", "%v", err)
	}
	if *format != "text" && *format != "json" {
		return cmdbase.UsageError(stderr, "explore", "--format %q: want text or json", *format)
	}
	if *noShrink && fs.Changed("shrink-replays") {
		return cmdbase.UsageError(stderr, "explore", "--no-shrink and --shrink-replays contradict each other: give one")
	}
	t, err := tf.resolve()
	if err != nil {
		return targetError(stderr, "explore", err)
	}
	b := t.Scenario.BudgetFor(t.Edition)
	line := b
	if fs.Changed("strategy") {
		if *strategy != engine.StrategyRandom && *strategy != engine.StrategyPCT && *strategy != engine.StrategyDFS {
			return cmdbase.UsageError(stderr, "explore", "--strategy %q: want random, pct or dfs", *strategy)
		}
		b.Strategy = *strategy
	}
	if fs.Changed("schedules") { // cliflag.CheckInts checked the numbers' ranges
		b.Schedules = *schedules
	}
	if fs.Changed("seed") {
		b.Seed = *seed
	}
	if fs.Changed("bound") {
		b.Bound = *bound
	}
	if fs.Changed("depth") {
		b.Depth = *depth
	}
	red := engine.ReductionSleep
	if fs.Changed("reduction") {
		if red, err = engine.ParseReduction(*reduction); err != nil {
			msg := usererr.Text(err)
			if near := scenario.Suggest(*reduction, engine.Reductions); near != "" {
				msg += "; did you mean " + near + "?"
			}
			return cmdbase.UsageError(stderr, "explore", "--reduction: %s", msg)
		}
	}
	if b.Strategy == engine.StrategyDFS {
		if b, red, *states, err = dfsDefaults(b, line, fs.Changed, red, *states); err != nil {
			// The scenario's explore line, not the flags: no usage hint.
			fmt.Fprintf(stderr, "migsim explore: %s\n", usererr.Text(err))
			return cmdbase.ExitUsage
		}
		if red == engine.ReductionDPOR && fs.Changed("states") && *states {
			return cmdbase.UsageError(stderr, "explore", "--states and reduction dpor contradict each other: dpor prunes no states; drop --states, or give --reduction sleep")
		}
		if fs.Changed("state-cap") && (!*states || red == engine.ReductionDPOR) {
			return cmdbase.UsageError(stderr, "explore", "--state-cap %s: the state table is state pruning's, which this search does without; give --states (not with reduction dpor), or drop --state-cap", cliflag.Given(fs, "state-cap"))
		}
	}
	if fs.Changed("shard") && *shard == "" {
		return cmdbase.UsageError(stderr, "explore", `--shard "": want i/n with 0 <= i < n <= %d, e.g. 0/4`, report.MaxShards)
	}
	si, sn, err := parseShard(*shard)
	if err != nil {
		return cmdbase.UsageError(stderr, "explore", "%v", err)
	}
	pw, err := progress.ForMode(*progressMode, stderr)
	if err != nil {
		return cmdbase.UsageError(stderr, "explore", "%v", err)
	}
	if err := checkStrategyFlags(fs, b.Strategy); err != nil {
		return cmdbase.UsageError(stderr, "explore", "%v", err)
	}
	if fs.Changed("split-depth") && *splitDepth == 0 && sn > 1 {
		// Shards share out the subtrees below the split: without one a
		// shard would get the balanced depth in place of the 0 asked for
		// (one shard of one needs none, and BalancedSplitDepth gives it
		// none).
		return cmdbase.UsageError(stderr, "explore", "--split-depth 0 splits the tree into no subtrees for --shard %d/%d to share out: give 1..%d, or leave it out for the depth that balances the shards (docs/scale.md, \"Choosing the split depth\")",
			si, sn, scenario.MaxBound)
	}
	// Checked, not created: DIR is made when there is something to write
	// (a finding's schedule, a shard's summary, --write-run's run), so
	// that a run that stops on bad input, or finds nothing, leaves none.
	if err := cliflag.CheckOutputDir(*out); err != nil {
		return cmdbase.UsageError(stderr, "explore", "--out: %v", err)
	}
	if !fs.Changed("write-run") {
		*writeRunN = -1
	} else if *writeRunN >= b.Schedules || *shard != "" {
		return cmdbase.UsageError(stderr, "explore", "--write-run %s: want a schedule of the exploration, 0..%d, without --shard", cliflag.Given(fs, "write-run"), b.Schedules-1)
	}
	t.MaxSteps = *maxSteps
	run := exploreRun{writeRun: *writeRunN, maxStepsGiven: maxStepsGiven(fs), jobs: *jobs, shrinkReplays: *shrinkReplays, noShrink: *noShrink, explainRuns: *explainRuns, sliceRuns: exploreSliceRuns(*sliceRuns, *noShrink, fs.Changed("slice-runs")), shard: si, shards: sn, sharded: *shard != "", reduction: red, splitDepth: *splitDepth,
		states: *states, stateCap: *stateCap, memo: *memo, fork: *fork, out: *out, progress: pw, quiet: *progressMode == "never", json: *format == "json"}
	return explore(t, b, run, stdout, stderr)
}

// dfsDefaults settles what a dfs exploration whose flags leave it open
// does. Under the scenario's own dfs line, the line's reduction, and its
// budget unless --bound raises its bound (a budget sized for bound 1 does
// not exhaust bound 2): then DefaultDFSRunBudget. With dfs picked by
// --strategy for a scenario explored otherwise: sleep sets with state
// pruning, DefaultDFSRunBudget and the bound `migsim run` proves the
// line's pass rows at (2, or the line's proof-bound=). changed reports
// whether a flag was given.
func dfsDefaults(b, line scenario.Budget, changed func(string) bool, red engine.Reduction, states bool) (scenario.Budget, engine.Reduction, bool, error) {
	if line.Strategy != engine.StrategyDFS {
		if !changed("states") && !changed("reduction") {
			states = true
		}
		if !changed("schedules") {
			b.Schedules = DefaultDFSRunBudget
		}
		if !changed("bound") {
			b.Bound = line.EffectiveProofBound() // the bound `migsim run` proves the line's pass rows at
		}
		return b, red, states, nil
	}
	if !changed("reduction") && !changed("states") {
		var err error
		if red, states, err = explored.BudgetReduction(b); err != nil {
			return b, red, states, err
		}
	}
	raised := b.Bound != line.Bound && (b.Bound < 0 || (line.Bound >= 0 && b.Bound > line.Bound))
	if raised && !changed("schedules") {
		b.Schedules = max(b.Schedules, DefaultDFSRunBudget)
	}
	return b, red, states, nil
}

func explore(t catalog.Target, b scenario.Budget, run exploreRun, stdout, stderr io.Writer) int {
	gcpolicy.Apply()
	ctx, shrinkCtx, explored, stop := cmdbase.PhasedInterrupts()
	defer stop()
	t.RecordActors = run.fork
	f, seedFree, err := t.FactoryInfo(engine.ScheduleSeed(b.Seed, 0))
	if serr := setupError(err, t.MaxSteps, run.maxStepsGiven); serr != nil {
		return cmdbase.UsageError(stderr, "explore", "%v", serr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "migsim explore: %s\n", usererr.Text(err))
		return cmdbase.ExitFinding
	}
	if b.Strategy == engine.StrategyDFS && run.sharded && run.splitDepth == 0 {
		// The depth measured to balance the shards (docs/scale.md,
		// "Choosing the split depth"); every shard computes the same one.
		run.splitDepth = engine.BalancedSplitDepth(run.shards, run.states && run.reduction != engine.ReductionDPOR)
	}
	search := report.Search{Shards: run.shards, Reduction: run.reduction, SplitDepth: run.splitDepth, States: run.states, StateCap: run.stateCap, MaxSteps: t.MaxSteps}
	rep := report.Exploration{Target: targetText(t), Budget: report.BudgetText(b, search), Strategy: b.Strategy,
		Scenario: t.Scenario.Name, Edition: t.Edition.String(), Knobs: append([]string{}, t.Knobs()...), Settings: catalog.SettingStrings(t.Settings),
		Bound: b.Bound, Schedules: b.Schedules, ScenarioHash: scenario.RunHash(t.Scenario), MaxSteps: t.MaxSteps,
		States: b.Strategy == engine.StrategyDFS && run.states && run.reduction != engine.ReductionDPOR}
	nameShards, header := 0, ""
	if run.sharded {
		nameShards, header = run.shards, report.ShardHeader(b.Strategy, b.Schedules, run.shard, run.shards)
		if err := report.CheckShardOverwrite(report.ShardSummaryPath(run.out, t, run.shard, run.shards), &rep); err != nil {
			return cmdbase.UsageError(stderr, "explore", "--out: %v", err)
		}
	}
	if !run.json {
		fmt.Fprintf(stdout, "explore %s: %s%s\n", rep.Target, rep.Budget, header)
	}
	var memo *engine.MemoConfig
	if run.memo && seedFree {
		memo = &engine.MemoConfig{}
	}
	sum, err := engine.Explore(ctx, engine.ExploreConfig{Factory: f, Strategy: b.Strategy,
		Schedules: b.Schedules, Seed: b.Seed, Jobs: run.jobs, Shard: run.shard, Shards: run.shards,
		PCTDepth: b.Depth, Bound: b.Bound, Reduction: run.reduction, SplitDepth: run.splitDepth, States: run.states,
		StateCap: run.stateCap, MaxSteps: t.MaxSteps, Memo: memo, MergeData: run.sharded, Progress: cmdprogress.Explore(run.progress, run.quiet, run.noShrink, stderr),
		Fork: run.fork, SeedFree: seedFree})
	if st := sum.Fork; st != nil {
		printForkStats(stderr, b.Strategy, *st)
	}
	if err != nil && !sum.Interrupted {
		fmt.Fprintf(stderr, "migsim explore: %v\n", err)
		return cmdbase.ExitFinding
	}
	explored(sum.Interrupted) // a Ctrl-C from here on stops shrinking and explaining at once
	if err := t.AnnotateReports(b.Strategy, b.Seed, sum.Findings); err != nil {
		fmt.Fprintf(stderr, "migsim explore: requirements and actors of the findings: %s\n", usererr.Text(err))
	}
	rep.Summary = sum
	if !run.json {
		rep.PrintSummary(stdout)
	}
	code := cmdbase.ExitOK
	raceCut := false // the check for the guest's own race was interrupted
	rep.Expected = report.NoFindingNote(t)
	if len(sum.Findings) > 0 {
		code = cmdbase.ExitFinding
		first := sum.Findings[0]
		rep.Expected = report.ExpectationNote(t, &first.Finding)
		sc := engine.ShrinkConfig{MaxSteps: t.MaxSteps, MaxReplays: run.shrinkReplays, NoMemo: !run.memo, JustRan: true,
			Progress: cmdprogress.Shrink(run.progress)}
		if run.noShrink {
			// One replay: the run as found, with its finding annotated
			// and its causal slice, and no candidate tried.
			sc.MaxReplays = 1
		}
		sr, err := engine.ShrinkContext(shrinkCtx, f, first.Seed, first.Result.Choices, first.Finding.Oracle, sc)
		if run.progress != nil {
			run.progress.End()
		}
		if err != nil {
			fmt.Fprintf(stderr, "migsim explore: %v\n", err)
			return cmdbase.ExitFinding
		}
		rep.Shrunk, rep.NotShrunk, rep.Schedule = &sr, run.noShrink, t.Schedule(b.Strategy, b.Seed, first.Index, sr.Result)
		rep.Schedule.Exploration = run.exploration(b, t.MaxSteps)
		// The shrunk finding's impact, its requirements (broken, involved) and its
		// actors, as run and replay print them (AnnotateReports gave the
		// finding list above the same derivation on the runs as found).
		if fd := sr.Result.Finding; fd != nil {
			// rep.Schedule shares fd, so the schedule file records them too.
			if err := catalog.AnnotateFinding(rep.Schedule, fd, t.MaxSteps); err != nil {
				fmt.Fprintf(stderr, "migsim explore: impact of the shrunk finding: %s\n", usererr.Text(err))
			}
			// The shrunk schedule is the finding the report shows: the
			// check replays it first. A check cut short says so in its caveat.
			rc, err := t.RaceCaveat(shrinkCtx, b.Seed, catalog.FoundRun{Seed: first.Seed, Choices: sr.Result.Choices, Finding: fd})
			if err != nil {
				fmt.Fprintf(stderr, "migsim explore: runs without migration: %s\n", usererr.Text(err))
			}
			rep.Caveat, rep.CaveatEvidence, raceCut = rc.Caveat, rc.Evidence, rc.Interrupted
			if run.explainRuns > 0 {
				ex, err := explain.Explain(shrinkCtx, f, first.Seed, sr.Result, explain.Config{MaxSteps: t.MaxSteps, MaxRuns: run.explainRuns})
				if err != nil {
					fmt.Fprintf(stderr, "migsim explore: explaining the shrunk finding: %v\n", err)
				} else {
					rep.Explained = &ex
				}
			}
			// After a Ctrl-C the narrowing runs its first check alone (two
			// runs) and returns the footprint slice it checked, Interrupted
			// set: stdout and the JSON keep a slice, saying it was cut.
			if run.sliceRuns > 0 {
				n, err := explain.NarrowSliceContext(shrinkCtx, f, first.Seed, sr.Result, sr.Slice, t.MaxSteps, run.sliceRuns)
				if err != nil {
					fmt.Fprintf(stderr, "migsim explore: narrowing the shrunk finding's slice: %v\n", err)
				} else {
					rep.Narrowed = &n
				}
			}
		}
	}
	// Results that cannot be written are an error (2), not a finding: a
	// batch system takes 1 for success (docs/scale.md).
	if (rep.Schedule != nil || run.sharded) && !makeOut(run.out, stderr) {
		return cmdbase.ExitUsage
	}
	if rep.Schedule != nil {
		name := catalog.ScheduleRegressName(rep.Schedule)
		rep.Path = filepath.Join(run.out, report.ShardName(name, ".json", run.shard, nameShards))
		var err error
		if run.sharded { // a shard's file goes with its summary
			err = catalog.WriteSchedule(rep.Schedule, rep.Path)
		} else {
			rep.Path, err = keepSchedule("explore", rep.Schedule, rep.Path, stderr)
		}
		if err != nil {
			fmt.Fprintf(stderr, "migsim explore: %v\n", err)
			return cmdbase.ExitUsage
		}
	} else if !run.sharded && !sum.Interrupted {
		if note := report.EarlierSchedules(run.out, catalog.RegressName(t.Scenario.Name, t.Edition, t.Knobs(), catalog.SettingStrings(t.Settings))); note != "" {
			fmt.Fprintf(stderr, "migsim explore: %s\n", note)
		}
	}
	if run.sharded {
		p := report.ShardSummaryPath(run.out, t, run.shard, run.shards)
		stale := ""
		if !sum.Interrupted { // an interrupted run did not look everywhere
			stale = report.StaleShardSchedule(p, run.out, run.shard, run.shards, rep.Path)
		}
		if err := report.WriteShardFile(p, &rep); err != nil {
			fmt.Fprintf(stderr, "migsim explore: %v\n", err)
			return cmdbase.ExitUsage
		}
		if stale != "" {
			if err := os.Remove(stale); err != nil && !errors.Is(err, os.ErrNotExist) {
				fmt.Fprintf(stderr, "migsim explore: shard summary %s: remove the schedule file of its last run: %v\n", p, err)
				return cmdbase.ExitUsage
			} else if err == nil {
				fmt.Fprintf(stderr, "migsim explore: removed %s, the schedule file of this shard's last run, which this run did not find again\n", stale)
			}
		}
		fmt.Fprintf(stderr, "migsim explore: shard summary %s (combine the shards with migsim merge)\n", p)
		if run.shards > 1 && len(sum.Findings) == 0 {
			rep.Expected = report.ShardNoFindingNote(t) // what this shard prints; its summary keeps the exploration's
		}
		if id := buildinfo.Running(); !buildinfo.Identified(id) {
			fmt.Fprintf(stderr, "migsim explore: note: this build's identity is %q, which names no one build: merge refuses summaries of it unless given --trust-build\n", id)
		}
	}
	printResult(stdout, &rep, run.json)
	if sum.Interrupted {
		return cmdbase.ExitInterrupted
	}
	if shrinkCtx.Err() != nil {
		// Interrupted after the exploration ended: what the shrink,
		// explanation or slice reached is written and says it was cut.
		fmt.Fprintf(stderr, "migsim explore: %s\n", afterExplorationNote(rep.Shrunk, raceCut, rep.Explained, run.explainRuns > 0, rep.Narrowed, run.sliceRuns > 0))
		return cmdbase.ExitInterrupted
	}
	if n := run.writeRun; n >= 0 {
		sc, err := t.ScheduleAt(f, b, n, sum.PCTSteps)
		if err != nil {
			fmt.Fprintf(stderr, "migsim explore: --write-run %d: %s\n", n, usererr.Text(err))
			return cmdbase.ExitFinding
		}
		sc.Exploration = run.exploration(b, t.MaxSteps)
		sc.Exploration.ShrinkReplays, sc.Exploration.NoShrink, sc.Exploration.WriteRun = 0, false, true // written as it ran
		if !makeOut(run.out, stderr) {
			return cmdbase.ExitUsage
		}
		p, err := keepSchedule("explore", sc, filepath.Join(run.out, strings.TrimSuffix(catalog.ScheduleRegressName(sc), ".json")+fmt.Sprintf("_run-%d.json", n)), stderr)
		if err != nil {
			fmt.Fprintf(stderr, "migsim explore: --write-run %d: %v\n", n, err)
			return cmdbase.ExitUsage
		}
		w := stdout
		if run.json { // stdout holds the document alone
			w = stderr
		}
		fmt.Fprintf(w, "run #%d (seed %d): %s, %d steps\nrun schedule: %s (trace hash %s)\ntrace: migsim trace %s (or %s --trace)\n",
			n, sc.Seed, traceFindingText(sc.Finding), sc.Steps, p, sc.TraceHash, shellquote.Quote(p), catalog.ReplayCommand(p))
	}
	return code
}

// makeOut creates explore's --out directory dir, when there is a file to
// write under it; an error is said on stderr (exit 2: an output that
// cannot be written).
func makeOut(dir string, stderr io.Writer) bool {
	if err := os.MkdirAll(dir, keepfile.DirPerm); err != nil {
		fmt.Fprintf(stderr, "migsim explore: --out: %v\n", err)
		return false
	}
	return true
}

// printResult prints the end of explore's and merge's report: the text's
// findings and schedule (report.Exploration.PrintResult), or with
// --format json the whole report as one document.
func printResult(stdout io.Writer, rep *report.Exploration, asJSON bool) {
	if asJSON {
		_ = rep.WriteJSON(stdout) // a write error is main's (writecheck): exit 2
		return
	}
	rep.PrintResult(stdout, usererr.Text)
}

// keepSchedule writes a schedule file where explore and merge write it
// (report.KeepSchedule: never over another file) and says on stderr when
// it went elsewhere or was there already.
func keepSchedule(cmd string, sc *schedfile.Schedule, path string, stderr io.Writer) (string, error) {
	p, note, err := report.KeepSchedule(sc, path)
	if note != "" {
		fmt.Fprintf(stderr, "migsim %s: %s\n", cmd, note)
	}
	return p, err
}

// exploreSliceRuns is the narrowing budget explore uses: --slice-runs,
// but none under --no-shrink unless --slice-runs is given, since
// --no-shrink is for schedules too long to process beyond reading them.
func exploreSliceRuns(runs int, noShrink, given bool) int {
	if noShrink && !given {
		return 0
	}
	return runs
}
