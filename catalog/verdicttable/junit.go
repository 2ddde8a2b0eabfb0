package verdicttable

import (
	"fmt"
	"io"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/junit"
	"github.com/migsim/migsim/internal/plural"
)

// junitSuite is the name of the one testsuite of the JUnit table.
const junitSuite = "rows"

// WriteJUnit writes the rows as JUnit XML (`migsim run --report
// junit=FILE`; docs/scenarios.md, "The table as JUnit"): one testsuite,
// "rows", of one testcase per row, in table order, named as the lines
// under the table name it (scenario, edition, knobs and settings) with the
// scenario as its classname. A matching row passes (its finding's lines,
// when it expects one, in system-out); a mismatching row fails with the
// message "expected X, got Y" and, as text, the lines the table prints
// under it (the mismatch, the finding with its replay line or how to get
// its schedule, the defect, the caveat) and what it explored; a row a
// signal cut short before it disagreed is an error ("interrupted": it was
// not judged to its end, which proves nothing, yet it was not skipped
// either); a row the signal kept from starting is skipped with the
// message "not run: interrupted", so that the suite still holds every
// row selected. When a signal cut any row short or kept one from
// starting (a mismatch it cut stays a failure), the suite has the
// property "interrupted" saying how many rows it left judged only in
// part and how many not at all, as the note under the table does;
// otherwise it has no properties. Every time
// is 0: the run keeps no wall-clock time, so that the same judging writes
// the same bytes. The replay lines find schedules as WriteText does.
func WriteJUnit(w io.Writer, rows []catalog.Outcome, regressDir, reportDir string) error {
	s := junit.Suite{Name: junitSuite}
	cut, notRun := 0, 0
	for i := range rows {
		o := &rows[i]
		switch {
		case o.NotRun:
			notRun++
			s.Add(junit.Case{Classname: o.Scenario, Name: rowName(o), Skipped: &junit.Skipped{Message: NotRunMessage}})
			continue
		case o.Interrupted || o.RaceCheckInterrupted:
			cut++
		}
		lines := findingLines(o, regressDir, reportDir, whole, whole)
		if m := mismatchLine(o); m != "" {
			lines = append([]string{m}, lines...)
		}
		if o.Defect != "" && o.Finding == nil {
			lines = append(lines, "  defect: "+o.Defect)
		}
		text := strings.Join(append(lines, "  explored: "+o.ExploredText()), "\n")
		c := junit.Case{Classname: o.Scenario, Name: rowName(o)}
		expected, got := catalog.VerdictText(o.Expected, o.ExpectedOracle), o.GotText()
		switch o.Status() {
		case catalog.StatusMatch:
			c.SystemOut = strings.Join(lines, "\n")
		case catalog.StatusInterrupted:
			c.Error = &junit.Failure{Message: "interrupted: " + o.ExploredText(), Type: "interrupted", Text: text}
		case catalog.StatusUnproved:
			c.Failure = &junit.Failure{Message: "pass not proved: " + firstLine(o.Unproved), Type: "unproved",
				Text: "unproved: " + o.Unproved + "\n" + text}
		default:
			msg := fmt.Sprintf("expected %s, got %s", expected, got)
			switch {
			case o.Defect != "":
				msg += " (defect: " + firstLine(o.Defect) + ")"
			case (expected == got || o.GotVerdict() == catalog.GotNone) && o.Mismatch != "":
				msg += " (mismatch: " + firstLine(o.Mismatch) + ")"
			}
			c.Failure = &junit.Failure{Message: msg, Type: "mismatch", Text: text}
		}
		s.Add(c)
	}
	if cut > 0 || notRun > 0 {
		s.Properties = junit.Props(junit.Property{Name: "interrupted",
			Value: "a signal ended the run: " + InterruptedCounts(rows)})
	}
	all := junit.Suites{Name: "migsim run"}
	all.Add(s)
	if err := junit.Write(w, all); err != nil {
		return fmt.Errorf("write junit: %w", err)
	}
	return nil
}

// NotRunMessage is the JUnit skipped message of a row a signal kept from
// starting (catalog.Outcome.NotRun).
const NotRunMessage = "not run: interrupted"

// InterruptedCounts says how far an interrupted run got with its rows:
// "3 rows judged, 1 of them only in part; 2 rows not run" (the last part
// only when a row did not start), what the note under the table and the
// JUnit suite's "interrupted" property say.
func InterruptedCounts(rows []catalog.Outcome) string {
	cut, notRun := 0, 0
	for i := range rows {
		switch {
		case rows[i].NotRun:
			notRun++
		case rows[i].Interrupted || rows[i].RaceCheckInterrupted:
			cut++
		}
	}
	s := fmt.Sprintf("%s judged, %d of them only in part", plural.Count(len(rows)-notRun, "row"), cut)
	if notRun > 0 {
		s += fmt.Sprintf("; %s not run", plural.Count(notRun, "row"))
	}
	return s
}

// firstLine is s up to its first newline.
func firstLine(s string) string {
	l, _, _ := strings.Cut(s, "\n")
	return l
}

// whole returns a line as it is: the JUnit report's lines are not wrapped.
func whole(line string) string { return line }
