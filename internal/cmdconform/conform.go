// Package cmdconform is the command `migsim conform` (docs/conformance.md):
// its flags and their limits, its help text, the conformance kit run
// against the device they name with the reports they ask for, a
// counterexample replayed with the device (--replay, with --trace and
// --explain), the builtin devices' list (--list) and the throughput
// measurement (--bench), and its exit statuses (internal/cmdbase).
// cmd/migsim registers it.
package cmdconform

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/internal/gcpolicy"
	"github.com/migsim/migsim/internal/junit"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/internal/replayverdict"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/trace"
)

// Summary is the command's line in migsim's list of commands.
const Summary = "run the conformance kit against a device (builtin or an external process) and report per requirement"

// Limits are the ranges of the command's integer flags, for
// cliflag.CheckInts after the parse and cliflag.Error when a value does
// not parse.
var Limits = []cliflag.IntLimit{cliflag.Int("schedules", 0, scenario.MaxSchedules, "0 keeps the budget's"), cmdbase.ShrinkReplaysLimit,
	cliflag.Int("jobs", 0, cmdbase.MaxJobs, "0 is GOMAXPROCS"), cliflag.Int("procs", 0, cmdbase.MaxJobs, "0 is GOMAXPROCS"), cmdbase.ExplainRunsLimit}

const conformUsage = `usage: migsim conform --device DEVICE [flags] [-- DEVICE-ARGS...]
       migsim conform [--device DEVICE] --replay FILE [--trace] [--explain [--explain-runs N]]
       migsim conform --bench [--device exec:PATH] [--schedules N]
       migsim conform --list

Runs the conformance kit (docs/conformance.md) against a member device: the
per-requirement device tests, then every catalog row judged with the device,
and reports every requirement of the spec catalog as pass, fail (with the
row, the oracle and the replay command of the counterexample), skipped, not
exercised (the device does not offer a feature it needs) or not covered.

DEVICE is
  builtin:blk          the reference virtio-blk
  builtin:net          the reference virtio-net (the catalog's virtio-net rows)
  builtin:mutant/NAME  the reference with one bug of the mutant library
                       (--list names them); it runs the editions the bug exists in.
                       A virtio-net bug ("virtio-net..." in --list) wraps
                       builtin:net and is judged with the virtio-net rows; any
                       other wraps builtin:blk, the virtio-net rows skipped
  exec:PATH            an external process speaking the device protocol
                       (docs/device-protocol.md) on stdin and stdout; the
                       arguments after -- are passed to it. It is started
                       per catalog row; every request has a deadline (--timeout)

--scenario NAME|FILE (repeat) judges only the rows of those scenarios: a
catalog name (migsim run --list), or a scenario file of your own, named by a
path with a '/' or the .scn suffix as migsim run and explore take it (a file
that does not load is an input error at its file:line:col). A file's rows are
judged as a catalog row is, and its counterexamples replay as theirs do.

--replay FILE replays a counterexample the kit wrote, with the device (exit
0 when the recorded finding no longer occurs: the device was fixed; a
device whose run now diverges from the recording is replayed leniently,
exit 1 when the recorded finding occurs there, 0 when it does not); a
finding shows what it charges, decided from the run as the report did
("charged: …", and apart "involved, not charged: …": requirements the run
touched, never counted as failing);
--trace then prints its trace as migsim trace --format text does (every
event: TLPs, admin commands, DMA, MSI-X, mode changes), and --explain the
orderings of two steps its finding needs, as migsim replay --explain does
(every run with the device). migsim trace --device DEVICE FILE (any trace
format) and migsim report --device DEVICE FILE (the finding report) take
the same DEVICE, --timeout and arguments after --. A counterexample records
its device: without --device, --replay, replay, trace and report use a
recorded builtin device (stderr says so) and refuse a recorded exec: device
(exit 2, naming the command line that replays with it); a --device other
than the recorded one, or the recorded exec: device with other arguments,
replays, and stderr and the report on stdout name both.
--bench measures the executed runs per second of one row with the reference
device in-process and with DEVICE (default: none, in-process only) and the
ratio between them; for a virtio-net DEVICE the row is a virtio-net one and
the reference builtin:net. It takes --schedules, --jobs, --procs and
--timeout; a flag of the judging (--spec, --knob, --scenario, --report, …)
is refused rather than ignored.

Exit 0 when every unit passes, 1 when one fails (a device test whose set-up
the device failed, and a device that breaks the protocol while it is
judged, included), 2 on a usage or input error (an
exec: program that cannot be started, or that breaks the protocol in its
handshake, before anything is judged: its hello missing, late or
malformed; a --report junit=FILE then holds one errored testcase saying
why, a json=FILE the report with no unit and "stopped" saying why, a
text=FILE a line that says why) or when nothing was judged (no unit selected, every one
skipped, or the units that ran judged no requirement: a --scenario whose rows
exercise none, or none they could judge; stderr says which requirements each
--scenario's rows could judge and why none was), 130 when interrupted. A
--scenario whose rows judged nothing beside device tests that judged some is
noted on stderr (exit 0).

flags:
`

// conformOptions are the parsed flags of migsim conform.
type conformOptions struct {
	device    string
	args      []string
	editions  []string
	knobs     []string
	budget    string
	schedules int
	shrink    int
	jobs      int
	scenarios []string
	parts     string
	reports   []string
	replayDir string
	timeout   time.Duration
	// helloTimeout is --timeout when given (devicearg.Spec.HelloTimeout).
	helloTimeout time.Duration
	procs        int
	replay       string
	trace        bool
	explain      bool
	explainN     int
	bench        bool
	list         bool
	progress     string
	transcript   string
	// transcriptW is the opened --transcript file.
	transcriptW io.Writer
}

// Run runs `migsim conform` with args (the flags and arguments after
// the command's name) and returns its exit status.
func Run(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("conform", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	var o conformOptions
	fs.StringVar(&o.device, "device", "", "the device: builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH")
	fs.StringSliceVar(&o.editions, "spec", nil, "editions the device implements: draft-2023, virtio-1.4 (default: what it declares)")
	fs.StringArrayVar(&o.knobs, "knob", nil, "a knob value the device implements, key=value (repeat; a knob not named keeps what the device declares)")
	fs.StringVar(&o.budget, "budget", "full", "catalog budget: full (every row's own exploration) or short (conformance.ShortBudget)")
	fs.IntVar(&o.schedules, "schedules", 0, "cap every exploration at N schedules (0: the budget's); with --bench, the schedules measured")
	fs.IntVar(&o.shrink, "shrink-replays", 0, "bound the shrinking of a counterexample (0: the budget's)")
	fs.IntVar(&o.jobs, "jobs", 0, "parallel runs per exploration (default: GOMAXPROCS)")
	fs.StringArrayVar(&o.scenarios, "scenario", nil, "judge only this scenario's rows: a catalog name, or a scenario file's path (one with a '/' or the .scn suffix) (repeat; an unknown name or a file that does not load is a usage error)")
	fs.StringVar(&o.parts, "parts", "all", "what to run: all, device (the device tests) or rows (the catalog rows)")
	fs.StringArrayVar(&o.reports, "report", nil, "write the report as FORMAT (text, json, junit) to stdout, or FORMAT=FILE (repeat); text goes to stdout unless a FORMAT does")
	fs.StringVar(&o.replayDir, "replay-dir", "conform-replays", "where counterexamples are written (a file already there is kept: a new one takes NAME.1.json, …)")
	fs.DurationVar(&o.timeout, "timeout", extdevice.DefaultTimeout, "exec devices: the wall-clock deadline of every request, the hello included (more than 0s, at most 10m; without it 5s, and 30s for the hello, which waits for the program to start)")
	fs.IntVar(&o.procs, "procs", 0, "exec devices: processes per row (default: GOMAXPROCS)")
	fs.StringVar(&o.replay, "replay", "", "replay a counterexample schedule FILE with the device")
	fs.BoolVar(&o.trace, "trace", false, "with --replay: print the trace, as migsim trace --format text does")
	fs.BoolVar(&o.explain, "explain", false, "with --replay: print the orderings of two steps the finding needs")
	fs.IntVar(&o.explainN, "explain-runs", explain.DefaultRuns, "with --explain: bound its runs (0: no explanation)")
	fs.BoolVar(&o.bench, "bench", false, "measure runs per second, in-process and with the device")
	fs.BoolVar(&o.list, "list", false, "list the builtin devices")
	fs.StringVar(&o.progress, "progress", "auto", "a line per unit on stderr: auto (when it is a terminal), always or never; --progress alone is always")
	fs.Lookup("progress").NoOptDefVal = "always"
	fs.StringVar(&o.transcript, "transcript", "", "exec devices: write every protocol line to FILE, each unit's after a line naming it (\"# row NAME\", \"# device-test NAME\"), running one process and one run at a time whatever --procs and --jobs say, so that the same command writes the same bytes (slow; for debugging a device)")
	fs.Usage = func() {
		fmt.Fprint(stdout, conformUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, progressWords(args)); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "conform", "%v", cliflag.Error(err, Limits...))
	}
	o.args = fs.Args()
	if err := cliflag.CheckInts(fs, Limits...); err != nil {
		return cmdbase.UsageError(stderr, "conform", "%v", err)
	}
	if (o.trace || o.explain || fs.Changed("explain-runs")) && o.replay == "" {
		return cmdbase.UsageError(stderr, "conform", "--trace, --explain and --explain-runs go with --replay")
	}
	if err := devicearg.CheckTimeout(fs, o.timeout); err != nil {
		return cmdbase.UsageError(stderr, "conform", "%v", err)
	}
	if _, err := progressOn(o.progress, stderr); err != nil {
		return cmdbase.UsageError(stderr, "conform", "%v", err)
	}
	if fs.Changed("timeout") {
		o.helloTimeout = o.timeout
	}
	if fs.Changed("explain-runs") && !o.explain {
		return cmdbase.UsageError(stderr, "conform", "--explain-runs goes with --explain")
	}
	named, err := conformance.SelectScenarios(o.scenarios)
	if err != nil {
		return cmdbase.UsageError(stderr, "conform", "--scenario: %s", usererr.Text(err))
	}
	gcpolicy.Apply()
	if o.list {
		ListBuiltins(stdout)
		return cmdbase.ExitOK
	}
	if o.bench {
		if err := benchFlags(fs); err != nil {
			return cmdbase.UsageError(stderr, "conform", "%v", err)
		}
		return conformBench(o, stdout, stderr)
	}
	if o.device == "" && o.replay == "" {
		return cmdbase.UsageError(stderr, "conform", "--device is required (builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH)")
	}
	if o.device == "" && len(o.args) > 0 {
		return cmdbase.UsageError(stderr, "conform", "arguments %q go with --device exec:PATH", o.args)
	}
	if !strings.HasPrefix(o.device, execPrefix) && (fs.Changed("timeout") || fs.Changed("procs") || fs.Changed("transcript")) {
		return cmdbase.UsageError(stderr, "conform", "--timeout, --procs and --transcript: only an exec: device has requests, processes and a transcript")
	}
	if err := cliflag.EmptyPaths(fs, "transcript"); err != nil {
		return cmdbase.UsageError(stderr, "conform", "%v", err)
	}
	if o.transcript != "" {
		if err := cliflag.Dash(o.transcript); err != nil {
			return cmdbase.UsageError(stderr, "conform", "--transcript: %v", err)
		}
		f, err := os.Create(o.transcript)
		if err != nil {
			return cmdbase.UsageError(stderr, "conform", "--transcript: %v", err)
		}
		defer f.Close()
		o.transcriptW = f
		serialTranscript(&o, fs.Changed("procs"), fs.Changed("jobs"), stderr)
	}
	var dev conformance.Device
	var eds []spec.Edition
	if o.device != "" {
		var err error
		if dev, eds, err = parseDevice(o); err != nil {
			if o.replay == "" {
				startErrorReports(o, err, stderr)
			}
			return cmdbase.UsageError(stderr, "conform", "%v", err)
		}
	}
	if o.replay != "" {
		return conformReplay(dev, o, stdout, stderr)
	}
	// Only catalog rows write counterexamples: --parts device writes none.
	if o.parts != "device" && o.replayDir != "" { // "": a temporary directory (conformance.ReplayDir)
		if err := cliflag.CheckOutputDir(o.replayDir); err != nil {
			return cmdbase.UsageError(stderr, "conform", "--replay-dir: %v", err)
		}
	}
	opts, closers, err := conformKitOptions(o, eds, stdout, stderr)
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	if err != nil {
		return cmdbase.UsageError(stderr, "conform", "%v", err)
	}
	ctx, _, stop := cmdbase.Interrupts()
	defer stop()
	rep, err := conformance.Check(dev, append(opts, conformance.Context(ctx))...)
	if err != nil {
		if rep == nil {
			startErrorReports(o, err, stderr)
		}
		if xe := (*extdevice.Error)(nil); rep == nil && errors.As(err, &xe) && xe.Handshake {
			fmt.Fprintf(stderr, "migsim conform: nothing judged: %s%v\n", handshakeBroken, err)
			return cmdbase.ExitUsage
		}
		fmt.Fprintf(stderr, "migsim conform: %v\n", err)
		if reportFileError(err, o.reports) {
			return cmdbase.ExitUnwritten
		}
		return cmdbase.DeviceErrorExit(err)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(stderr, "migsim conform: interrupted; the report holds the units judged so far")
		return cmdbase.ExitInterrupted
	}
	// A counterexample the file system refused is an output file the
	// command could not write (exit 2, naming the path), whatever the
	// device did: as --report's files (reportFileError).
	if err := rep.ReplayDirError; err != nil && cmdbase.OutputFileError(err, o.replayDir) {
		fmt.Fprintf(stderr, "migsim conform: --replay-dir: %v\n", err)
		if rep.Failed() {
			fmt.Fprintln(stderr, "migsim conform: exit 2 for the counterexample; the device also failed units (the report above)")
		}
		return cmdbase.ExitUnwritten
	}
	if rep.Failed() {
		traceHint(stderr, rep)
		specHint(stderr, rep)
		return cmdbase.ExitFinding
	}
	if why := nothingJudged(rep, named); why != "" {
		fmt.Fprintf(stderr, "migsim conform: nothing judged: %s\n", why)
		return cmdbase.ExitUsage
	}
	for _, n := range named {
		if why := scenarioUnjudged(rep, n.Scenario.Name); why != "" {
			// The device tests judged what the run judged.
			fmt.Fprintf(stderr, "migsim conform: note: --scenario %s judged no requirement: %s\n", n.Arg, why)
		}
	}
	return cmdbase.ExitOK
}

// startErrorReports writes, to every --report FORMAT=FILE, the report of
// a device that could not be started or broke the protocol in its
// handshake, so that CI shows why nothing was judged and no file is left
// empty: JUnit, a suite "device" with an errored testcase "start" or
// "handshake" (junit.Errored); JSON, the kit's report document with no
// unit and its "stopped" field saying "cannot start the device: …" or
// "the device broke the protocol in its handshake: …", its editions
// those --spec asks for (askedEditions); text, a line that
// says so. A file it cannot write is said
// on stderr.
func startErrorReports(o conformOptions, problem error, stderr io.Writer) {
	why, testcase, kind := "cannot start the device: ", "start", "start"
	if xe := (*extdevice.Error)(nil); errors.As(problem, &xe) && xe.Handshake {
		why, testcase, kind = handshakeBroken, "handshake", "device protocol"
	}
	for _, r := range o.reports {
		format, file, ok := strings.Cut(r, "=")
		if !ok || !slices.Contains(conformance.ReportFormats, format) {
			continue
		}
		var b bytes.Buffer
		var err error
		var args []string // an exec device's, shown as the kit's reports show them
		if strings.HasPrefix(o.device, execPrefix) {
			args = o.args
		}
		shown := devicearg.Shown(o.device, args)
		switch format {
		case "junit":
			err = junit.Write(&b, junit.Errored("migsim conform "+shown, "device", testcase, kind, why, problem))
		case "json":
			budget, _ := conformBudget(o) // a budget it refuses never reaches a device
			rep := conformance.Report{Device: o.device, DeviceArgs: args, Editions: askedEditions(o), Budget: budget, Units: []*conformance.Unit{},
				Requirements: []conformance.RequirementResult{}, Stopped: why + problem.Error()}
			err = rep.Write("json", &b)
		case "text":
			fmt.Fprintf(&b, "conformance of %s: nothing judged: %s%v\n", shown, why, problem)
		}
		if err == nil {
			err = os.WriteFile(file, b.Bytes(), keepfile.Perm)
		}
		if err != nil {
			fmt.Fprintf(stderr, "migsim conform: --report %s: %v\n", r, err)
		}
	}
}

// askedEditions are the editions --spec names, which a run judges whatever
// the device declares, in their own spelling; nil when --spec is not
// given (the run would have judged what the device's hello declares) or
// names something that is no edition.
func askedEditions(o conformOptions) []string {
	var eds []string
	for _, s := range o.editions {
		e, err := spec.ParseEdition(s)
		if err != nil {
			return nil
		}
		eds = append(eds, e.String())
	}
	return eds
}

// handshakeBroken starts the report of a device that broke the protocol
// in its handshake (extdevice.Error.Handshake): it started, but is no
// device of the protocol, so nothing was judged (exit 2).
const handshakeBroken = "the device broke the protocol in its handshake: "

// traceHint says once, when a failure has a replay command, what else
// shows its counterexample with the device.
func traceHint(w io.Writer, rep *conformance.Report) {
	for _, u := range rep.Units {
		for _, f := range u.Failures {
			if strings.HasPrefix(f.Replay, "migsim conform ") {
				fmt.Fprintln(w, "migsim conform: a replay command with --trace prints the counterexample's detailed trace; "+
					"migsim trace and migsim report, given the same --device, write its trace in every format and its finding report")
				return
			}
		}
	}
}

// specHint gives, when requirements failed, the command that says what
// they ask of the device: the report names them by ID only.
func specHint(w io.Writer, rep *conformance.Report) {
	if ids := rep.FailedRequirements(); len(ids) > 0 {
		fmt.Fprintf(w, "migsim conform: migsim spec %s prints what each failed requirement asks of the device, "+
			"where the virtio spec says so, and the oracles and catalog rows that check it\n", strings.Join(ids, " "))
	}
}

// conformKitOptions turns the flags into kit options; the files it opens
// are returned to be closed.
func conformKitOptions(o conformOptions, eds []spec.Edition, stdout, stderr io.Writer) ([]conformance.Option, []io.Closer, error) {
	var opts []conformance.Option
	var closers []io.Closer
	for _, s := range o.editions {
		e, err := spec.ParseEdition(s)
		if err != nil {
			return nil, nil, fmt.Errorf("--spec: %s", usererr.Text(err))
		}
		eds = append(eds, e)
	}
	if len(eds) > 0 {
		opts = append(opts, conformance.Editions(eds...))
	}
	for _, kv := range o.knobs {
		var r spec.Rules
		if err := r.Parse(kv); err != nil {
			return nil, nil, fmt.Errorf("--knob %s: %s", kv, usererr.Text(err))
		}
	}
	if len(o.knobs) > 0 {
		opts = append(opts, conformance.Knobs(o.knobs...))
	}
	b, err := conformBudget(o)
	if err != nil {
		return nil, nil, err
	}
	opts = append(opts, conformance.WithBudget(b), conformance.ReplayDir(o.replayDir))
	switch o.parts {
	case "all":
	case "device":
		opts = append(opts, conformance.Parts(true, false))
	case "rows":
		opts = append(opts, conformance.Parts(false, true))
	default:
		return nil, nil, fmt.Errorf("--parts %q: want all, device or rows", o.parts)
	}
	if len(o.scenarios) > 0 {
		opts = append(opts, conformance.Scenarios(o.scenarios...))
	}
	reports := o.reports
	toStdout := false
	for _, r := range reports {
		toStdout = toStdout || !strings.Contains(r, "=")
	}
	if !toStdout {
		reports = append([]string{"text"}, reports...)
	}
	for _, r := range reports {
		format, file, toFile := strings.Cut(r, "=")
		if !slices.Contains(conformance.ReportFormats, format) {
			return nil, closers, fmt.Errorf("--report %q: want FORMAT or FORMAT=FILE, FORMAT one of %s", r, strings.Join(conformance.ReportFormats, ", "))
		}
		w := stdout
		if toFile {
			if err := cliflag.Dash(file); err != nil {
				return nil, closers, fmt.Errorf("--report %s: %w (--report %s writes to stdout)", r, err, format)
			}
			f, err := os.Create(file)
			if err != nil {
				return nil, closers, fmt.Errorf("--report %s: %w", r, err)
			}
			closers = append(closers, f)
			w = f
		}
		opts = append(opts, conformance.WriteReport(format, w))
	}
	if on, _ := progressOn(o.progress, stderr); on {
		opts = append(opts, conformance.Progress(stderr))
	}
	return opts, closers, nil
}

// reportFileError reports whether err is the file system refusing one of
// the --report FORMAT=FILE files (a full disk): an output error, exit 2,
// not the device's failure (1). Only those paths count: an exec device's
// pipe fails with the same error type.
func reportFileError(err error, reports []string) bool {
	for _, r := range reports {
		if _, file, ok := strings.Cut(r, "="); ok && cmdbase.OutputFileError(err, file) {
			return true
		}
	}
	return false
}

// conformBudget is the kit's budget the flags give (--budget,
// --schedules, --shrink-replays, --jobs).
func conformBudget(o conformOptions) (conformance.Budget, error) {
	var b conformance.Budget
	switch o.budget {
	case "full":
	case "short":
		b = conformance.ShortBudget
	default:
		return b, fmt.Errorf("--budget %q: want full or short", o.budget)
	}
	if o.schedules > 0 {
		b.Schedules = o.schedules
	}
	if o.shrink > 0 {
		b.ShrinkReplays = o.shrink
	}
	b.Jobs = o.jobs
	return b, nil
}

// conformReplay replays a counterexample with the device; --trace prints
// its trace as migsim trace --format text does (up to where a replay that
// failed stopped).
func conformReplay(dev conformance.Device, o conformOptions, stdout, stderr io.Writer) int {
	sc, err := catalog.ReadScheduleFile(o.replay)
	if err != nil {
		fmt.Fprintf(stderr, "migsim conform: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	differs := devicearg.DiffersLine(sc, dev) // of the device given, before the file's
	dev, ok := cmdbase.ScheduleDevice(stderr, "conform", "--replay "+shellquote.Quote(o.replay), o.replay, sc, dev)
	if !ok {
		return cmdbase.ExitUsage
	}
	if dev == nil {
		return cmdbase.UsageError(stderr, "conform", "--device is required: %s records no device (builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH)", o.replay)
	}
	runs := 0
	if o.explain {
		runs = o.explainN
	}
	ctx, stop := cmdbase.DeviceContext(dev)
	defer stop()
	var cfg engine.RunConfig
	var steps trace.StepLog
	if o.trace {
		cfg.Trace = &steps // the replay's steps, for those that record no event
	}
	r, err := conformance.ReplayRecorded(ctx, dev, o.replay, cfg, runs)
	if o.trace {
		// As migsim trace --format text writes it: every event, with the
		// steps that recorded none.
		sel, lines := trace.WindowSteps(r.Events, steps.Steps, r.Result.Finding, 0)
		if werr := trace.WriteTextSteps(stdout, sel, lines); werr != nil {
			fmt.Fprintf(stderr, "migsim conform: %s: trace: %v\n", o.replay, werr)
			return cmdbase.ExitFinding
		}
	}
	// The verdict is this device's: a fix checked with other arguments
	// says so where the verdict is read, not only on stderr.
	fmt.Fprint(stdout, differs)
	v := replayverdict.Judge(ctx, dev, o.replay, sc, r, err, stdout)
	if v.Message != "" {
		fmt.Fprintf(stderr, "migsim conform: %s\n", v.Message)
	}
	switch v.Kind {
	case replayverdict.Fixed:
		return cmdbase.ExitOK
	case replayverdict.DeviceError:
		return cmdbase.DeviceErrorExit(v.Err)
	case replayverdict.InputError:
		return cmdbase.ExitUsage
	}
	return cmdbase.ExitFinding // a finding, or a schedule the device's run does not follow
}
