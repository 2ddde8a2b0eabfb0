package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/buildinfo"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/report"
)

func init() {
	register(command{
		name:    "merge",
		summary: "combine the shard summaries of 'explore --shard' into the report one process gives",
		run:     runMerge,
	})
}

const mergeUsage = `usage: migsim merge [--out DIR] [--format text|json] [--trust-build] DIR|FILE...

Reads the shard summaries (*.summary.json) that 'migsim explore --shard i/n'
wrote into each DIR (or the FILEs given), checks that they are the n shards
of one exploration (the same scenario, and version of it, budget, step
bound and build), each exactly once, with counts an exploration gives,
and prints the report that one process exploring everything prints (dfs:
with the same --split-depth):
schedules, decisions and failing runs summed, distinct interleavings as
the union, the first finding of each oracle over all shards, and the shrunk
first finding, whose schedule file it writes under --out with the name one
process would give it (beside, as NAME.1.json and so on, when --out
holds another schedule there, as explore does). Only the cost differs:
the throughput line, and --format json's explored.executed, add up the
runs the shards executed (every pct shard runs the first 256 schedules
to learn, every dfs shard the runs above the split, and each shard's
memo answers only its own schedules), not one process's; and a dfs
budget is per shard. The expected: line names the scenario file as the
shards were given it (--scenario, relative to their working directory),
wherever merge runs. --out is checked before anything is read. --format json
prints the report as one JSON document, explore --format json's, with
merged: the number of shard summaries.

The build is compared by its identity (migsim version's build line): the
VCS revision of a clean tree, or the executable's hash. A build that had
neither to record (no VCS stamping, or a modified tree, and an executable
it could not read) records "unknown" (or the revision with "+modified"),
which every such build shares: summaries that all record it are refused,
naming the files, since nothing shows one build wrote them.
--trust-build merges them anyway, on your word that one build did (stderr
says so).

Exit 0 when nothing was found, 1 on a finding, 2 on a usage error, on bad,
missing or mismatched summaries or when the schedule file cannot be
written, 130 when a shard was interrupted (the merged report is then only
what the shards ran, and says so) or merge itself was (SIGINT, SIGTERM:
while it reads, it stops and writes nothing; once it writes, it writes
the schedule file and the report whole, leaving no temporary file).

flags:
`

// mergeInterrupts returns the context that the first SIGINT or SIGTERM
// ends while merge runs (cmdbase.Interrupts) and the call that releases
// the signals; a test wraps it to see the context.
var mergeInterrupts = func() (context.Context, func()) {
	ctx, _, stop := cmdbase.Interrupts()
	return ctx, stop
}

// runMerge implements `migsim merge`.
func runMerge(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	out := fs.String("out", ".", "directory for the first finding's schedule file")
	format := fs.String("format", "text", "output format: text or json (one document)")
	trustBuild := fs.Bool("trust-build", false, "merge summaries whose build identity names no one build (unknown) as one build's")
	fs.Usage = func() {
		fmt.Fprint(stdout, mergeUsage)
		fs.PrintDefaults()
	}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "merge", "%v", err)
	}
	if fs.NArg() == 0 {
		return cmdbase.UsageError(stderr, "merge", "want at least one DIR or FILE of shard summaries")
	}
	if *format != "text" && *format != "json" {
		return cmdbase.UsageError(stderr, "merge", "--format %q: want text or json", *format)
	}
	if err := cliflag.CheckOutputDir(*out); err != nil {
		return cmdbase.UsageError(stderr, "merge", "--out: %v", err)
	}
	// SIGINT and SIGTERM stop the reading; once merge writes, it writes
	// the schedule file and the report whole (no temporary file left
	// behind) and then exits 130, as explore does.
	ctx, stop := mergeInterrupts()
	defer stop()
	files, err := report.ShardSummaries(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "migsim merge: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	rep, name, err := report.MergeShardFiles(ctx, files, report.MergeOptions{TrustBuild: *trustBuild})
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "migsim merge: interrupted before the merged report: nothing written\n")
		return cmdbase.ExitInterrupted
	}
	if err != nil {
		fmt.Fprintf(stderr, "migsim merge: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	fmt.Fprintf(stderr, "migsim merge: %s\n", plural.Count(len(files), "shard summary"))
	if *trustBuild && len(files) > 1 && !buildinfo.Identified(rep.Build) {
		fmt.Fprintf(stderr, "migsim merge: --trust-build: the summaries' build %q names no one build; merged as one build's on your word\n", rep.Build)
	}
	asJSON := *format == "json"
	if !asJSON {
		fmt.Fprintf(stdout, "explore %s: %s\n", rep.Target, rep.Budget)
		rep.PrintSummary(stdout)
	}
	if rep.Schedule != nil {
		if err := os.MkdirAll(*out, keepfile.DirPerm); err != nil {
			fmt.Fprintf(stderr, "migsim merge: --out: %v\n", err)
			return cmdbase.ExitUsage
		}
		if rep.Path, err = keepSchedule("merge", rep.Schedule, filepath.Join(*out, name), stderr); err != nil {
			fmt.Fprintf(stderr, "migsim merge: %s\n", usererr.Text(err))
			return cmdbase.ExitUsage
		}
	}
	printResult(stdout, rep, asJSON)
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "migsim merge: interrupted: the report and its schedule file were written whole\n")
		return cmdbase.ExitInterrupted
	}
	if rep.Summary.Interrupted {
		return cmdbase.ExitInterrupted // the merged search is not the whole one
	}
	if len(rep.Summary.Findings) > 0 {
		return cmdbase.ExitFinding
	}
	return cmdbase.ExitOK
}
