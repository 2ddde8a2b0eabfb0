// Package cmdprogress is what `migsim run` and `migsim explore` say of their
// progress on stderr (their --progress mode, written through
// engine/progress's Lines): run's line per row being judged and per update
// of its explorations with the summary line that counts them all, and
// explore's status line with the line that says when the first finding
// came.
package cmdprogress

import (
	"fmt"
	"time"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/verdicttable"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/progress"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
)

// Run reports `migsim run`'s progress: the rows being judged and their
// explorations. Rows judged side by side (--jobs) each report their own
// (catalog.JudgeConfig.RowProgress); the calls come one at a time.
type Run struct {
	w     *progress.Lines
	start time.Time
	// names are the rows started, by row, as the table names them: "3/21
	// flr-during-freeze draft-2023 flr-vs-mode=hold-reply", the third row
	// started of 21 (rows start longest first, not in table order).
	names   map[int]string
	started int
	// schedules, dfsRuns and executed sum every finished exploration of
	// every row (its budget, the other strategy's, its proof): a random or
	// pct exploration's schedules, a dfs one's runs apart, since a dfs
	// budget counts runs, the pruned ones that are no schedule too
	// (docs/engine.md, "Pruned runs in explore's output"); open holds, by
	// row, the exploration under way since its last update, until its
	// final one.
	schedules, dfsRuns, executed int
	open                         map[int]engine.Progress
	// shown is, by row, the counts of the last line written, so that an
	// exploration's final update, when it says nothing new, is not
	// written a second time.
	shown map[int]engine.Progress
}

// NewRun returns the progress of a run that writes to w (nil: Done writes
// nothing; Row and Explore are then not to be called).
func NewRun(w *progress.Lines, start time.Time) *Run {
	return &Run{w: w, start: start, names: map[int]string{}, open: map[int]engine.Progress{}, shown: map[int]engine.Progress{}}
}

// Row is catalog.JudgeConfig.RowStart.
func (p *Run) Row(row, rows int, s *scenario.Scenario, e scenario.Expectation) {
	p.started++
	p.names[row] = fmt.Sprintf("%d/%d %s %s %s", p.started, rows, s.Name, e.Edition,
		verdicttable.KnobsText(e.Knobs, catalog.SettingStrings(e.Settings)))
	p.w.Status("run: row %s", p.names[row])
}

// Explore is catalog.JudgeConfig.RowProgress: every exploration of a row
// updates it, and ends with a final update (engine.Progress.Final).
func (p *Run) Explore(row int, e engine.Progress) {
	if e.Final {
		p.count(e)
		delete(p.open, row)
	} else {
		p.open[row] = e
	}
	if shown, ok := p.shown[row]; ok && e.Final && sameCounts(e, shown) {
		return
	}
	p.shown[row] = e
	what := "schedules"
	if e.Strategy == string(engine.StrategyDFS) {
		what = "runs" // a dfs budget counts runs, pruned ones too
	}
	strategy := ""
	if e.Strategy != "" {
		strategy = e.Strategy + " "
	}
	p.w.Status("run: row %s: %s%d/%d %s (%d executed), %.0f/s, %s, %s",
		p.names[row], strategy, e.Done, e.Total, what, e.Executed, e.Rate(), e.DistinctText(), plural.Count(e.Findings, "finding"))
}

// count adds a finished exploration's runs to the summary's sums.
func (p *Run) count(e engine.Progress) {
	if e.Strategy == string(engine.StrategyDFS) {
		p.dfsRuns += e.Done
	} else {
		p.schedules += e.Done
	}
	p.executed += e.Executed
}

// runsText says what the explorations ran: "N schedules" (random, pct),
// "N dfs runs", or both joined by "and".
func runsText(schedules, dfsRuns int) string {
	switch {
	case dfsRuns == 0:
		return plural.Count(schedules, "schedule")
	case schedules == 0:
		return plural.Count(dfsRuns, "dfs run")
	}
	return plural.Count(schedules, "schedule") + " and " + plural.Count(dfsRuns, "dfs run")
}

// sameCounts reports whether two updates count the same (their rates may
// differ: time went on).
func sameCounts(a, b engine.Progress) bool {
	a.Elapsed, a.Final, b.Elapsed, b.Final = 0, false, 0, false
	return a == b
}

// Done writes the summary line of the rows judged.
func (p *Run) Done(rows []catalog.Outcome) {
	if p.w == nil {
		return
	}
	mismatched, cut, notRun, unproved := 0, 0, 0, 0
	for i := range rows {
		switch rows[i].Status() {
		case catalog.StatusUnproved:
			unproved++
		case catalog.StatusNotRun:
			notRun++
		case catalog.StatusInterrupted:
			cut++
		case catalog.StatusMismatch:
			mismatched++
		}
	}
	// The explorations a signal ended before their final update count
	// what they ran (a sum: the order does not matter).
	sums := *p
	for _, e := range p.open {
		sums.count(e)
	}
	others := ""
	if cut > 0 {
		others = fmt.Sprintf(", %d interrupted", cut)
	}
	if notRun > 0 {
		others += fmt.Sprintf(", %d not run", notRun)
	}
	if unproved > 0 {
		others += fmt.Sprintf(", %d unproved", unproved)
	}
	p.w.Final("run: %s judged in %s: %s (%d executed), %d mismatched%s", plural.Count(len(rows)-notRun, "row"),
		time.Since(p.start).Round(time.Millisecond), runsText(sums.schedules, sums.dfsRuns), sums.executed, mismatched, others)
}
