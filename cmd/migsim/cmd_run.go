package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/sim"
	"github.com/migsim/migsim/spec"
)

func init() {
	register(command{
		name:    "run",
		summary: "judge scenarios (default: the embedded catalog) and print the verdict table",
		run:     runRun,
	})
}

const runUsage = `usage: migsim run [FILE...] [--spec E] [--jobs J] [--format text|json] [--write-regress]

Judges every expectation of every scenario: the run without migration first,
then the scenario's exploration budget for the edition (strategy, schedules,
dfs bound), and prints one row per scenario x expectation: question, scenario,
edition, knobs and settings, expected verdict, verdict got, its oracle (or
error name) and what was explored. The first finding of each row is shrunk.
Without FILE the embedded catalog runs. The table does not depend on --jobs.

Exit 0 when every verdict matches its expectation, 1 when one does not, 2 on
a usage error or an unreadable scenario.

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
func runRun(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	edition := fs.String("spec", "", "judge only this edition's expectations: draft-2023 or virtio-1.4 (default: all)")
	jobs := fs.Int("jobs", 0, "parallel runs per exploration (default: GOMAXPROCS)")
	format := fs.String("format", "text", "output format: text or json")
	writeRegress := fs.Bool("write-regress", false, "write the shrunk schedule of every matching violation or error row of a catalog scenario under --regress-dir")
	regressDir := fs.String("regress-dir", sim.RegressDir, "directory of the regression schedules")
	fs.Usage = func() {
		fmt.Fprint(stderr, runUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageError(stderr, "run", "%v", err)
	}
	opt := runOptions{jobs: *jobs, format: *format, writeRegress: *writeRegress, regressDir: *regressDir}
	if *edition != "" {
		ed, err := spec.ParseEdition(*edition)
		if err != nil {
			return usageError(stderr, "run", "--spec: %v", err)
		}
		opt.edition = ed
	}
	if opt.format != "text" && opt.format != "json" {
		return usageError(stderr, "run", "--format %q: want text or json", opt.format)
	}
	if opt.jobs < 0 {
		return usageError(stderr, "run", "--jobs %d: want 0 (GOMAXPROCS) or more", opt.jobs)
	}
	scens, err := runScenarios(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "migsim run: %v\n", err)
		return exitUsage
	}
	rows, err := judgeAll(scens, opt, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "migsim run: %v\n", err)
		return exitFinding
	}
	if opt.writeRegress {
		// Only a run of the whole catalog knows which files are orphans.
		prune := fs.NArg() == 0 && opt.edition == 0
		if err := writeRegressFiles(rows, opt.regressDir, prune, stdout); err != nil {
			fmt.Fprintf(stderr, "migsim run: %v\n", err)
			return exitFinding
		}
	}
	if opt.format == "json" {
		err = printRunJSON(stdout, rows, opt.regressDir)
	} else {
		err = printRunTable(stdout, rows, opt.regressDir)
	}
	if err != nil {
		fmt.Fprintf(stderr, "migsim run: %v\n", err)
		return exitFinding
	}
	for _, r := range rows {
		if !r.Match {
			return exitFinding
		}
	}
	return exitOK
}

// usageError prints a usage error of a subcommand and returns exitUsage.
func usageError(stderr io.Writer, cmd, format string, a ...any) int {
	fmt.Fprintf(stderr, "migsim %s: "+format+"\n", append([]any{cmd}, a...)...)
	fmt.Fprintf(stderr, "run 'migsim %s --help' for usage\n", cmd)
	return exitUsage
}

// runScenarios loads the scenario files, or the embedded catalog when
// there are none.
func runScenarios(files []string) ([]*scenario.Scenario, error) {
	if len(files) == 0 {
		return sim.Catalog()
	}
	var out []*scenario.Scenario
	for _, f := range files {
		s, err := sim.LoadScenarioFile(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// judgeAll judges every expectation (of opt.edition, when set), in
// scenario then file order.
func judgeAll(scens []*scenario.Scenario, opt runOptions, stderr io.Writer) ([]sim.Outcome, error) {
	var rows []sim.Outcome
	cfg := sim.JudgeConfig{Jobs: opt.jobs}
	for _, s := range scens {
		n := 0
		for _, e := range s.Expect {
			if opt.edition != 0 && e.Edition != opt.edition {
				continue
			}
			n++
			o, err := sim.Judge(context.Background(), s, e, cfg)
			if err != nil {
				return rows, err
			}
			rows = append(rows, o)
		}
		if len(s.Expect) == 0 {
			fmt.Fprintf(stderr, "migsim run: %s: scenario %s has no expect lines; nothing to judge\n", s.File, s.Name)
		}
	}
	return rows, nil
}

// writeRegressFiles writes the shrunk schedule of every matching violation
// or error row whose scenario is the catalog's (only those replay in go
// test). With prune it then removes the other schedule files of dir, which
// belong to no such row any more.
func writeRegressFiles(rows []sim.Outcome, dir string, prune bool, stdout io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("regress: %w", err)
	}
	written := map[string]bool{}
	for i := range rows {
		o := &rows[i]
		if o.Schedule == nil || !o.Match || o.Schedule.ScenarioFile != "" {
			continue
		}
		p, err := o.WriteRegress(dir)
		if err != nil {
			return err
		}
		written[filepath.Base(p)] = true
		fmt.Fprintf(stdout, "wrote %s\n", p)
	}
	if !prune {
		return nil
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("regress: %w", err)
	}
	for _, p := range old {
		if written[filepath.Base(p)] {
			continue
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("regress: %w", err)
		}
		fmt.Fprintf(stdout, "removed %s (no matching counterexample row)\n", p)
	}
	return nil
}

// regressPath returns the regression file of a row when it exists.
func regressPath(o *sim.Outcome, dir string) string {
	if o.Schedule == nil || o.Schedule.ScenarioFile != "" {
		return ""
	}
	p := filepath.Join(dir, o.RegressName())
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
