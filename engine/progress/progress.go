// Package progress is what a running exploration says of itself: the
// snapshot the explorer of package engine hands its progress callback
// after every round and once at the end (engine.ExploreConfig.Progress),
// its throughput, and a status line that rewrites itself on a terminal;
// whether a file is a terminal and how wide it is (TerminalWidth).
// Package engine names its type.
package progress

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/migsim/migsim/internal/plural"
)

// Snapshot is a snapshot of a running exploration.
type Snapshot struct {
	// Done and Total count this shard's schedules; Executed the runs of
	// the system (engine.Summary.Executed). Pruned counts the schedules
	// of Done that dfs ended at a state already explored
	// (engine.Summary.Pruned): Done - Pruned were explored to their end.
	Done, Total, Executed, Pruned int
	// Distinct counts distinct interleavings (a lower bound with
	// DistinctCapped: engine.Summary.DistinctCapped); Findings distinct
	// oracles.
	Distinct, Findings int
	DistinctCapped     bool
	// Elapsed is wall-clock time since the start.
	Elapsed time.Duration
	// Final is set on the last call.
	Final bool
	// Strategy names the exploration's strategy (random, pct, dfs), so
	// that a command running several explorations of one target can say
	// which one a line counts.
	Strategy string
}

// Rate returns schedules per second.
func (p Snapshot) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Done) / p.Elapsed.Seconds()
}

// DistinctText returns the count of distinct interleavings as the
// progress lines print it: "N distinct interleavings", or "≥N distinct
// interleavings" when the count is a lower bound (DistinctCapped).
func (p Snapshot) DistinctText() string {
	s := plural.Count(p.Distinct, "distinct interleaving")
	if p.DistinctCapped {
		return "≥" + s
	}
	return s
}

// DistinctCount returns n, with "≥" before it when capped: how a count of
// distinct interleavings that may be a lower bound prints.
func DistinctCount(n int, capped bool) string {
	if capped {
		return fmt.Sprintf("≥%d", n)
	}
	return fmt.Sprint(n)
}

// IsTerminal reports whether f is a terminal: a character device that
// answers the terminal's size ioctl (TIOCGWINSZ, tty_ioctl(4)), so that
// the null device (`> /dev/null`), a character device too, is not one.
// Where the system has no such ioctl, every character device counts.
func IsTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0 && isTTY(f)
}

// Line returns a progress callback that rewrites one status line on w
// ("\r…") and ends it with a newline on the final call.
func Line(w io.Writer) func(Snapshot) {
	return func(p Snapshot) {
		end := ""
		if p.Final {
			end = "\n"
		}
		fmt.Fprintf(w, "\rexplore: %d/%d schedules (%d executed), %.0f/s, %s, %s%s",
			p.Done, p.Total, p.Executed, p.Rate(), p.DistinctText(), plural.Count(p.Findings, "finding"), end)
	}
}
