// Package verdicttable writes the verdict table of `migsim run`: the text
// table with its legend, the counterexamples, defects and caveats under it
// and its summary line (WriteText, or WriteTextWidth fitted to a
// terminal's width), the same rows as one JSON document
// (WriteJSON; docs/scenarios.md, "The table as JSON"), and the replay
// line or the hint that says how to get a row's schedule.
package verdicttable

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
)

// knobsText renders a row's knobs and settings ("defaults" when none).
func knobsText(o *catalog.Outcome) string {
	return KnobsText(o.Knobs, catalog.SettingStrings(o.Settings))
}

// KnobsText renders knobs and settings (key=value) as the table's knobs
// column does: the knobs, then each setting as "set:key=value",
// "defaults" when there are none.
func KnobsText(knobs, settings []string) string {
	parts := append([]string{}, knobs...)
	for _, s := range settings {
		parts = append(parts, "set:"+s)
	}
	if len(parts) == 0 {
		return "defaults"
	}
	return strings.Join(parts, " ")
}

func orHyphen(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// marks are the table's marks of the row statuses (catalog.Outcome.Status).
var marks = map[string]string{catalog.StatusMatch: "ok", catalog.StatusMismatch: "MISMATCH", catalog.StatusInterrupted: "INTERRUPTED",
	catalog.StatusNotRun: "NOT-RUN", catalog.StatusUnproved: "UNPROVED"}

// tableWidth is the width long lines under the table wrap at.
const tableWidth = 100

// tableLegend explains the table's marks and abbreviations.
const tableLegend = `
ok: the verdict got matches the expected one; MISMATCH: it does not (exit 1); INTERRUPTED: a
signal ended the row's exploration, which proves nothing then (exit 130), unless what ran
already disagrees with the expected verdict: that row is a MISMATCH, and its EXPLORED says which
exploration the signal cut. NOT-RUN: the signal ended the run before the row started (exit 130;
GOT none, EXPLORED not run): every row selected is listed, judged or not. GOT of a row a signal
cut short is the finding made before it, or none (nothing found, and nothing proved: not pass);
GOT defect: the run could not judge the row (a simulator panic, a wrong scenario, a broken run
without migration; the line under the table says which). IMPACT: a finding's harm: guest-visible (the guest could tell),
rule-only (a rule broke, the guest could not tell in that run), flow-error (the migration
stopped with a named error). Q: the seed question the scenario answers (docs/questions.md; - for
none). EXPLORED: the schedules run; "pct 300 schedules, 105 failing, first at #5": every
schedule of the budget ran, 105 of them failed, the first at schedule 5; dfs "exhaustive bound 2: N
interleavings": every schedule within the preemption bound was run (N complete runs; runs that
reached a state already explored are counted apart), "exhaustive: N interleavings (bound 2 never
cut)": every schedule was run, "bound 2 not exhausted": the run budget ran out first,
"interrupted after N of M runs": a signal ended it there. Every row is explored under its line's
strategy, then under the other sampling strategy (pct for random and for dfs, random for pct);
when neither finds anything, whatever the row expects, a random or pct scenario's row is then
proved: dfs at preemption bound 2 (or the line's proof-bound=) with state pruning under the
line's proof= run budget; a dfs search that neither exhausts its bound nor finds anything is
followed by one at bound 0 with the same budget.
`

// unprovedLegend explains the UNPROVED mark, under the legend of a table
// that has such a row.
const unprovedLegend = `UNPROVED (--require-proof): the row expects pass and no oracle fired, but none of its dfs
searches ran every schedule within the preemption bound asked (exit 1); the line under the
table says how far each got. --proof-runs and --state-cap give the searches more room.
`

// wrapLine wraps text at width columns on spaces; continuation lines
// start with indent. A word longer than the width stays whole.
func wrapLine(text string, width int, indent string) string {
	var b strings.Builder
	col := 0
	for i, word := range strings.Split(text, " ") {
		switch {
		case i == 0:
		case col+1+len(word) > width && col > len(indent):
			b.WriteString("\n" + indent)
			col = len(indent)
		default:
			b.WriteByte(' ')
			col++
		}
		b.WriteString(word)
		col += len(word)
	}
	return b.String()
}

// WriteText prints the verdict table, the counterexamples and defects,
// and a summary line. A counterexample's replay line names its schedule
// under regressDir (next to a scenario file for its rows) or, when the
// run wrote finding reports, under reportDir ("" for none); a row whose
// schedule is in neither says how to get one.
func WriteText(out io.Writer, rows []catalog.Outcome, regressDir, reportDir string) error {
	return WriteTextWidth(out, rows, regressDir, reportDir, 0)
}

// WriteTextWidth is WriteText fitted to width columns (a terminal's; 0:
// WriteText's table, whose lines are as long as their text). A table
// wider than width wraps the cells of the columns that give way
// (fitColumns) onto continuation lines indented to their column, or,
// where EXPLORED would be narrower than minExplored beside the other
// columns, puts each row's EXPLORED on lines of its own under the row;
// and
// the legend and the lines under the table wrap at width or tableWidth,
// whichever is narrower; replay lines and the commands that get a
// schedule stay whole, for a person to copy. A table that fits in width
// is printed as WriteText prints it (the lines under it are wrapped).
func WriteTextWidth(out io.Writer, rows []catalog.Outcome, regressDir, reportDir string, width int) error {
	// The legend, the lines under the table and the summary are written
	// after the table's flush: w keeps the first error of any of them.
	w := &firstError{w: out}
	cells := [][]string{{"", "Q", "SCENARIO", "EDITION", "KNOBS", "EXPECTED", "GOT", "ORACLE", "IMPACT", "EXPLORED"}}
	for i := range rows {
		o := &rows[i]
		q := "-"
		if o.Question != 0 {
			q = strconv.Itoa(o.Question)
		}
		impact := ""
		if o.Finding != nil {
			impact = o.Finding.Impact
		}
		cells = append(cells, []string{marks[o.Status()], q, o.Scenario, o.Edition.String(), knobsText(o),
			catalog.VerdictText(o.Expected, o.ExpectedOracle), o.GotVerdict(), orHyphen(o.GotOracle), orHyphen(impact), o.ExploredText()})
	}
	if width > 0 && tableLineWidth(fitColumns(cells, 0).widths) > width {
		writeFitted(w, cells, fitColumns(cells, width))
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, columnGap, ' ', 0)
		for _, row := range cells {
			fmt.Fprintln(tw, strings.Join(row, "\t"))
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("write table: %w", err)
		}
	}
	notes := notesWrap{width: tableWidth}
	if width > 0 {
		notes = notesWrap{width: min(width, tableWidth), fitted: true}
	}
	if len(rows) > 0 {
		fmt.Fprint(w, notes.paragraph(tableLegend))
	}
	unproved := 0
	for i := range rows {
		if rows[i].Status() == catalog.StatusUnproved {
			if unproved == 0 {
				fmt.Fprint(w, notes.paragraph(unprovedLegend))
			}
			unproved++
			fmt.Fprintf(w, "\n%s\n", notes.line(fmt.Sprintf("%s: unproved: %s", rowName(&rows[i]), rows[i].Unproved)))
		}
	}
	found, shrunk, mismatched, cutMismatched, cut, notRun := 0, 0, 0, 0, 0, 0
	for i := range rows {
		o := &rows[i]
		switch o.Status() {
		case catalog.StatusNotRun:
			notRun++
		case catalog.StatusInterrupted:
			cut++
		case catalog.StatusMismatch:
			mismatched++
			if o.Interrupted {
				cutMismatched++
			}
		}
		if m := mismatchLine(o); m != "" {
			fmt.Fprintf(w, "\n%s\n", notes.extra(m))
		}
		if o.Finding == nil {
			continue
		}
		found++
		if o.Shrunk != nil {
			shrunk++
		}
		fmt.Fprintf(w, "\n%s\n", strings.Join(findingLines(o, regressDir, reportDir, notes.line, notes.extra), "\n"))
	}
	others := ""
	if cutMismatched > 0 {
		others = fmt.Sprintf(" (%d interrupted)", cutMismatched)
	}
	if cut > 0 {
		others += fmt.Sprintf(", %d interrupted", cut)
	}
	if notRun > 0 {
		others += fmt.Sprintf(", %d not run", notRun)
	}
	if unproved > 0 {
		others += fmt.Sprintf(", %d unproved", unproved)
	}
	if unproved == 0 {
		if line := notProvedLine(rows); line != "" {
			fmt.Fprintf(w, "\n%s\n", notes.line(line))
		}
	}
	fmt.Fprintf(w, "\n%s\n", notes.extra(fmt.Sprintf("%s: %d match, %d mismatch%s; %s, %d shrunk", plural.Count(len(rows), "row"),
		len(rows)-mismatched-cut-notRun-unproved, mismatched, others, plural.Count(found, "finding"), shrunk)))
	if w.err != nil {
		return fmt.Errorf("write table: %w", w.err)
	}
	return nil
}

// notProvedLine is the note under a table whose pass rows are not all
// proved at scenario.DefaultProofBound (explored.Proved) and that marks
// none UNPROVED (no --require-proof): how many, and how to prove them;
// "" when every pass row the table matched is proved.
func notProvedLine(rows []catalog.Outcome) string {
	n := 0
	for i := range rows {
		o := &rows[i]
		if o.Status() == catalog.StatusMatch && o.Expected == scenario.VerdictPass && o.Got == scenario.VerdictPass &&
			!explored.Proved(o.Runs, scenario.DefaultProofBound) {
			n++
		}
	}
	if n == 0 {
		return ""
	}
	whose, says := "their", "says how far each got"
	if n == 1 {
		whose, says = "its", "says how far it got"
	}
	return fmt.Sprintf("Not proved: %s matched without a proof: none of %s dfs searches ran every schedule within "+
		"preemption bound %d (EXPLORED %s). --proof-runs N raises the run budget of every row's proof, "+
		"proof= on the explore line or the row raises one (docs/scenarios.md), and --require-proof makes "+
		"such a row UNPROVED (exit 1).", plural.Count(n, "pass row"), whose, scenario.DefaultProofBound, says)
}

// rowName names a row as the lines under the table do: scenario, edition,
// knobs and settings ("smoke-migrate draft-2023 defaults").
func rowName(o *catalog.Outcome) string {
	return fmt.Sprintf("%s %s %s", o.Scenario, o.Edition, knobsText(o))
}

// mismatchLine is the line under the table that says why a row does not
// match besides its verdict, "" for none.
func mismatchLine(o *catalog.Outcome) string {
	if o.Mismatch == "" {
		return ""
	}
	certain := ""
	if o.Interrupted {
		certain = " (certain before a signal cut the row short)"
	}
	return fmt.Sprintf("%s: mismatch%s: %s", rowName(o), certain, o.Mismatch)
}

// findingLines are the lines under the table for a row's finding (none
// without one): the finding line, its impact, requirements and
// shrinking, the replay line (or how to get the schedule), the defect and
// the caveat. The lines WriteText wraps pass through wrap, the
// requirements through wrapMore; the replay line and the command that
// gets a schedule are left whole.
func findingLines(o *catalog.Outcome, regressDir, reportDir string, wrap, wrapMore func(string) string) []string {
	f := o.Finding
	if f == nil {
		return nil
	}
	lines := []string{wrap(fmt.Sprintf("%s: %s at step %d: %s", rowName(o), f.Oracle, engine.ShownStep(f.Step), f.Message))}
	if f.Impact != "" {
		lines = append(lines, wrap("  impact: "+impactText(f)))
	}
	if len(f.Reqs) > 0 {
		lines = append(lines, wrapMore("  requirements: "+f.ReqsText()))
	}
	if sr := o.Shrunk; sr != nil {
		cut := ""
		if sr.Interrupted && sr.After != sr.Before { // else Text says it
			cut = "; interrupted, so it may not be minimal"
		}
		lines = append(lines, wrap(fmt.Sprintf("  shrunk: %s (%s, %d executed%s)", sr.Text(),
			plural.Count(sr.Replays, "replay"), sr.Executed, cut)))
	}
	if p := replayPath(o, regressDir, reportDir); p != "" {
		lines = append(lines, "  replay: "+catalog.ReplayCommand(p))
	} else if h := scheduleHint(o); h != "" {
		lines = append(lines, "  schedule: "+h) // one line, for its command to copy
	}
	if o.Defect != "" {
		lines = append(lines, wrap("  defect: "+o.Defect))
	}
	if o.Caveat != "" {
		lines = append(lines, wrap("  caveat: "+o.Caveat))
	}
	return lines
}

// impactText renders a finding's impact with its evidence.
func impactText(f *engine.Finding) string {
	if f.ImpactWhy == "" {
		return f.Impact
	}
	return f.Impact + " (" + f.ImpactWhy + ")"
}
