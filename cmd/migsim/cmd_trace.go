package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/foundby"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/trace"
	"github.com/migsim/migsim/world/record"
)

func init() {
	register(command{
		name:    "trace",
		summary: "replay a schedule file and export its trace (pcapng, mermaid, json, text, timeline, gantt, dot)",
		run:     runTrace,
	})
}

const traceUsage = `usage: migsim trace FILE [--format pcapng|mermaid|json|text|timeline|gantt|dot] [--out PATH] [--window N]
       [--max-steps N] [--without-migration] [--device DEVICE [--timeout D]] [-- DEVICE-ARGS...]

Replays a schedule file strictly (like migsim replay) with the trace recorded,
and writes it:
  pcapng   one packet per event, for Wireshark with docs/migsim.lua
           (migsim dissector writes it)
  mermaid  a sequence diagram of the last --window steps before the finding
  json     the run's report: finding, coverage (events per kind), stats, and
           how the file was found (found_by, as replay's "found by:")
  text     one line per event and per quiet step (a hypervisor, peer or guest
           step with no bus traffic), of the last --window steps when given
  timeline the members' modes over the run as a text lane chart
  gantt    the same as a Mermaid gantt chart
  dot      the edition's mode machine with the run's transitions drawn
See docs/traces.md. The output depends on the schedule alone. pcapng is
binary: to a terminal it is refused (exit 2); use --out or a redirect.
--device replays it with a device under test instead of the reference, named
as migsim conform --device names it (builtin:blk, builtin:net,
builtin:mutant/NAME, exec:PATH with its arguments after --): the trace of a
counterexample migsim conform wrote, as the device ran it. Without --device,
the device the file records replays it (a builtin one; a recorded exec: one
must be named, exit 2 otherwise); a file that records none, the reference.
With a --device other than the recorded one stderr names both, and the
text and timeline exports begin "the device differs from the recording:
recorded with D1, replayed with D2"; the other formats are another tool's
input and leave the line out.
--without-migration traces the run without migration instead (the control
run): the same scenario, programs, settings and seed with the hypervisor's
migration operations skipped, the run the transparent oracle compares with,
judged by the oracles as every row's reference run is. text and json show
its guest log, its verdict and the first entry where the schedule's own
run's guest log differs; mermaid and pcapng export the run and print the
comparison on stderr; timeline, gantt and dot are refused (exit 2). A run
without migration with a finding means the scenario or the device, not the
migration, is at fault, and the output says so (docs/traces.md, "The run
without migration").

Exit 0 when the trace was written (whether or not the run ends in a finding),
1 when the schedule does not replay (diverging) or the device breaks the
protocol after its handshake, 2 on a usage error, a schedule file that
cannot be read (bad or stale), a device that cannot be started or breaks
the protocol in its handshake (no device of the protocol), a trace that cannot be written
(stdout or --out), 130 when interrupted.

flags:
`

// traceFormats are the values of --format.
var traceFormats = []string{"pcapng", "mermaid", "json", "text", "timeline", "gantt", "dot"}

// runTrace implements `migsim trace`.
func runTrace(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("trace", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	format := fs.String("format", "text", "pcapng, mermaid, json, text, timeline, gantt or dot")
	out := fs.String("out", "", "write to PATH instead of stdout")
	window := fs.Int("window", 30, "mermaid and text: steps shown up to the finding (0: all; text: all unless given)")
	maxSteps := fs.Int("max-steps", catalog.DefaultJudgeMaxSteps, "step bound of the run")
	without := fs.Bool("without-migration", false, "trace the run without migration (same scenario and seed) and compare the guest's logs")
	var device devicearg.Flag
	device.Add(fs)
	fs.Usage = func() {
		fmt.Fprint(stdout, traceUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return traceUsageError(stderr, "%v", cliflag.Error(err, traceLimits...))
	}
	args, dev, err := device.Parse(fs)
	if err != nil {
		return traceUsageError(stderr, "%v", err)
	}
	if len(args) != 1 {
		return traceUsageError(stderr, "want one schedule FILE, got %d arguments", len(args))
	}
	if !validTraceFormat(*format) {
		return traceUsageError(stderr, "--format %q: want one of %s", *format, strings.Join(traceFormats, ", "))
	}
	if err := cliflag.CheckInts(fs, traceLimits...); err != nil {
		return traceUsageError(stderr, "%v", err)
	}
	if err := cliflag.EmptyPaths(fs, "out"); err != nil {
		return traceUsageError(stderr, "%v", err)
	}
	if *without && !controlFormat(*format) {
		return traceUsageError(stderr, "--without-migration goes with --format text, json, mermaid or pcapng: %s draws the members' migration modes, which the run without migration never changes (its FLRs and resets show in text)", *format)
	}
	if fs.Changed("window") && *format != "mermaid" && *format != "text" {
		return traceUsageError(stderr, "--window goes with --format mermaid or text (the steps up to the finding); %s shows the whole run", *format)
	}
	if *format == "text" && !fs.Changed("window") {
		*window = 0 // the whole run
	}
	if *out != "" {
		if err := cliflag.CheckOutputFile(*out); err != nil {
			return traceUsageError(stderr, "--out: %v", err)
		}
	} else if binaryToTerminal(stdout, *format) {
		return traceUsageError(stderr, "--format %s is binary and stdout is a terminal: write it to a file with --out FILE or a redirect (> FILE)", *format)
	}
	path := args[0]
	sc, err := catalog.ReadScheduleFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "migsim trace: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	if _, err := catalog.TargetOf(sc); err != nil {
		fmt.Fprintf(stderr, "migsim trace: %s: %s\n", path, usererr.Text(err))
		return cmdbase.ExitUsage
	}
	differs := devicearg.DiffersLine(sc, dev) // of the device given, before the file's
	var ok bool
	if dev, ok = cmdbase.ScheduleDevice(stderr, "trace", shellquote.Quote(path), path, sc, dev); !ok {
		return cmdbase.ExitUsage
	}
	if *maxSteps, err = scheduleMaxSteps(fs, sc, *maxSteps); err != nil {
		return traceUsageError(stderr, "%v", err)
	}
	ctx, stop := cmdbase.DeviceContext(dev)
	defer stop()
	t, finish, err := devicearg.OpenTarget(ctx, dev, sc)
	if err != nil {
		return cmdbase.RunFailed(ctx, stderr, "trace", path, sc, dev, err)
	}
	var buf bytes.Buffer
	if *format == "text" || *format == "timeline" {
		// Read by people, the export says first that it is another
		// device's run; the others are another tool's input (stderr's note
		// says it).
		buf.WriteString(differs)
	}
	if *without {
		run, code := traceControl(ctx, &buf, stderr, t, finish, sc, dev, path, *format, *window, *maxSteps, maxStepsGiven(fs))
		if code >= 0 {
			return code
		}
		return writeTraceOut(stdout, stderr, &buf, *out, *format, run.Result, len(run.Events))
	}
	var steps trace.StepLog
	res, events, err := t.Record(sc, engine.RunConfig{MaxSteps: *maxSteps, Trace: &steps})
	if err == nil && res.Finding != nil && (*format == "json" || *format == "mermaid") {
		// The finding's requirements and actors as replay and report show
		// them: of a counterexample the kit wrote, the kit's charge.
		t.MaxSteps = *maxSteps
		var charge *trace.Charge
		if kit := devicearg.KitCharge(sc, dev); kit != nil {
			charge = kit(t, sc, res)
		}
		err = t.AnnotateFinding(sc, res.Finding)
		charge.Mark(res.Finding)
	}
	err = finish(err)
	if serr := setupError(err, *maxSteps, maxStepsGiven(fs)); serr != nil {
		return traceUsageError(stderr, "%v", serr)
	}
	if err != nil {
		return cmdbase.RunFailed(ctx, stderr, "trace", path, sc, dev, err)
	}
	if err := writeTrace(&buf, *format, sc, path, res, events, steps.Steps, *window); err != nil {
		fmt.Fprintf(stderr, "migsim trace: %s: %v\n", path, err)
		return cmdbase.ExitFinding
	}
	return writeTraceOut(stdout, stderr, &buf, *out, *format, res, len(events))
}

// writeTraceOut writes the export in buf to stdout, or to out when set
// (then saying on stderr what it wrote: the events and steps of run res).
func writeTraceOut(stdout, stderr io.Writer, buf *bytes.Buffer, out, format string, res engine.Result, events int) int {
	if out == "" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			fmt.Fprintf(stderr, "migsim trace: write: %v\n", err)
			return cmdbase.ExitUnwritten
		}
		return cmdbase.ExitOK
	}
	if err := os.WriteFile(out, buf.Bytes(), keepfile.Perm); err != nil {
		fmt.Fprintf(stderr, "migsim trace: %v\n", err)
		return cmdbase.ExitUnwritten
	}
	fmt.Fprintf(stderr, "migsim trace: %s, %s, %s: wrote %s (%s)\n",
		plural.Count(events, "event"), plural.Count(res.Steps(), "step"), traceFindingText(res.Finding), out, format)
	return cmdbase.ExitOK
}

// writeTrace writes the recorded run of schedule sc, read from path, in
// format (one of traceFormats; window is mermaid's and text's, 0 the whole
// run; steps the run's scheduler steps, of which text shows those that
// recorded no event): what migsim trace writes. migsim conform --replay
// --trace writes the same text through trace.WindowSteps and
// trace.WriteTextSteps (internal/cmdconform).
func writeTrace(w io.Writer, format string, sc *schedfile.Schedule, path string, res engine.Result, events []record.TraceEvent,
	steps []trace.RunStep, window int) error {
	switch format {
	case "pcapng":
		return trace.WritePcapng(w, trace.EventsWithSteps(events, steps), trace.MetaOf(sc).WithFinding(res.Finding))
	case "mermaid":
		return trace.WriteMermaid(w, events, res.Finding, window)
	case "json":
		r := trace.NewRunReport(sc.Strategy, res, events)
		r.Scenario, r.Edition, r.Knobs, r.ScheduleFile = sc.Scenario, sc.Edition, append([]string{}, sc.Knobs...), path
		fb := trace.FoundBy(foundby.Of(sc))
		r.FoundBy = &fb
		return trace.WriteJSONReport(w, r)
	case "timeline":
		return trace.WriteTimelineText(w, events)
	case "gantt":
		return trace.WriteTimelineGantt(w, events, "Mode timeline of "+sc.Scenario+", x axis in scheduler steps")
	case "dot":
		return writeTraceModeGraph(w, sc, events)
	}
	sel, steps := trace.WindowSteps(events, steps, res.Finding, window)
	return trace.WriteTextSteps(w, sel, steps)
}

// writeTraceModeGraph draws the run's transitions on its edition's mode
// machine under the schedule's knobs.
func writeTraceModeGraph(w io.Writer, sc *schedfile.Schedule, events []record.TraceEvent) error {
	ed, err := spec.ParseEdition(sc.Edition)
	if err != nil {
		return err
	}
	rules, err := spec.ParseRules(ed, sc.Knobs)
	if err != nil {
		return err
	}
	return trace.WriteModeGraph(w, ed.TransitionTable(rules), events)
}

func validTraceFormat(f string) bool {
	for _, v := range traceFormats {
		if f == v {
			return true
		}
	}
	return false
}

// traceFindingText names a run's finding, or says there is none.
func traceFindingText(f *engine.Finding) string {
	if f == nil {
		return "no finding"
	}
	return fmt.Sprintf("finding %s at step %d", f.Oracle, engine.ShownStep(f.Step))
}

func traceUsageError(stderr io.Writer, format string, a ...any) int {
	fmt.Fprintf(stderr, "migsim trace: "+format+"\n", a...)
	fmt.Fprintln(stderr, "run 'migsim trace --help' for usage")
	return cmdbase.ExitUsage
}
