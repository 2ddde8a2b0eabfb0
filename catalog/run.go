package catalog

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sync"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/keepfile"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// JudgeAll judges every expectation of the scenarios (only those of
// edition when it is not zero), in scenario then file order, and returns
// one Outcome per row. A scenario without expect lines is reported on warn.
// With cfg.Jobs other than 1 the rows are judged up to Jobs at a time (each
// exploring on one job when there are at least as many rows as jobs): dfs
// explores one path at a time, so rows side by side are what uses the
// cores. They start in decreasing order of their run budgets (rowOrder),
// so that the longest rows do not start last and leave one core idle
// while they finish. Outcomes and their order do not depend on it. When
// ctx ends, every row selected is returned with the error, in scenario
// then file order as an uninterrupted run returns them: those judged to
// the end, those it interrupted (Interrupted) and those it kept from
// starting (NotRun) in their places, so that a table of an interrupted
// run does not read as a smaller one, and its rows line up with an
// uninterrupted run's whatever the order they started in (a row that failed with
// its own error, not an interruption, is the error, and no table is
// printed). The error comes too
// when every row was judged but ctx ended the runs without migration that
// judge a row's transparent finding (RaceCheckInterrupted).
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
	rowProgress := cfg.RowProgress
	if workers > 1 {
		// Callbacks come from several rows at once: one at a time.
		var mu sync.Mutex
		if cfg.RowProgress != nil {
			rowProgress = func(row int, p engine.Progress) {
				mu.Lock()
				defer mu.Unlock()
				cfg.RowProgress(row, p)
			}
		}
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
	// A row fed to a worker starts once the row fed before it has started
	// (turn is closed) and lets the next one start (closes started): rows
	// start, and RowStart sees them, in the order they are fed, whichever
	// worker takes them first.
	type fed struct {
		i             int
		turn, started chan struct{}
	}
	next := make(chan fed)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range next {
				i := f.i
				<-f.turn
				if ctx.Err() != nil {
					close(f.started)
					continue // not started: the signal came first (NotRun)
				}
				if rowCfg.RowStart != nil {
					rowCfg.RowStart(i, len(jobs), jobs[i].s, jobs[i].e)
				}
				close(f.started)
				rc := rowCfg
				if rowProgress != nil {
					rc.Progress = func(p engine.Progress) { rowProgress(i, p) }
				}
				outs[i], errs[i] = Judge(ctx, jobs[i].s, jobs[i].e, rc)
			}
		}()
	}
	costs := make([]int, len(jobs))
	for i, j := range jobs {
		costs[i] = cfg.rowRuns(j.s, j.e)
	}
	turn := make(chan struct{})
	close(turn) // the first row fed starts at once
feed:
	for _, i := range rowOrder(costs) {
		started := make(chan struct{})
		select {
		case next <- fed{i, turn, started}:
			turn = started
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	var rows []Outcome
	var first error
	judged := 0       // rows judged to the end
	checkCut := false // a whole row whose race check ctx ended (RaceCheckInterrupted)
	for i := range jobs {
		checkCut = checkCut || errs[i] == nil && outs[i].RaceCheckInterrupted
		switch {
		case errs[i] != nil:
			if outs[i].Interrupted || ctx.Err() != nil && errors.Is(errs[i], ctx.Err()) {
				// Whatever step of the row ctx ended, the row is one of
				// those it cut short.
				outs[i].Interrupted, outs[i].Match = true, false
				rows = append(rows, outs[i])
			}
			// A row's own error says more than the interruption of another.
			if first == nil || ctx.Err() != nil && errors.Is(first, ctx.Err()) && !errors.Is(errs[i], ctx.Err()) {
				first = errs[i]
			}
		case outs[i].Scenario == "":
			// Never started: ctx ended first.
			o := newOutcome(jobs[i].s, jobs[i].e, cfg.rowBudget(jobs[i].s, jobs[i].e))
			o.NotRun = true
			rows = append(rows, o)
		default:
			outs[i].Unproved = cfg.unproved(&outs[i])
			rows = append(rows, outs[i])
			judged++
		}
	}
	if first == nil && ctx.Err() != nil && (judged < len(jobs) || checkCut) {
		first = ctx.Err()
	}
	return rows, first
}

// rowRuns is the number of runs row (s, e) may explore: the sum of its
// explorations' budgets (RowBudgets), a rough measure of its cost, which
// orders the rows and changes no verdict. A violation or error row counts
// no proof: its sampling is expected to find its finding, after which no
// proof runs.
func (cfg JudgeConfig) rowRuns(s *scenario.Scenario, e scenario.Expectation) int {
	budgets := RowBudgets(cfg.rowBudget(s, e))
	if e.Verdict != scenario.VerdictPass {
		budgets = budgets[:2] // the line's and the cross-check
	}
	n := 0
	for _, b := range budgets {
		n += b.Schedules
	}
	return n
}

// rowOrder returns the indices of costs from the largest cost to the
// smallest, equal costs in index order: longest processing time first,
// which keeps the workers' finishing times close.
func rowOrder(costs []int) []int {
	order := make([]int, len(costs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(costs[b], costs[a]) })
	return order
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
		file := UserScenarioFile(o)
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
		} else if err := os.MkdirAll(dir, keepfile.DirPerm); err != nil {
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

// UserScenarioFile is the file of a row's scenario when it is not the
// embedded catalog's ("" for catalog rows).
func UserScenarioFile(o *Outcome) string {
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
	if f := UserScenarioFile(o); f != "" {
		dir = filepath.Dir(f)
	}
	p := filepath.Join(dir, o.RegressName())
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
