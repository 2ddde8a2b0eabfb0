// Package runselect is what `migsim run` judges before it judges it: the
// scenarios its arguments name (files, catalog names, or the embedded
// catalog), why they would give no row (an input error, not an empty
// pass), which named scenario gives none while others do, the directories
// --write-regress writes to, checked before anything runs, and the
// catalog's list (--list).
package runselect

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// WriteList writes the embedded catalog's scenarios in its order
// (question, then name), `migsim run --list`: "Q<question>  <name>
// <title>" ("-" for a scenario that answers no seed question), the names
// padded to one column.
func WriteList(w io.Writer) error {
	ss, err := catalog.Catalog()
	if err != nil {
		return err
	}
	width := 0
	for _, s := range ss {
		width = max(width, len(s.Name))
	}
	for _, s := range ss {
		q := "-"
		if s.Question > 0 {
			q = fmt.Sprintf("Q%d", s.Question)
		}
		fmt.Fprintf(w, "%-4s %-*s  %s\n", q, width, s.Name, s.Title)
	}
	return nil
}

// NothingToJudge says why the scenarios have no row under edition (0:
// every edition), "" when they have one: a run that judges nothing is an
// input problem, not a pass.
func NothingToJudge(scens []*scenario.Scenario, edition spec.Edition) string {
	var eds []string
	for _, s := range scens {
		for _, e := range s.Expect {
			if edition == 0 || e.Edition == edition {
				return ""
			}
			if !slices.Contains(eds, e.Edition.String()) {
				eds = append(eds, e.Edition.String())
			}
		}
	}
	switch {
	case len(eds) > 0:
		return fmt.Sprintf("--spec %s: no expect line is for %s (the lines are for %s)", edition, edition, strings.Join(eds, ", "))
	case len(scens) == 1:
		return fmt.Sprintf("%s: scenario %s has no expect lines (docs/scenarios.md: expect EDITION VERDICT)", scens[0].File, scens[0].Name)
	}
	return fmt.Sprintf("none of the %s has expect lines", plural.Count(len(scens), "scenario"))
}

// Unjudged names the scenarios of scens with no expect line, or none for
// edition (when it is not 0), in order: a scenario the user named that
// gives no row while others do.
func Unjudged(scens []*scenario.Scenario, edition spec.Edition) []string {
	var out []string
	for _, s := range scens {
		if !judged(s, edition) {
			name := "scenario " + s.Name
			if s.File != "" {
				name = s.File + " (" + name + ")"
			}
			out = append(out, name)
		}
	}
	return out
}

// judged reports whether s has an expect line under edition (0: any).
func judged(s *scenario.Scenario, edition spec.Edition) bool {
	return len(s.Expect) > 0 && (edition == 0 || slices.ContainsFunc(s.Expect, func(e scenario.Expectation) bool { return e.Edition == edition }))
}

// ForEdition is " for E" when --spec names an edition.
func ForEdition(ed spec.Edition) string {
	if ed == 0 {
		return ""
	}
	return " for " + ed.String()
}

// Scenarios loads and checks the scenarios named by files (a path, or
// a catalog name, as explore takes them), or the embedded catalog when
// there are none.
func Scenarios(files []string) ([]*scenario.Scenario, error) {
	if len(files) == 0 {
		return catalog.Catalog()
	}
	var out []*scenario.Scenario
	for _, f := range files {
		s, err := catalog.FindScenario(f)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// SameNames refuses two arguments (files, or catalog names: scens[i]
// loaded from args[i]) that give one scenario name when both give rows
// under edition (0: every edition): one file given twice, a catalog name
// twice, two files that declare one name, a file that declares a catalog
// scenario's name. A row is known by its scenario, edition, knobs and
// settings, and so are its regression schedule and its JUnit testcase, so
// the rows of the two would be told apart by nothing. A scenario that
// gives no row under edition is only noted (Unjudged).
func SameNames(args []string, scens []*scenario.Scenario, edition spec.Edition) error {
	named := map[string]string{} // scenario name -> the argument that gave it
	for i, s := range scens {
		if i >= len(args) || !judged(s, edition) {
			continue
		}
		f := args[i]
		if prev, ok := named[s.Name]; ok {
			if prev == f {
				return fmt.Errorf("%s is given twice: a run judges a scenario once", f)
			}
			return fmt.Errorf("%s and %s both give scenario %s: their rows, regression schedules and JUnit testcases would have the same names; rename one (its scenario line) or run them apart", prev, f, s.Name)
		}
		named[s.Name] = f
	}
	return nil
}

// CheckRegressDirs checks, before anything runs, that every regression
// schedule can be written: the catalog's under dir, a scenario file's
// next to it.
func CheckRegressDirs(scens []*scenario.Scenario, dir string) error {
	checked := map[string]bool{}
	if len(scens) == 0 {
		return cliflag.CheckOutputDir(dir)
	}
	for _, s := range scens {
		d := dir
		if !catalog.Embedded(s) {
			d = filepath.Dir(s.File)
		}
		if checked[d] {
			continue
		}
		checked[d] = true
		if err := cliflag.CheckOutputDir(d); err != nil {
			return err
		}
	}
	return nil
}
