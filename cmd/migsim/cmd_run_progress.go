package main

import (
	"fmt"
	"io"
	"time"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/verdicttable"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/progress"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
)

// progressWriter returns where progress goes for a --progress mode
// (progress.ForMode).
func progressWriter(mode string, stderr io.Writer) (*lineWriter, error) {
	return progress.ForMode(mode, stderr)
}

// lineWriter writes status lines.
type lineWriter = progress.Lines

// runProgress reports `migsim run`'s progress: the row being judged and
// its explorations.
type runProgress struct {
	w     *lineWriter
	start time.Time
	// name is the current row as the table names it: "3/21
	// flr-during-freeze draft-2023 flr-vs-mode=hold-reply", the third row
	// started of 21 (rows start longest first, not in table order).
	name    string
	started int
	// schedules and executed sum every finished exploration of every row
	// (its budget, the other strategy's, its proof); open holds the
	// exploration under way since its last update, until its final one.
	schedules, executed int
	open                engine.Progress
	// shown is the counts of the last line written, so that an
	// exploration's final update, when it says nothing new, is not
	// written a second time.
	shown engine.Progress
}

// row is JudgeConfig.RowStart.
func (p *runProgress) row(row, rows int, s *scenario.Scenario, e scenario.Expectation) {
	p.started++
	p.name = fmt.Sprintf("%d/%d %s %s %s", p.started, rows, s.Name, e.Edition,
		verdicttable.KnobsText(e.Knobs, catalog.SettingStrings(e.Settings)))
	p.w.Status("run: row %s", p.name)
}

// explore is JudgeConfig.Progress: every exploration of a row updates it,
// and ends with a final update (engine.Progress.Final).
func (p *runProgress) explore(e engine.Progress) {
	if e.Final {
		p.schedules += e.Done
		p.executed += e.Executed
		p.open = engine.Progress{}
	} else {
		p.open = e
	}
	if e.Final && sameCounts(e, p.shown) {
		return
	}
	p.shown = e
	p.w.Status("run: row %s: %d/%d schedules (%d executed), %.0f/s, %s, %s",
		p.name, e.Done, e.Total, e.Executed, e.Rate(), e.DistinctText(), plural.Count(e.Findings, "finding"))
}

// sameCounts reports whether two updates count the same (their rates may
// differ: time went on).
func sameCounts(a, b engine.Progress) bool {
	a.Elapsed, a.Final, b.Elapsed, b.Final = 0, false, 0, false
	return a == b
}

// done writes the summary line.
func (p *runProgress) done(rows []catalog.Outcome) {
	if p.w == nil {
		return
	}
	mismatched, cut := 0, 0
	for i := range rows {
		switch rows[i].Status() {
		case catalog.StatusInterrupted:
			cut++
		case catalog.StatusMismatch:
			mismatched++
		}
	}
	interrupted := ""
	if cut > 0 {
		interrupted = fmt.Sprintf(", %d interrupted", cut)
	}
	p.w.Final("run: %s judged in %s: %s (%d executed), %d mismatched%s", plural.Count(len(rows), "row"),
		time.Since(p.start).Round(time.Millisecond), plural.Count(p.schedules+p.open.Done, "schedule"), p.executed+p.open.Executed, mismatched, interrupted)
}
