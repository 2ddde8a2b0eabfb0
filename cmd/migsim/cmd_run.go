package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/verdicttable"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/progress"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/cmdprogress"
	"github.com/migsim/migsim/internal/gcpolicy"
	"github.com/migsim/migsim/internal/profiling"
	"github.com/migsim/migsim/internal/runselect"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/spec"
)

func init() {
	register(command{
		name:    "run",
		summary: "judge scenarios (default: the embedded catalog) and print the verdict table",
		run:     runRun,
	})
}

const runUsage = `usage: migsim run [FILE|NAME...] [--spec E] [--jobs J] [--format text|json] [--report FORMAT=FILE...]
       [--write-regress] [--regress-dir DIR] [--report-dir DIR] [--proof-runs N] [--state-cap N]
       [--require-proof[=B]] [--shrink-replays N] [--progress auto|always|never] [--cpuprofile FILE]
       [--fork=false] [--width N]
       migsim run --list

--list prints the embedded catalog's scenarios, one a line, in the
catalog's order (by question, then name): the seed question it answers
(Q3; - for none, docs/questions.md), the name (what a NAME argument,
explore --scenario and conform --scenario take) and the title. It judges
nothing.

Judges every expectation of every scenario: the run without migration first,
then the scenario's exploration budget for the edition (strategy, schedules,
dfs bound), and prints one row per scenario x expectation: question, scenario,
edition, knobs and settings, expected verdict, verdict got, its oracle (or
error name) and what was explored. The first finding of each row is shrunk.
Without arguments the embedded catalog runs; an argument is a scenario file
(a path, or a name ending in .scn) or the name of a catalog scenario. Every
scenario is checked before anything runs. The table does not depend on --jobs.
Every row is explored under its line's strategy and the other sampling
strategy; when neither finds anything, whatever the row expects, a row of a
random or pct line is proved by dfs (bound 2, or the line's proof-bound=), and
a dfs search that neither exhausts its bound nor finds anything is followed by
one at bound 0. --proof-runs N raises every row's proof to at least N runs
(the explore lines' proof= budgets are sized for CI): for a machine with time
to prove rows the catalog leaves unexhausted; --state-cap N lets such a
proof remember N states (default 1048576), when its EXPLORED text says
its state table filled. --require-proof[=B] (alone: 2) asks every row that
expects and gets pass for a proof: one of its dfs searches ran every
schedule within preemption bound B or more (the proofs are searched at B
at least); a row without one is UNPROVED, with the searches' progress
under the table, and the run exits 1. A nightly job that proves the
catalog: migsim run --proof-runs 300000 --state-cap 4194304 --require-proof.
The runs of every dfs search start from copies of the world at their
branch points instead of replaying their paths, and the random and pct
runs of a row whose runs do not depend on the seed from a copy at their
first choice point (docs/engine.md, "Forking dfs runs", "Forking sampled
runs"): the same table in less time, with more memory; --fork=false
builds and replays every run.
--format json prints the table
as one JSON document (docs/scenarios.md, "The table as JSON"). --report
FORMAT=FILE (repeat) also writes the table to FILE as junit (JUnit XML for
CI: one testcase per row; docs/scenarios.md, "The table as JUnit"), json
or text, whatever --format prints; an interrupted run writes it too.
--width N fits the text table to N columns (40..10000): a wider table
wraps its EXPLORED column, and the other columns but the mark, Q and GOT
when it must, onto continuation lines in their columns; where EXPLORED
would get fewer than 40 columns, it goes under each row (docs/scenarios.md,
"The table on a terminal"); the legend and the lines under the table
wrap at N (or 100, the narrower). --width 0 never wraps. Without --width
the table fits the terminal when stdout is one (COLUMNS when it is a
positive number, else the terminal's width); to a pipe or a file, and in
--report files, it is never wrapped.
Progress (each row being judged, named as the table names it, and its
explorations) goes to stderr when it is a terminal (--progress), with a
summary line at the end that counts every exploration of every row.

Ctrl-C (SIGINT, SIGTERM) stops the rows being judged (one per job), shrinks
their findings if they had one (a second Ctrl-C stops that too: not the
first delivered again within 0.25 s, as GNU timeout delivers it) and prints
the table of every row selected, judged or not, in table order (an
uninterrupted run's, in every format): the rows judged to the end, the
interrupted ones, marked INTERRUPTED with how far each exploration got
("bound 2 interrupted after N of M runs"), and the rows that never
started, marked NOT-RUN (GOT none; JSON status not-run; JUnit skipped,
"not run: interrupted"), each in its place. Rows start longest budget
first, so the rows judged may not be the table's first.

--write-regress writes the shrunk schedule of every matching violation or
error row: a catalog scenario's under --regress-dir, a scenario file's next to
the file (or says why it cannot). Without --write-regress, --regress-dir only
says where the table looks for the schedules its replay lines name (a note on
stderr says so). --report-dir writes a finding report
(migsim report) for every row that ends in a finding.

--cpuprofile writes a CPU profile of the judging (runtime/pprof) to FILE.
The binary is built with the profile of the whole catalog's run in
cmd/migsim/default.pgo (profile-guided optimisation, docs/engine.md,
"Throughput and jobs"); regenerate it with
go run ./cmd/migsim run --progress never --cpuprofile cmd/migsim/default.pgo

Exit 0 when every verdict matches its expectation, 1 when one does not (or
a row is UNPROVED), 2 on
a usage error, a scenario that does not load, nothing to judge (no expect
line, or none for --spec's edition) or a file that cannot be written
(--write-regress, --report-dir, --report FORMAT=FILE; the error names it),
130 when interrupted.

flags:
`

// runOptions are the parsed flags of migsim run.
type runOptions struct {
	edition      spec.Edition
	jobs         int
	format       string
	writeRegress bool
	regressDir   string
}

// runRun implements `migsim run`.
func runRun(args []string, _ io.Reader, stdout, stderr io.Writer) (code int) {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	edition := fs.String("spec", "", "judge only this edition's expectations: draft-2023 or virtio-1.4 (default: all)")
	jobs := fs.Int("jobs", 0, "parallel runs per exploration (default: GOMAXPROCS)")
	format := fs.String("format", "text", "output format: text or json")
	reports := fs.StringArray("report", nil, "also write the table to FILE as FORMAT (junit, json, text): FORMAT=FILE (repeat)")
	writeRegress := fs.Bool("write-regress", false, "write the shrunk schedule of every matching violation or error row (catalog scenarios under --regress-dir, scenario files next to them)")
	regressDir := fs.String("regress-dir", catalog.RegressDir, "directory of the catalog's regression schedules: where --write-regress writes them and the table finds the replay lines' files")
	reportDir := fs.String("report-dir", "", "write a finding report (schedule, Markdown, pcapng, DOT) per finding under DIR")
	progressMode := fs.String("progress", "auto", "progress on stderr: auto (when it is a terminal), always (one line per update) or never")
	proofRuns := fs.Int("proof-runs", 0, "least run budget of every row's proof (default: the explore lines' proof=, a dfs line's schedules=)")
	stateCap := fs.Int("state-cap", 0, stateCapHelp)
	shrinkReplays := fs.Int("shrink-replays", 0, "bound the replays that shrink each finding (0: 5000)")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the judging to FILE")
	list := fs.Bool("list", false, "list the catalog's scenarios (question, name, title) and judge nothing")
	requireProof := fs.Int("require-proof", 0, "a row that expects and gets pass must be proved: a dfs search ran every schedule within preemption bound B or more (--require-proof=B; alone: 2); an unproved row is UNPROVED, exit 1")
	fs.Lookup("require-proof").NoOptDefVal = "2"
	fork := fs.Bool("fork", true, "start the runs of every dfs search from copies of the world at their branch points instead of replaying their paths, and seed-free rows' random and pct runs from a copy at their first choice point (the same outcomes; --fork=false builds and replays every run)")
	widthFlag := fs.Int("width", 0, "fit the text table to N columns, 40..10000 (0: never wrap; default: the terminal's width when stdout is one, else 0)")
	fs.Usage = func() {
		fmt.Fprint(stdout, runUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "run", "%v", cliflag.Error(err, runLimits...))
	}
	if *list {
		if fs.NArg() > 0 || fs.NFlag() > 1 {
			return cmdbase.UsageError(stderr, "run", "--list takes no other flag and no argument: it lists the embedded catalog")
		}
		if err := runselect.WriteList(stdout); err != nil {
			fmt.Fprintf(stderr, "migsim run: %s\n", usererr.Text(err))
			return cmdbase.ExitUsage
		}
		return cmdbase.ExitOK
	}
	opt := runOptions{jobs: *jobs, format: *format, writeRegress: *writeRegress, regressDir: *regressDir}
	if fs.Changed("regress-dir") && !opt.writeRegress {
		// Not an error: the table still finds the replay lines' files there.
		fmt.Fprintln(stderr, "migsim run: --regress-dir without --write-regress writes nothing: it only says where the table looks for the rows' regression schedules")
	}
	if *edition != "" {
		ed, err := spec.ParseEdition(*edition)
		if err != nil {
			return cmdbase.UsageError(stderr, "run", "--spec: %s", usererr.Text(err))
		}
		opt.edition = ed
	}
	if opt.format != "text" && opt.format != "json" {
		return cmdbase.UsageError(stderr, "run", "--format %q: want text or json", opt.format)
	}
	// Before CheckInts: its error says what the range 0..MaxWidth leaves out.
	width, err := runWidth(fs, *widthFlag, opt.format, stdout)
	if err != nil {
		return cmdbase.UsageError(stderr, "run", "%v", err)
	}
	if err := cliflag.CheckInts(fs, runLimits...); err != nil {
		return cmdbase.UsageError(stderr, "run", "%v", err)
	}
	for _, r := range *reports {
		_, file, err := verdicttable.ParseReport(r)
		if err != nil {
			return cmdbase.UsageError(stderr, "run", "--report %v", err)
		}
		if err := cliflag.CheckOutputFile(file); err != nil {
			return cmdbase.UsageError(stderr, "run", "--report %s: %v", r, err)
		}
	}
	pw, err := progress.ForMode(*progressMode, stderr)
	if err != nil {
		return cmdbase.UsageError(stderr, "run", "%v", err)
	}
	scens, err := runselect.Scenarios(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "migsim run: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	if why := runselect.NothingToJudge(scens, opt.edition); why != "" {
		fmt.Fprintf(stderr, "migsim run: nothing to judge: %s\n", why)
		return cmdbase.ExitUsage
	}
	if err := runselect.SameNames(fs.Args(), scens, opt.edition); err != nil {
		fmt.Fprintf(stderr, "migsim run: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	if fs.NArg() > 0 {
		for _, s := range runselect.Unjudged(scens, opt.edition) {
			fmt.Fprintf(stderr, "migsim run: note: %s has no expect line%s: nothing of it is judged\n", s, runselect.ForEdition(opt.edition))
		}
	}
	if opt.writeRegress {
		if err := runselect.CheckRegressDirs(scens, opt.regressDir); err != nil {
			return cmdbase.UsageError(stderr, "run", "--write-regress: %v", err)
		}
	}
	if err := cliflag.EmptyPaths(fs, "report-dir", "cpuprofile"); err != nil {
		return cmdbase.UsageError(stderr, "run", "%v", err)
	}
	if *reportDir != "" {
		if err := cliflag.CheckOutputDir(*reportDir); err != nil {
			return cmdbase.UsageError(stderr, "run", "--report-dir: %v", err)
		}
	}
	if *cpuProfile != "" {
		if err := cliflag.Dash(*cpuProfile); err != nil {
			return cmdbase.UsageError(stderr, "run", "--cpuprofile: %v", err)
		}
		stopProfile, err := profiling.StartCPU(*cpuProfile)
		if err != nil {
			return cmdbase.UsageError(stderr, "run", "--cpuprofile: %v", err)
		}
		// A profile the file system refused is an output file the
		// command could not write: exit 2 (an interruption keeps 130).
		defer func() {
			if err := stopProfile(); err != nil {
				fmt.Fprintf(stderr, "migsim run: --cpuprofile: %v\n", err)
				if code == cmdbase.ExitFinding {
					fmt.Fprintln(stderr, "migsim run: exit 2 for the profile; the run also found a mismatch (the table above)")
				}
				if code != cmdbase.ExitInterrupted {
					code = cmdbase.ExitUnwritten
				}
			}
		}()
	}
	gcpolicy.Apply()
	ctx, shrinkCtx, stop := cmdbase.Interrupts()
	defer stop()
	rp := cmdprogress.NewRun(pw, time.Now())
	cfg := catalog.JudgeConfig{Jobs: opt.jobs, ShrinkCtx: shrinkCtx, ProofRuns: *proofRuns, StateCap: *stateCap, RequireProof: *requireProof, Fork: *fork,
		Shrink: engine.ShrinkConfig{MaxReplays: *shrinkReplays}}
	if pw != nil {
		cfg.RowStart, cfg.RowProgress = rp.Row, rp.Explore
	}
	rows, err := catalog.JudgeAll(ctx, scens, opt.edition, cfg, stderr)
	rp.Done(rows)
	interrupted := err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err())
	if err != nil && !interrupted {
		fmt.Fprintf(stderr, "migsim run: %s\n", usererr.Text(err))
		removeStaleReports(*reports, stderr)
		return cmdbase.ExitFinding
	}
	if interrupted {
		opt.writeRegress = false // a partial run knows too little to write or prune the files
	}
	if opt.writeRegress {
		// Only a run of the whole catalog knows which files are orphans.
		prune := fs.NArg() == 0 && opt.edition == 0
		// With --format json stdout holds one JSON document: the list of
		// files written goes to stderr.
		notes := stdout
		if opt.format == "json" {
			notes = stderr
		}
		if err := catalog.WriteRegressFiles(rows, opt.regressDir, prune, notes); err != nil {
			fmt.Fprintf(stderr, "migsim run: --write-regress: %s\n", usererr.Text(err))
			if cmdbase.OutputFileError(err, "") {
				return cmdbase.ExitUnwritten
			}
			return cmdbase.ExitFinding
		}
	}
	if *reportDir != "" {
		// Explaining goes on after a first Ctrl-C, as shrinking does.
		if err := writeRunReports(shrinkCtx, rows, *reportDir, stderr); err != nil {
			fmt.Fprintf(stderr, "migsim run: --report-dir: %s\n", usererr.Text(err))
			if cmdbase.OutputFileError(err, *reportDir) {
				return cmdbase.ExitUnwritten
			}
			return cmdbase.ExitFinding
		}
	}
	write := verdicttable.Write
	if opt.format == "text" {
		write = func(w io.Writer, _ string, rows []catalog.Outcome, regressDir, reportDir string) error {
			return verdicttable.WriteTextWidth(w, rows, regressDir, reportDir, width)
		}
	}
	if err := write(stdout, opt.format, rows, opt.regressDir, *reportDir); err != nil {
		fmt.Fprintf(stderr, "migsim run: %v\n", err)
		return cmdbase.ExitUnwritten
	}
	for _, r := range *reports {
		format, file, _ := verdicttable.ParseReport(r)
		if err := writeTableFile(file, format, rows, opt.regressDir, *reportDir); err != nil {
			fmt.Fprintf(stderr, "migsim run: --report %s: %v\n", r, err)
			return cmdbase.ExitUnwritten
		}
	}
	if interrupted {
		// With --format json stdout holds one JSON document (whose
		// "interrupted" field says as much): the line goes to stderr.
		notes := stdout
		if opt.format == "json" {
			notes = stderr
		}
		fmt.Fprintln(notes, interruptedNote(rows))
		return cmdbase.ExitInterrupted
	}
	for i := range rows {
		if !rows[i].Match || rows[i].Status() == catalog.StatusUnproved {
			return cmdbase.ExitFinding
		}
	}
	return cmdbase.ExitOK
}

// runWidth returns the width the text table on stdout is fitted to:
// --width's (only the text format has one), else the width of the
// terminal stdout is, 0 for none (a pipe, a file).
func runWidth(fs *pflag.FlagSet, width int, format string, stdout io.Writer) (int, error) {
	if fs.Changed("width") {
		if format != "text" {
			return 0, fmt.Errorf("--width fits the text table: --format %s is never wrapped", format)
		}
		if err := verdicttable.CheckWidth(width); err != nil {
			return 0, fmt.Errorf("--width %s: %v", cliflag.Given(fs, "width"), err)
		}
		return width, nil
	}
	if f := fileOf(stdout); f != nil && format == "text" {
		return verdicttable.ClampWidth(progress.TerminalWidth(f)), nil
	}
	return 0, nil
}

// interruptedNote is the line under an interrupted run's table: "interrupted:
// 3 rows judged, 1 of them only in part; 2 rows not run (listed, NOT-RUN)".
// It does not say which rows were cut: with --jobs above 1 several rows
// run at once, and any of them may be.
func interruptedNote(rows []catalog.Outcome) string {
	s := "interrupted: " + verdicttable.InterruptedCounts(rows)
	for i := range rows {
		if rows[i].NotRun {
			return s + " (listed, NOT-RUN)"
		}
	}
	return s
}

// writeTableFile writes the verdict table to file in format.
func writeTableFile(file, format string, rows []catalog.Outcome, regressDir, reportDir string) error {
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	return errors.Join(verdicttable.Write(f, format, rows, regressDir, reportDir), f.Close())
}

// removeStaleReports removes the --report files of a run that stopped with
// an error before it could write them: a table an earlier run left must not
// read as this run's (a CI job would find a green table). Only a file whose
// opening is the table this command writes in that format goes (a path
// naming anything else is left as it is, and said so); it says so for each.
func removeStaleReports(reports []string, stderr io.Writer) {
	for _, r := range reports {
		format, file, _ := verdicttable.ParseReport(r)
		if st, err := os.Lstat(file); err != nil || !st.Mode().IsRegular() {
			continue
		}
		if !looksLikeTable(file, format) {
			fmt.Fprintf(stderr, "migsim run: left %s as it is: it is not a %s verdict table this command wrote, and this run wrote none\n", file, format)
			continue
		}
		if err := os.Remove(file); err == nil {
			fmt.Fprintf(stderr, "migsim run: removed %s, an earlier run's --report %s: this run wrote no table\n", file, r)
		}
	}
}

// looksLikeTable reports whether file opens as the verdict table `run`
// writes in format (verdicttable: JUnit, JSON or text).
func looksLikeTable(file, format string) bool {
	f, err := os.Open(file)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 512)
	n, _ := io.ReadFull(f, head)
	h := string(head[:n])
	switch format {
	case "junit":
		return strings.HasPrefix(h, "<?xml") && strings.Contains(h, `<testsuites name="migsim run"`)
	case "json":
		return strings.HasPrefix(h, "{\n  \"rows\": [")
	case "text":
		first, _, _ := strings.Cut(h, "\n")
		return strings.Contains(first, "SCENARIO") && strings.Contains(first, "EDITION") && strings.Contains(first, "EXPLORED")
	}
	return false
}
