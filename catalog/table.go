package catalog

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// knobsText renders a row's knobs and settings ("defaults" when none).
func knobsText(o *Outcome) string {
	parts := append([]string{}, o.Knobs...)
	for _, s := range SettingStrings(o.Settings) {
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

// tableWidth is the width long lines under the table wrap at.
const tableWidth = 100

// tableLegend explains the table's marks and abbreviations.
const tableLegend = `
ok: the verdict got matches the expected one; MISMATCH: it does not (exit 1); INTERRUPTED: a
signal ended the row's exploration, which proves nothing then (exit 130). IMPACT: a
finding's harm: guest-visible (the guest could tell), rule-only (a rule broke, the guest could
not tell in that run), flow-error (the migration stopped with a named error). Q: the seed
question the scenario answers (docs/questions.md; - for none). EXPLORED: the schedules run;
"random 256/300 schedules": the first finding came in the round that ran 256 of a budget
of 300, and exploring stopped there; dfs "exhaustive bound 2: N interleavings": every
schedule within the preemption bound was run (N complete runs; runs that reached a state
already explored are counted apart), "exhaustive: N interleavings (bound 2 never cut)": every
schedule was run, "bound 2 not exhausted": the run budget ran out first, "interrupted after N of
M runs": a signal ended it there. Every row is explored under its line's strategy, then under
the other sampling strategy (pct for random and for dfs, random for pct); when neither finds
anything, whatever the row expects, a random or pct scenario's row is then proved: dfs at
preemption bound 2 (or the line's proof-bound=) with state pruning under the line's proof= run
budget; a dfs search that neither exhausts its bound nor finds anything is followed by one at
bound 0 with the same budget.
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

// WriteTable prints the verdict table, the counterexamples and defects,
// and a summary line. A counterexample's replay line names its schedule
// under regressDir (next to a scenario file for its rows) or, when the
// run wrote finding reports, under reportDir ("" for none); a row whose
// schedule is in neither says how to get one.
func WriteTable(w io.Writer, rows []Outcome, regressDir, reportDir string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\tQ\tSCENARIO\tEDITION\tKNOBS\tEXPECTED\tGOT\tORACLE\tIMPACT\tEXPLORED")
	for i := range rows {
		o := &rows[i]
		mark := "ok"
		switch {
		case o.Interrupted:
			mark = "INTERRUPTED"
		case !o.Match:
			mark = "MISMATCH"
		}
		q := "-"
		if o.Question != 0 {
			q = strconv.Itoa(o.Question)
		}
		impact := ""
		if o.Finding != nil {
			impact = o.Finding.Impact
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", mark, q, o.Scenario, o.Edition, knobsText(o),
			VerdictText(o.Expected, o.ExpectedOracle), o.Got, orHyphen(o.GotOracle), orHyphen(impact), o.ExploredText())
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write table: %w", err)
	}
	if len(rows) > 0 {
		fmt.Fprint(w, tableLegend)
	}
	found, shrunk, mismatched, cut := 0, 0, 0, 0
	for i := range rows {
		o := &rows[i]
		switch {
		case o.Interrupted:
			cut++
		case !o.Match:
			mismatched++
		}
		if o.Mismatch != "" {
			fmt.Fprintf(w, "\n%s %s %s: mismatch: %s\n", o.Scenario, o.Edition, knobsText(o), o.Mismatch)
		}
		if o.Finding == nil {
			continue
		}
		found++
		fmt.Fprintf(w, "\n%s\n", wrapLine(fmt.Sprintf("%s %s %s: %s at step %d: %s", o.Scenario, o.Edition, knobsText(o),
			o.Finding.Oracle, engine.ShownStep(o.Finding.Step), o.Finding.Message), tableWidth, "    "))
		if o.Finding.Impact != "" {
			fmt.Fprintf(w, "%s\n", wrapLine("  impact: "+impactText(o.Finding), tableWidth, "    "))
		}
		if len(o.Finding.Reqs) > 0 {
			fmt.Fprintf(w, "  requirements: %s\n", o.Finding.ReqsText())
		}
		if o.Shrunk != nil {
			shrunk++
			fmt.Fprintf(w, "%s\n", wrapLine(fmt.Sprintf("  shrunk: %s (%s, %d executed)", engine.ShrinkText(o.Shrunk.Before, o.Shrunk.After),
				plural.Count(o.Shrunk.Replays, "replay"), o.Shrunk.Executed), tableWidth, "    "))
		}
		if p := replayPath(o, regressDir, reportDir); p != "" {
			fmt.Fprintf(w, "  replay: migsim replay %s\n", p)
		} else if h := scheduleHint(o); h != "" {
			fmt.Fprintf(w, "  schedule: %s\n", h) // one line, for its command to copy
		}
		if o.Defect != "" {
			fmt.Fprintf(w, "%s\n", wrapLine("  defect: "+o.Defect, tableWidth, "    "))
		}
		if o.Caveat != "" {
			fmt.Fprintf(w, "%s\n", wrapLine("  caveat: "+o.Caveat, tableWidth, "    "))
		}
	}
	interrupted := ""
	if cut > 0 {
		interrupted = fmt.Sprintf(", %d interrupted", cut)
	}
	fmt.Fprintf(w, "\n%s: %d match, %d mismatch%s; %s, %d shrunk\n", plural.Count(len(rows), "row"), len(rows)-mismatched-cut, mismatched,
		interrupted, plural.Count(found, "finding"), shrunk)
	return nil
}

// runRow is one row of the JSON table (`migsim run --format json`).
type runRow struct {
	Question int             `json:"question,omitempty"`
	Scenario string          `json:"scenario"`
	Line     int             `json:"line"`
	Edition  string          `json:"edition"`
	Knobs    []string        `json:"knobs"`
	Settings []string        `json:"settings,omitempty"`
	Expected string          `json:"expected"`
	Got      string          `json:"got"`
	Oracle   string          `json:"oracle,omitempty"`
	Match    bool            `json:"match"`
	Explored runExplored     `json:"explored"`
	Finding  *engine.Finding `json:"finding,omitempty"`
	Shrunk   *runShrunk      `json:"shrunk,omitempty"`
	Replay   string          `json:"replay,omitempty"`
	Defect   string          `json:"defect,omitempty"`
	Caveat   string          `json:"caveat,omitempty"`
	Mismatch string          `json:"mismatch,omitempty"`
	NA       string          `json:"na,omitempty"`
}

type runExplored struct {
	Strategy     string `json:"strategy"`
	Budget       int    `json:"budget"`
	Schedules    int    `json:"schedules"`
	Pruned       int    `json:"pruned,omitempty"`
	Distinct     int    `json:"distinct"`
	Bound        *int   `json:"bound,omitempty"`
	Exhaustive   bool   `json:"exhaustive,omitempty"`
	BoundHit     bool   `json:"bound_hit,omitempty"`
	FindingIndex *int   `json:"finding_index,omitempty"`
	// FindingStrategy names the exploration that found the finding when it
	// is not the one described here (the scenario's own): the cross-check's.
	FindingStrategy string `json:"finding_strategy,omitempty"`
	// Interrupted: a signal ended one of the row's explorations, which
	// then proves nothing.
	Interrupted bool `json:"interrupted"`
	// Proof is the row's dfs search at its own bound (a random or pct
	// line's proof, a dfs line's exploration); absent when none ran.
	Proof *explored.Record `json:"proof,omitempty"`
	// Explorations are every exploration of the row, in the order run.
	Explorations []explored.Record `json:"explorations"`
	Text         string            `json:"text"`
}

type runShrunk struct {
	Before engine.Size `json:"before"`
	After  engine.Size `json:"after"`
}

// WriteJSON prints the rows and a summary as one JSON document; a row's
// replay command is found as WriteTable finds it.
func WriteJSON(w io.Writer, rows []Outcome, regressDir, reportDir string) error {
	doc := struct {
		Rows        []runRow `json:"rows"`
		Match       int      `json:"match"`
		Mismatch    int      `json:"mismatch"`
		Interrupted int      `json:"interrupted,omitempty"`
	}{Rows: []runRow{}}
	for i := range rows {
		o := &rows[i]
		r := runRow{Question: o.Question, Scenario: o.Scenario, Line: o.Line, Edition: o.Edition.String(),
			Knobs: append([]string{}, o.Knobs...), Settings: SettingStrings(o.Settings),
			Expected: VerdictText(o.Expected, o.ExpectedOracle), Got: o.Got.String(), Oracle: o.GotOracle,
			Match: o.Match, Finding: o.Finding, Defect: o.Defect, Caveat: o.Caveat, Mismatch: o.Mismatch, NA: o.NA,
			Explored: runExplored{Strategy: o.Budget.Strategy, Budget: o.Budget.Schedules,
				Schedules: o.Explored.Schedules, Pruned: o.Explored.Pruned, Distinct: o.Explored.Distinct,
				Interrupted: o.Interrupted, Explorations: []explored.Record{}, Text: o.ExploredText()}}
		for j := range o.Runs {
			e := explored.RecordOf(&o.Runs[j])
			r.Explored.Explorations = append(r.Explored.Explorations, e)
			if e.Role == explored.RoleProof || e.Role == explored.RoleLine && e.Strategy == engine.StrategyDFS {
				r.Explored.Proof = &e
			}
		}
		if len(r.Settings) == 0 {
			r.Settings = nil
		}
		if o.Budget.Strategy == engine.StrategyDFS {
			b := o.Budget.Bound
			r.Explored.Bound = &b
			r.Explored.Exhaustive = o.Explored.Complete && !o.Explored.BoundHit
			r.Explored.BoundHit = o.Explored.BoundHit
		}
		if o.Finding != nil {
			idx := o.FindingIndex
			r.Explored.FindingIndex = &idx
			if o.FindingRun > 0 && o.FindingRun < len(o.Runs) {
				r.Explored.FindingStrategy = o.Runs[o.FindingRun].Budget.Strategy
			}
		}
		if o.Shrunk != nil {
			r.Shrunk = &runShrunk{Before: o.Shrunk.Before, After: o.Shrunk.After}
		}
		if p := replayPath(o, regressDir, reportDir); p != "" {
			r.Replay = "migsim replay " + p
		}
		switch {
		case o.Interrupted:
			doc.Interrupted++
		case o.Match:
			doc.Match++
		default:
			doc.Mismatch++
		}
		doc.Rows = append(doc.Rows, r)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// impactText renders a finding's impact with its evidence.
func impactText(f *engine.Finding) string {
	if f.ImpactWhy == "" {
		return f.Impact
	}
	return f.Impact + " (" + f.ImpactWhy + ")"
}

// replayPath is the schedule file of a row's counterexample when one
// exists: its regression schedule (RegressPath), else the copy a finding
// report under reportDir holds.
func replayPath(o *Outcome, regressDir, reportDir string) string {
	if p := RegressPath(o, regressDir); p != "" || reportDir == "" || o.Schedule == nil {
		return p
	}
	p := filepath.Join(reportDir, ScheduleRegressName(o.Schedule))
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// scheduleHint says how to get the schedule of a row's counterexample
// that no file holds: --write-regress writes a matching row of a scenario
// file next to the file; it writes no mismatched row, which --report-dir
// writes (with its report) or explore finds again. "" for a matching
// catalog row (--write-regress is the catalog's own business) and for a
// row without a shrunk schedule.
func scheduleHint(o *Outcome) string {
	file := userScenarioFile(o)
	switch {
	case o.Schedule == nil:
		return ""
	case o.Match && file != "":
		return "not written; run again with --write-regress to write it next to " + file
	case o.Match:
		return ""
	}
	scn := o.Scenario
	if file != "" {
		scn = file
	}
	knobs := o.Knobs
	if r, err := spec.ParseRules(o.Edition, o.Knobs); err == nil {
		knobs = r.Diff(o.Edition)
	}
	cmd := ExploreCommand(scn, o.Edition.String(), knobs, SettingStrings(o.Settings))
	if o.FindingRun > 0 && o.FindingRun < len(o.Runs) {
		cmd += budgetFlags(o.Runs[o.FindingRun].Budget)
	}
	return "not written; --report-dir DIR writes it (and a report), or explore it: " + cmd
}

// budgetFlags are the migsim explore flags that run exploration b of a
// row instead of the scenario's own: the cross-check that found a row's
// finding when the scenario's own exploration did not (same seed).
func budgetFlags(b scenario.Budget) string {
	s := fmt.Sprintf(" --strategy %s --schedules %d", b.Strategy, b.Schedules)
	switch b.Strategy {
	case engine.StrategyPCT:
		s += fmt.Sprintf(" --depth %d", b.Depth)
	case engine.StrategyDFS:
		s += fmt.Sprintf(" --bound %d", b.Bound)
	}
	return s
}
