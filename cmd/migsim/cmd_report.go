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
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/report"
	"github.com/migsim/migsim/trace"
)

func init() {
	register(command{
		name:    "report",
		summary: "replay a schedule file and write a finding report (Markdown, pcapng, DOT)",
		run:     runReport,
	})
}

const reportUsage = `usage: migsim report SCHEDULE [--out DIR] [--steps N] [--explain-runs N] [--max-steps N]
       [--device DEVICE [--timeout D]] [-- DEVICE-ARGS...]

Replays a schedule file strictly (like migsim replay) with the trace recorded
and writes, under DIR, for a schedule named NAME.json:
  NAME.md      the report: verdict, the orderings of two steps the finding
               needs (as migsim replay --explain prints them, within
               --explain-runs runs; 0 leaves them out), for a transparent
               finding the comparison with the run without migration (as
               migsim replay --without-migration prints it: the first
               difference of the guest logs, where the fault lies),
               scenario and knobs,
               requirements with their text (of a counterexample migsim
               conform wrote, what the kit charges, as conform --replay
               prints it), the last --steps steps of the
               finding's causal slice and the steps the orderings name
               (when no ordering decides it, the steps of its slice
               narrowed by running, as migsim replay --slice prints
               them, and the steps the verdict names),
               a Mermaid sequence diagram, the mode timeline, the mode
               graph's transitions and the replay command (GitHub renders
               the Mermaid blocks)
  NAME.pcapng  the whole trace, for Wireshark with migsim.lua
  NAME.dot     the edition's mode machine with the run's transitions drawn
  migsim.lua   the Wireshark dissector (docs/migsim.lua, as migsim dissector
               writes it), which the report's tshark command loads
and prints the path of every file it wrote, one a line ("wrote PATH"), the
Markdown file's first. See docs/traces.md. The files depend on the schedule
and the flags alone.
Ctrl-C stops the explanation: the report is written and says so.
--device replays, explains and reports the schedule with a device under test
instead of the reference, named as migsim conform --device names it
(builtin:blk, builtin:net, builtin:mutant/NAME, exec:PATH with its arguments
after --): the report of a counterexample migsim conform wrote, naming the
device and the commands that reproduce the run with it. Without --device,
the device the file records replays it (a builtin one; a recorded exec: one
must be named, exit 2 otherwise); a file that records none, the reference.
With a --device other than the recorded one stderr names both, and stdout
says before the run "the device differs from the recording: recorded with
D1, replayed with D2".

Exit 0 when the report was written (whether or not the run ends in a
finding), 1 when the schedule does not replay or the device breaks the
protocol after its handshake, 2 on a usage error, a schedule file that
cannot be read (bad or stale), a device that cannot be started or breaks
the protocol in its handshake (no device of the protocol), a report file that cannot be
written under --out (the error names it), 130 when Ctrl-C stopped the
explanation (the report is written) or a request to the device.

flags:
`

// runReport implements `migsim report`.
func runReport(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("report", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	out := fs.String("out", ".", "directory to write the report files to")
	steps := fs.Int("steps", trace.DefaultReportSteps, "steps of the finding's causal slice the report lists and draws")
	maxSteps := fs.Int("max-steps", catalog.DefaultJudgeMaxSteps, "step bound of the run")
	explainRuns := fs.Int("explain-runs", explain.DefaultRuns, "bound the runs that explain the finding (0: no explanation)")
	var device devicearg.Flag
	device.Add(fs)
	fs.Usage = func() {
		fmt.Fprint(stdout, reportUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "report", "%v", cliflag.Error(err, reportLimits...))
	}
	args, dev, err := device.Parse(fs)
	if err != nil {
		return cmdbase.UsageError(stderr, "report", "%v", err)
	}
	if len(args) != 1 {
		return cmdbase.UsageError(stderr, "report", "want one schedule FILE, got %d arguments", len(args))
	}
	if err := cliflag.CheckInts(fs, reportLimits...); err != nil {
		return cmdbase.UsageError(stderr, "report", "%v", err)
	}
	// Checked, not created (report.Write makes it): a schedule that does
	// not replay leaves no empty DIR behind.
	if err := cliflag.CheckOutputDir(*out); err != nil {
		return cmdbase.UsageError(stderr, "report", "--out: %v", err)
	}
	path := args[0]
	sc, err := catalog.ReadScheduleFile(path)
	if err != nil {
		fmt.Fprintf(stderr, "migsim report: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	if _, err := catalog.TargetOf(sc); err != nil {
		fmt.Fprintf(stderr, "migsim report: %s: %s\n", path, usererr.Text(err))
		return cmdbase.ExitUsage
	}
	differs := devicearg.DiffersLine(sc, dev) // of the device given, before the file's
	var ok bool
	if dev, ok = cmdbase.ScheduleDevice(stderr, "report", shellquote.Quote(path), path, sc, dev); !ok {
		return cmdbase.ExitUsage
	}
	if *maxSteps, err = scheduleMaxSteps(fs, sc, *maxSteps); err != nil {
		return cmdbase.UsageError(stderr, "report", "%v", err)
	}
	fmt.Fprint(stdout, differs) // the report is of another device than the recording's
	// Ctrl-C stops the explanation; the report says so and is written.
	ctx, _, stop := cmdbase.Interrupts()
	defer stop()
	t, finish, err := devicearg.OpenTarget(ctx, dev, sc)
	if err != nil {
		return cmdbase.RunFailed(ctx, stderr, "report", path, sc, dev, err)
	}
	wrote, err := report.Write(ctx, sc, path, *out, report.Options{Name: strings.TrimSuffix(filepath.Base(path), ".json"), Steps: *steps, MaxSteps: *maxSteps, ExplainRuns: *explainRuns,
		Device: devicearg.ReportDevice(dev, t, path), Charge: devicearg.KitCharge(sc, dev)})
	err = finish(err)
	if serr := setupError(err, *maxSteps, maxStepsGiven(fs)); serr != nil {
		return cmdbase.UsageError(stderr, "report", "%v", serr)
	}
	if cmdbase.OutputFileError(err, *out) {
		fmt.Fprintf(stderr, "migsim report: --out: %s\n", usererr.Text(err))
		return cmdbase.ExitUnwritten
	}
	if err != nil {
		return cmdbase.RunFailed(ctx, stderr, "report", path, sc, dev, err)
	}
	for _, p := range wrote {
		fmt.Fprintf(stdout, "wrote %s\n", p)
	}
	if ctx.Err() != nil {
		return cmdbase.ExitInterrupted
	}
	return cmdbase.ExitOK
}

// writeRunReports writes a report for every row of `migsim run` that ends
// in a finding with a shrunk schedule: the schedule file and the report
// files under dir, each named on stdout ("wrote PATH") once: every report
// writes the one dissector file (migsim.lua) beside its capture again.
func writeRunReports(ctx context.Context, rows []catalog.Outcome, dir string, stdout io.Writer) error {
	named := map[string]bool{}
	for i := range rows {
		o := &rows[i]
		if o.Schedule == nil || o.Schedule.Finding == nil {
			continue
		}
		if err := os.MkdirAll(dir, keepfile.DirPerm); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		sched := filepath.Join(dir, catalog.ScheduleRegressName(o.Schedule))
		if err := catalog.WriteSchedule(o.Schedule, sched); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		wrote, err := report.Write(ctx, o.Schedule, sched, dir, report.Options{Steps: trace.DefaultReportSteps,
			MaxSteps: catalog.DefaultJudgeMaxSteps, ExplainRuns: explain.DefaultRuns})
		if err != nil {
			return fmt.Errorf("report: %s: %w", sched, err)
		}
		for _, p := range append([]string{sched}, wrote...) {
			if !named[p] {
				named[p] = true
				fmt.Fprintf(stdout, "wrote %s\n", p)
			}
		}
	}
	return nil
}
