package catalog

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// JudgeAll judges every expectation of the scenarios (only those of
// edition when it is not zero), in scenario then file order, and returns
// one Outcome per row. A scenario without expect lines is reported on warn.
// When ctx ends, the rows so far are returned (the last one Interrupted)
// with the error.
func JudgeAll(ctx context.Context, scens []*scenario.Scenario, edition spec.Edition, cfg JudgeConfig, warn io.Writer) ([]Outcome, error) {
	var rows []Outcome
	total := 0
	for _, s := range scens {
		for _, e := range s.Expect {
			if edition == 0 || e.Edition == edition {
				total++
			}
		}
	}
	for _, s := range scens {
		for _, e := range s.Expect {
			if edition != 0 && e.Edition != edition {
				continue
			}
			if cfg.RowStart != nil {
				cfg.RowStart(len(rows), total, s, e)
			}
			o, err := Judge(ctx, s, e, cfg)
			if err != nil {
				if o.Interrupted {
					rows = append(rows, o)
				}
				return rows, err
			}
			rows = append(rows, o)
		}
		if len(s.Expect) == 0 {
			fmt.Fprintf(warn, "%s: scenario %s has no expect lines; nothing to judge\n", s.File, s.Name)
		}
	}
	return rows, nil
}

// WriteRegressFiles writes the shrunk schedule of every matching violation
// or error row whose scenario is the catalog's (only those replay in go
// test). With prune it then removes the other schedule files of dir, which
// belong to no such row any more.
func WriteRegressFiles(rows []Outcome, dir string, prune bool, out io.Writer) error {
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
		fmt.Fprintf(out, "wrote %s\n", p)
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
		fmt.Fprintf(out, "removed %s (no matching counterexample row)\n", p)
	}
	return nil
}

// RegressPath returns the regression file of a row when it exists.
func RegressPath(o *Outcome, dir string) string {
	if o.Schedule == nil || o.Schedule.ScenarioFile != "" {
		return ""
	}
	p := filepath.Join(dir, o.RegressName())
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}
