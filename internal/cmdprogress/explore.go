package cmdprogress

import (
	"fmt"
	"io"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/progress"
	"github.com/migsim/migsim/internal/plural"
)

// Explore returns the progress callback of `migsim explore`: status lines
// on w (nil: none), and unless quiet (--progress never) one line on stderr
// when the first finding appears (the exploration goes on; Ctrl-C stops it
// and keeps the finding). noShrink is --no-shrink: the line says the
// finding is written as found.
func Explore(w *progress.Lines, quiet, noShrink bool, stderr io.Writer) func(engine.Progress) {
	told := quiet
	return func(p engine.Progress) {
		if w != nil {
			msg := "explore: %d/%d schedules (%d executed), %.0f/s, %s, %s"
			args := []any{p.Done, p.Total, p.Executed, p.Rate(), p.DistinctText(), plural.Count(p.Findings, "finding")}
			switch {
			case p.Final:
				w.Final(msg, args...)
			case p.Done < p.Total:
				// The update that completes the budget is left to the
				// final line, which always follows: one per line
				// (--progress always) it would print the counts twice.
				w.Status(msg, args...)
			}
		}
		if p.Findings > 0 && !told && !p.Final {
			told = true
			if w != nil {
				w.End()
			}
			fmt.Fprintln(stderr, "migsim explore: "+FindingLine(p, noShrink))
		}
	}
}

// FindingLine is what explore says when the first finding comes: the
// schedules explored so far to their end (dfs's pruned ones apart, as the
// summary counts them), and whether exploring goes on (schedules are left)
// or the finding is next.
func FindingLine(p engine.Progress, noShrink bool) string {
	among := "the first " + plural.Count(p.Done-p.Pruned, "schedule")
	if p.Done >= p.Total {
		among = "the " + plural.Count(p.Done-p.Pruned, "schedule")
	}
	if p.Pruned > 0 {
		among += fmt.Sprintf(" (+%d pruned)", p.Pruned)
	}
	switch {
	case p.Done < p.Total && noShrink:
		return "a finding among " + among + "; exploring on (Ctrl-C stops, then writes it)"
	case p.Done < p.Total:
		return "a finding among " + among + "; exploring on (Ctrl-C stops, then shrinks and writes it)"
	case noShrink:
		return "a finding among " + among + "; writing it"
	}
	return "a finding among " + among + "; shrinking it"
}
