package engine

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/migsim/migsim/internal/plural"
)

// Progress is a snapshot of a running exploration.
type Progress struct {
	// Done and Total count this shard's schedules; Executed the runs of
	// the system (Summary.Executed).
	Done, Total, Executed int
	// Distinct counts distinct interleavings; Findings distinct oracles.
	Distinct, Findings int
	// Elapsed is wall-clock time since the start.
	Elapsed time.Duration
	// Final is set on the last call.
	Final bool
}

// Rate returns schedules per second.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

func (e *explorer) progress(final bool) {
	if e.cfg.Progress == nil {
		return
	}
	total := e.cfg.Schedules
	if e.cfg.Shards > 1 && e.cfg.Strategy != StrategyDFS {
		total = (e.cfg.Schedules - e.cfg.Shard + e.cfg.Shards - 1) / e.cfg.Shards
	}
	e.cfg.Progress(Progress{
		Done: e.sum.Schedules + e.sum.Pruned, Total: total, Executed: e.sum.Executed,
		Distinct: len(e.distinct), Findings: len(e.sum.Findings),
		Elapsed: e.cfg.Clock().Sub(e.start), Final: final,
	})
}

// IsTerminal reports whether f is a character device (a terminal), using
// only os.File.Stat.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// LineProgress returns a Progress callback that rewrites one status line on
// w ("\r…") and ends it with a newline on the final call.
func LineProgress(w io.Writer) func(Progress) {
	return func(p Progress) {
		end := ""
		if p.Final {
			end = "\n"
		}
		fmt.Fprintf(w, "\rexplore: %d/%d schedules (%d executed), %.0f/s, %s, %s%s",
			p.Done, p.Total, p.Executed, p.Rate(), plural.Count(p.Distinct, "distinct interleaving"), plural.Count(p.Findings, "finding"), end)
	}
}
