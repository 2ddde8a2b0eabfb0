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
