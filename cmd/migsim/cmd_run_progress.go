package main

import (
	"fmt"
	"io"
	"time"

	"github.com/migsim/migsim/catalog"
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
// its exploration.
type runProgress struct {
	w     *lineWriter
	start time.Time
	// name is the current row: "3/21 flr-during-freeze draft-2023", the
	// third row started of 21 (rows start longest first, not in table
	// order).
	name    string
	started int
	// schedules and executed sum the finished rows' explorations.
	schedules, executed int
	last                engine.Progress
}

// row is JudgeConfig.RowStart.
func (p *runProgress) row(row, rows int, s *scenario.Scenario, e scenario.Expectation) {
	p.schedules += p.last.Done
	p.executed += p.last.Executed
	p.last = engine.Progress{}
	p.started++
	p.name = fmt.Sprintf("%d/%d %s %s", p.started, rows, s.Name, e.Edition)
	p.w.Status("run: row %s", p.name)
}

// explore is JudgeConfig.Progress.
func (p *runProgress) explore(e engine.Progress) {
	p.last = e
	p.w.Status("run: row %s: %d/%d schedules (%d executed), %.0f/s, %s, %s",
		p.name, e.Done, e.Total, e.Executed, e.Rate(), e.DistinctText(), plural.Count(e.Findings, "finding"))
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
		time.Since(p.start).Round(time.Millisecond), plural.Count(p.schedules+p.last.Done, "schedule"), p.executed+p.last.Executed, mismatched, interrupted)
}
