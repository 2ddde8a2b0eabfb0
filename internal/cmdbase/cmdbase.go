// Package cmdbase is what migsim's commands share below their flags: the
// exit statuses (migsim help exit), the usage error's two lines, the
// interrupts that stop a run (SIGINT, SIGTERM), the file-system errors of
// the files a command writes, the device a command replays a schedule
// with and the exit status of a run with it, and the limits of the flags
// several commands take. The commands themselves are cmd/migsim's (and
// internal/cmdconform's, migsim conform).
package cmdbase

import (
	"fmt"
	"io"

	"github.com/migsim/migsim/internal/cliflag"
)

// Exit statuses shared by every command (migsim help exit).
const (
	ExitOK      = 0
	ExitFinding = 1 // a finding, a mismatched verdict, a diverging replay, an incompatibility
	ExitUsage   = 2 // a usage or input error
	// ExitUnwritten is the status of a command whose output could not be
	// written (a full disk): an error, as a usage or input error is, and
	// never a finding.
	ExitUnwritten = 2
	// ExitInterrupted is the exit status of a command stopped by SIGINT or
	// SIGTERM (128 + SIGINT, as shells report it).
	ExitInterrupted = 130
)

// UsageError prints a usage error of command cmd and returns ExitUsage.
func UsageError(stderr io.Writer, cmd, format string, a ...any) int {
	fmt.Fprintf(stderr, "migsim %s: "+format+"\n", append([]any{cmd}, a...)...)
	fmt.Fprintf(stderr, "run 'migsim %s --help' for usage\n", cmd)
	return ExitUsage
}

// Limits of the flags several commands share.
const (
	// MaxJobs bounds --jobs (and conform's --procs).
	MaxJobs = 256
	// MaxShrinkReplays bounds --shrink-replays: a catalog finding shrinks
	// within engine.DefaultShrinkReplays.
	MaxShrinkReplays = 1_000_000
)

// ShrinkReplaysLimit is the range of --shrink-replays (run, explore,
// conform).
var ShrinkReplaysLimit = cliflag.Int("shrink-replays", 0, MaxShrinkReplays, "0 keeps the default bound")

// ExplainRunsLimit is the range of --explain-runs (explore, replay,
// conform).
var ExplainRunsLimit = cliflag.Int("explain-runs", 0, MaxShrinkReplays, "0 skips the explanation")
