package catalog

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/migsim/migsim/engine"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// JudgeAll judges every expectation of the scenarios (only those of
// edition when it is not zero), in scenario then file order, and returns
// one Outcome per row. A scenario without expect lines is reported on warn.
// With cfg.Jobs other than 1 the rows are judged up to Jobs at a time (each
// exploring on one job when there are at least as many rows as jobs): dfs
// explores one path at a time, so rows side by side are what uses the
// cores. Outcomes do not depend on it. When ctx ends, the rows so far are
// returned (the last one Interrupted) with the error.
func JudgeAll(ctx context.Context, scens []*scenario.Scenario, edition spec.Edition, cfg JudgeConfig, warn io.Writer) ([]Outcome, error) {
	type rowJob struct {
		s *scenario.Scenario
		e scenario.Expectation
	}
	var jobs []rowJob
	for _, s := range scens {
		for _, e := range s.Expect {
			if edition == 0 || e.Edition == edition {
				jobs = append(jobs, rowJob{s, e})
			}
		}
		if len(s.Expect) == 0 {
			fmt.Fprintf(warn, "%s: scenario %s has no expect lines; nothing to judge\n", s.File, s.Name)
		}
	}
	workers := cfg.Jobs
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = max(1, min(workers, len(jobs)))
	rowCfg := cfg
	if workers > 1 {
		// Callbacks come from several rows at once: one at a time.
		var mu sync.Mutex
		if cfg.RowStart != nil {
			rowCfg.RowStart = func(row, rows int, s *scenario.Scenario, e scenario.Expectation) {
				mu.Lock()
				defer mu.Unlock()
				cfg.RowStart(row, rows, s, e)
			}
		}
		if cfg.Progress != nil {
			rowCfg.Progress = func(p engine.Progress) {
				mu.Lock()
				defer mu.Unlock()
				cfg.Progress(p)
			}
		}
		if len(jobs) >= workers {
			rowCfg.Jobs = 1
		}
	}
	outs := make([]Outcome, len(jobs))
	errs := make([]error, len(jobs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if rowCfg.RowStart != nil {
					rowCfg.RowStart(i, len(jobs), jobs[i].s, jobs[i].e)
				}
				outs[i], errs[i] = Judge(ctx, jobs[i].s, jobs[i].e, rowCfg)
			}
		}()
	}
feed:
	for i := range jobs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	var rows []Outcome
	for i := range jobs {
		if errs[i] != nil {
			if outs[i].Interrupted {
				rows = append(rows, outs[i])
			}
			return rows, errs[i]
		}
		if ctx.Err() != nil && outs[i].Scenario == "" {
			return rows, ctx.Err() // never started
		}
		rows = append(rows, outs[i])
	}
	return rows, nil
}

// WriteRegressFiles writes the shrunk schedule of every matching violation
// or error row: a catalog scenario's under dir (go test replays those), a
// scenario file's next to that file. A scenario file with no such row is
// said so on out. With prune it then removes the other schedule files of
// dir, which belong to no such row any more.
func WriteRegressFiles(rows []Outcome, dir string, prune bool, out io.Writer) error {
	written := map[string]bool{}
	userFiles := map[string]bool{} // a scenario file: whether a row wrote next to it
	var userOrder []string
	for i := range rows {
		o := &rows[i]
		file := userScenarioFile(o)
		if _, seen := userFiles[file]; file != "" && !seen {
			userFiles[file] = false
			userOrder = append(userOrder, file)
		}
		if o.Schedule == nil || !o.Match {
			continue
		}
		d := dir
		if file != "" {
			d = filepath.Dir(file)
			userFiles[file] = true
		} else if err := os.MkdirAll(dir, 0o755); err != nil {
			return fmt.Errorf("regress: %w", err)
		}
		p, err := o.WriteRegress(d)
		if err != nil {
			return err
		}
		written[p] = true
		fmt.Fprintf(out, "wrote %s\n", p)
	}
	for _, f := range userOrder {
		if !userFiles[f] {
			fmt.Fprintf(out, "%s: no matching violation or error row, so no counterexample to write\n", f)
		}
	}
	if !prune {
		return nil
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("regress: %w", err)
	}
	for _, p := range old {
		if written[p] {
			continue
		}
		if err := os.Remove(p); err != nil {
			return fmt.Errorf("regress: %w", err)
		}
		fmt.Fprintf(out, "removed %s (no matching counterexample row)\n", p)
	}
	return nil
}

// userScenarioFile is the file of a row's scenario when it is not the
// embedded catalog's ("" for catalog rows).
func userScenarioFile(o *Outcome) string {
	if o.File == "" || o.Embedded {
		return ""
	}
	return o.File
}

// RegressPath returns the regression file of a row when it exists: under
// dir for a catalog scenario, next to the scenario file otherwise.
func RegressPath(o *Outcome, dir string) string {
	if o.Schedule == nil {
		return ""
	}
	if f := userScenarioFile(o); f != "" {
		dir = filepath.Dir(f)
	}
	p := filepath.Join(dir, o.RegressName())
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
