package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/foundby"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/internal/replayverdict"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/report"
	tracepkg "github.com/migsim/migsim/trace"
	"github.com/migsim/migsim/world/record"
)

func init() {
	register(command{
		name:    "replay",
		summary: "replay a schedule file and reproduce its trace, byte for byte",
		run:     runReplay,
	})
}

const replayUsage = `usage: migsim replay FILE [--trace | --slice [--slice-runs N] | --explain [--explain-runs N] | --without-migration]
       [--max-steps N] [--device DEVICE [--timeout D]] [-- DEVICE-ARGS...]
       migsim replay FILE [--spec E] [--knob K=V...] [--set K=V...] [--save OUT]
       [--trace | --slice [--slice-runs N] | --explain [--explain-runs N]] [--max-steps N]

Rebuilds the run a schedule file records: its scenario (the file it names,
relative to the schedule file, or the text the schedule carries when that file
is gone, or the embedded catalog's scenario of that name; the hash of the
scenario's parsed form must match),
edition, knobs, settings and seed, runs the reference without migration, then
follows the recorded choices strictly. Prints, under its first line, how the
schedule was found ("found by:" and the migsim explore command that runs that
exploration again, or why a file of an older format cannot say), then the
finding and the trace hash;
--trace prints the trace, one line per step. --slice prints only the steps
whose place the finding needs, with the clock jumps before them: it starts
from the steps the finding depends on through happens-before (the finding's
step and, back from it, every step of the same actor or with a conflicting
footprint; "footprints: N of M steps matter", or "all M steps matter") and
narrows them by running: a step is left out when the run with it held back
behind the others (in its recorded order, and reversed), and the run that
holds it back until last, still have the finding at its step ("slice: N of M
steps placed: …"), at most --slice-runs such checks of two or three runs
each (0: the footprint slice alone, under
"slice: N of M steps matter"). --explain
moves each step of the finding's run, nearest the finding first, as early
and as late as it can run (the others in their recorded order as far as
the run allows); where a move loses the finding, a bisection finds the
step it must not pass, and the orderings found print as "step I before
step J": with the two reversed the finding goes. At most --explain-runs
runs (0: no explanation). A divergence names the step.
--without-migration makes the run without migration too (the control run:
the same scenario, programs, settings and seed with the hypervisor's
migration operations skipped, the run the transparent oracle compares
with) and prints its oracles' verdict, the replayed run's finding, the
first entry where the two guest logs differ and a verdict line saying
whether the migration or the scenario is at fault, as migsim trace
--without-migration --format text does (without the guest log and the
trace: migsim trace prints those; docs/traces.md, "The run without
migration"). A run without migration with a finding is not compared with
the recording, whose replay is then left out.

A counterexample migsim conform wrote records its device: a builtin one
(builtin:mutant/NAME) replays the file without --device, as stderr says; an
exec: one must be named with --device (exit 2 otherwise: its program need not
be on this machine). --device replays with a device under test, named as
migsim conform --device names it (an exec device's arguments after --), in
place of the reference or the recorded device: stderr then names both, and
stdout says "the device differs from the recording: recorded with D1,
replayed with D2" under the first line (the same program with other
arguments is another device). Under its finding, the replay of a file
migsim conform wrote prints what the kit charges, decided from this run as
migsim conform --replay decides it ("charged: …", "charged by …" for a
transparent finding or one no check attributes to a requirement, "involved,
not charged: …"; docs/conformance.md, "What
a failed row charges") in place of the catalog's "requirements:" line.

--spec, --knob and --set (explore's flags) replay the schedule under another
edition, other knobs or other settings, to ask whether they remove the
finding on this very interleaving: the schedule's scenario and seed, the
recorded knobs and settings with those given in place of the ones of the
same name (every other knob takes the edition's default, and --knob
K=DEFAULT puts a recorded knob back to it; a recorded knob the edition
given lacks is left out, and a line says so), and the recorded
choices followed leniently: a recorded step the run does not enable gives
way to the recorded actor's first enabled step (else the previous actor's,
else the first enabled), and past the recorded choices the previous actor continues. It prints what
it ran under ("under EDITION, knobs K, settings S"), how many recorded
choices the run followed as recorded and its first departure: the step, the
recorded step and the step taken, and why (the recorded step was not
enabled, the run ended before it, the run went on past the recorded
choices); then the run's finding or "no finding" and its trace hash beside
the recorded one. Without a departure, or with the run going on past every
recorded choice, the run made the recorded interleaving: no finding then
means the rules given remove it there; after an earlier departure the run
went elsewhere. --trace, --slice and --explain show that run; --save OUT
writes it as a schedule file of the rules given (as explore writes one: a
file OUT that holds another schedule is kept, and this one goes to OUT's
first free edition, OUT.1.json…), which replay, trace and report read as
any other; --device and --without-migration do not go with these flags. A knob, value, setting or
edition explore refuses is refused the same way (exit 2).

A schedule whose finding is the step bound replays at that bound (its
length); any other at least at its length: without --max-steps the default
bound grows to it, and a --max-steps that would cut the schedule short is
refused.

Exit 0 when the run reproduces without a finding, 1 when it reproduces a
finding, diverges or the device breaks the protocol after its handshake
(with --without-migration: 1 when either run has a finding; with --spec,
--knob or --set: 0 when the run has no finding, 1 when it has one, however
closely it followed the schedule), 2 on a usage
error, a bad or stale schedule file or a device that cannot be started or
breaks the protocol in its handshake, 130 when
Ctrl-C ends --explain's or --slice's runs (the finding is printed with
what they found so far) or a request to an exec: device.

flags:
`

// runReplay implements `migsim replay`.
func runReplay(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("replay", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	trace := fs.Bool("trace", false, "print the trace, one line per step")
	slice := fs.Bool("slice", false, "print only the steps the finding depends on (its causal slice)")
	explainMode := fs.Bool("explain", false, "print the orderings of two steps the finding needs (docs/engine.md, \"Explaining\")")
	explainRuns := fs.Int("explain-runs", explain.DefaultRuns, "bound the runs of --explain (0: no explanation)")
	sliceRuns := fs.Int("slice-runs", explain.DefaultNarrowRuns, "bound the checks that narrow --slice (0: the footprint slice)")
	maxSteps := fs.Int("max-steps", catalog.DefaultJudgeMaxSteps, "step bound of the run")
	without := fs.Bool("without-migration", false, "compare the run with the run without migration (same scenario and seed) and say where the fault lies")
	var device devicearg.Flag
	device.Add(fs)
	uf := addUnderFlags(fs)
	save := fs.String("save", "", "with --spec, --knob or --set: write the run under those rules as a schedule file OUT")
	fs.Usage = func() {
		fmt.Fprint(stdout, replayUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "replay", "%v", cliflag.Error(err, replayLimits...))
	}
	if countTrue(*trace, *slice, *explainMode) > 1 {
		return cmdbase.UsageError(stderr, "replay", "--trace, --slice and --explain: choose one")
	}
	if *without && countTrue(*trace, *slice, *explainMode) > 0 {
		return cmdbase.UsageError(stderr, "replay", "--without-migration goes with none of --trace, --slice and --explain "+
			"(migsim trace FILE --without-migration prints the trace of the run without migration)")
	}
	if fs.Changed("explain-runs") && !*explainMode {
		return cmdbase.UsageError(stderr, "replay", "--explain-runs goes with --explain")
	}
	if fs.Changed("slice-runs") && !*slice {
		return cmdbase.UsageError(stderr, "replay", "--slice-runs goes with --slice")
	}
	args, dev, err := device.Parse(fs)
	if err != nil {
		return cmdbase.UsageError(stderr, "replay", "%v", err)
	}
	if len(args) != 1 {
		return cmdbase.UsageError(stderr, "replay", "want one schedule FILE, got %d arguments", len(args))
	}
	if fs.Changed("save") { // a path, checked before the run as every output path is
		if *save == "" {
			return cmdbase.UsageError(stderr, "replay", "--save: empty path: want a schedule file")
		}
		if err := cliflag.CheckOutputFile(*save); err != nil {
			return cmdbase.UsageError(stderr, "replay", "--save: %v", err)
		}
	}
	if err := cliflag.CheckInts(fs, replayLimits...); err != nil {
		return cmdbase.UsageError(stderr, "replay", "%v", err)
	}
	path := args[0]
	sc, err := catalog.ReadScheduleFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "migsim replay: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	if _, err := catalog.TargetOf(sc); err != nil {
		fmt.Fprintf(stderr, "migsim replay: %s: %s\n", path, usererr.Text(err))
		return cmdbase.ExitUsage
	}
	ut, dropped, code := catalog.Target{}, []string(nil), -1
	if uo := uf.override(); uo.Empty() && fs.Changed("save") {
		return cmdbase.UsageError(stderr, "replay", "--save writes the run under other rules: it goes with --spec, --knob or --set (the recorded run is FILE already)")
	} else if !uo.Empty() {
		if ut, dropped, code = underTarget(stderr, sc, uo, dev != nil, *without); code >= 0 {
			return code
		}
	}
	differs := devicearg.DiffersLine(sc, dev) // of the device given, before the file's
	var ok bool
	if dev, ok = cmdbase.ScheduleDevice(stderr, "replay", shellquote.Quote(path), path, sc, dev); !ok {
		return cmdbase.ExitUsage
	}
	if *maxSteps, err = scheduleMaxSteps(fs, sc, *maxSteps); err != nil {
		return cmdbase.UsageError(stderr, "replay", "%v", err)
	}
	ctx, stop := cmdbase.DeviceContext(dev)
	if dev == nil && ((*explainMode && *explainRuns > 0) || (*slice && *sliceRuns > 0)) {
		// Explaining and narrowing run many replays: a Ctrl-C ends them
		// and prints what they found so far, as explore and report do
		// (handled from before the header line on).
		stop()
		ctx, _, stop = cmdbase.Interrupts()
	}
	defer stop()
	knobs := "defaults"
	if len(sc.Knobs) > 0 {
		knobs = strings.Join(sc.Knobs, " ")
	}
	fmt.Fprintf(stdout, "replay %s: scenario %s (hash %s), %s, knobs %s", path, sc.Scenario, sc.ScenarioHash, sc.Edition, knobs)
	if len(sc.Settings) > 0 {
		fmt.Fprintf(stdout, ", settings %s", strings.Join(sc.Settings, " "))
	}
	fmt.Fprintf(stdout, ", seed %d, %s, %s\n", sc.Seed, plural.Count(sc.Steps, "step"), plural.Count(sc.Preemptions, "preemption"))
	// How the file was found, part of the header: it is the file's.
	fmt.Fprintf(stdout, "found by: %s\n", foundby.Of(sc).Text())
	fmt.Fprint(stdout, differs) // what follows is the run of another device than the recording's
	recorded := sc.TraceHash
	if ut.Scenario != nil { // what follows is the run under other rules, replayed strictly
		if sc, code = replayUnder(stdout, stderr, sc, ut, dropped, *maxSteps, maxStepsGiven(fs)); code >= 0 {
			return code
		}
		if *save != "" && !saveUnder(stdout, stderr, sc, *save) {
			return cmdbase.ExitUsage
		}
	}
	cfg := engine.RunConfig{MaxSteps: *maxSteps}
	var full bytes.Buffer
	if *trace || *slice {
		cfg.Trace = &full // printed with the admin commands each step completed
	}
	t, finish, err := devicearg.OpenTarget(ctx, dev, sc)
	if err != nil {
		return cmdbase.RunFailed(ctx, stderr, "replay", path, sc, dev, err)
	}
	t.MaxSteps = *maxSteps
	if *without {
		return replayControl(ctx, stdout, stderr, t, finish, sc, dev, path, *maxSteps, maxStepsGiven(fs))
	}
	// The finding is annotated and explained with the device open.
	var res engine.Result
	var events []record.TraceEvent
	if cfg.Trace != nil {
		res, events, err = t.Record(sc, cfg)
	} else {
		res, err = catalog.ReplayOn(t, sc, cfg)
	}
	var annErr, exErr, sliceErr error
	var ex *explain.Explanation
	var narrowed *explain.Narrowed
	var charge *conformance.Charge
	if fd := res.Finding; err == nil && fd != nil {
		if sc.Device != "" && ut.Scenario == nil && dev != nil {
			// A file migsim conform wrote: what the kit charges, decided
			// from this run as conform --replay decides it.
			charge = conformance.ChargeOf(t, sc, res)
		}
		annErr = t.AnnotateFinding(sc, fd)
		if annErr == nil && *explainMode && *explainRuns > 0 {
			ex, exErr = report.ExplainOn(ctx, t, sc, res, *maxSteps, *explainRuns)
		}
		if annErr == nil && *slice && *sliceRuns > 0 {
			n, nerr := report.NarrowSliceOn(ctx, t, sc, res, *maxSteps, *sliceRuns)
			if nerr != nil {
				sliceErr = nerr
			} else {
				narrowed = &n
			}
		}
	}
	err = finish(err)
	if serr := setupError(err, *maxSteps, maxStepsGiven(fs)); serr != nil {
		return cmdbase.UsageError(stderr, "replay", "%v", serr)
	}
	if dev != nil && err != nil { // as migsim trace says it
		return cmdbase.RunFailed(ctx, stderr, "replay", path, sc, dev, err)
	}
	switch lines := tracepkg.DecodeStepLines(full.String(), events); {
	case *trace:
		fmt.Fprint(stdout, lines)
	case *slice && err == nil && narrowed != nil:
		fmt.Fprintf(stdout, "footprints: %s\n", engine.SliceSummary(len(engine.CausalSlice(res)), len(res.Choices)))
		fmt.Fprint(stdout, tracepkg.SliceLinesOf(lines, narrowed.Slice, narrowed.Text(len(res.Choices))))
	case *slice && err == nil:
		fmt.Fprint(stdout, tracepkg.SliceLines(lines, res))
	}
	if err != nil {
		// A divergence says "replay diverged" itself; another error
		// of the run says what failed.
		if errors.Is(err, engine.ErrDiverged) {
			fmt.Fprintf(stdout, "%s\n", usererr.Text(err))
		} else {
			fmt.Fprintf(stdout, "replay failed: %s\n", usererr.Text(err))
		}
		fmt.Fprintln(stdout, traceHashLine(engine.FormatHash(res.TraceHash), sc.TraceHash))
		return cmdbase.ExitFinding
	}
	if fd := res.Finding; fd != nil {
		fmt.Fprintf(stdout, "finding %s at step %d: %s\n", fd.Oracle, engine.ShownStep(fd.Step), fd.Message)
		if annErr != nil {
			fmt.Fprintf(stderr, "migsim replay: %s: impact: %s\n", path, usererr.Text(annErr))
			return cmdbase.ExitFinding
		}
		if fd.Impact != "" {
			fmt.Fprintf(stdout, "  impact: %s (%s)\n", fd.Impact, fd.ImpactWhy)
		}
		if charge != nil {
			replayverdict.ChargeLines(stdout, charge)
		} else if len(fd.Reqs) > 0 {
			fmt.Fprintf(stdout, "  requirements: %s\n", fd.ReqsText())
		}
		if len(fd.Actors) > 0 {
			fmt.Fprintf(stdout, "  actors: %s\n", strings.Join(fd.Actors, " "))
		}
		if exErr != nil {
			fmt.Fprintf(stderr, "migsim replay: %s: explain: %s\n", path, usererr.Text(exErr))
			return cmdbase.ExitFinding
		}
		if sliceErr != nil {
			fmt.Fprintf(stderr, "migsim replay: %s: slice: %s\n", path, usererr.Text(sliceErr))
			return cmdbase.ExitFinding
		}
		if *explainMode {
			printExplanation(stdout, ex, res, sc, dev == nil, *maxSteps)
		}
	} else {
		fmt.Fprintln(stdout, "no finding")
	}
	fmt.Fprintln(stdout, hashLine(engine.FormatHash(res.TraceHash), recorded, ut.Scenario != nil))
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "migsim replay: %s: interrupted: the explanation or slice above is as far as it got\n", path)
		return cmdbase.ExitInterrupted
	}
	if res.Finding != nil {
		return cmdbase.ExitFinding
	}
	return cmdbase.ExitOK
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

// printExplanation prints ex, the explanation of res (nil with
// --explain-runs 0), naming the admin commands of the steps from the
// reference's run of sc when the reference replayed it.
func printExplanation(w io.Writer, ex *explain.Explanation, res engine.Result, sc *schedfile.Schedule, reference bool, maxSteps int) {
	if ex == nil {
		fmt.Fprintln(w, "  why: not explained (--explain-runs 0)")
		return
	}
	if !reference {
		sc, maxSteps = nil, 0 // the device's run is not the reference's to record
	}
	report.PrintWhy(w, ex, res.Choices, sc, maxSteps, usererr.Text)
}

// hashLine is the trace hash line of a replay that reproduced its run:
// the recording's, or, under other rules (under), the run's beside the
// recorded one.
func hashLine(got, recorded string, under bool) string {
	switch {
	case !under:
		return "trace hash " + got + " (matches the recording)"
	case got == recorded:
		return "trace hash " + got + " (the recorded one)"
	}
	return "trace hash " + got + ", recorded " + recorded
}

// traceHashLine compares a replay's trace hash with the recorded one
// after the replay failed. The hash covers the steps' labels, not which
// actor the file says ran each nor the preemptions it counts, so a file
// whose only difference is there diverges with the recorded hash: said
// so, rather than "recorded" beside the same value, which reads as a match.
func traceHashLine(got, recorded string) string {
	if got == recorded {
		return "trace hash " + got + " (as recorded: the run made the recorded steps; what differs is above)"
	}
	return "trace hash " + got + ", recorded " + recorded
}
