package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/merge"
	"github.com/migsim/migsim/internal/plural"
)

func init() {
	register(command{
		name:    "merge",
		summary: "combine the shard summaries of 'explore --shard' into the report one process gives",
		run:     runMerge,
	})
}

const mergeUsage = `usage: migsim merge [--out DIR] DIR|FILE...

Reads the shard summaries (*.summary.json) that 'migsim explore --shard i/n'
wrote into each DIR (or the FILEs given), checks that they are the n shards
of one exploration, each exactly once, and prints the report that one
process exploring everything prints (dfs: with the same --split-depth):
schedules, decisions and failing runs summed, distinct interleavings as
the union, the first finding of each oracle over all shards, and the shrunk
first finding, whose schedule file it writes under --out with the name one
process would give it. Only the throughput line differs.

Exit 0 when nothing was found, 1 on a finding, 2 on a usage error, on bad,
missing or mismatched summaries or when the schedule file cannot be
written, 130 when a shard was interrupted (the merged report is then only
what the shards ran, and says so).

flags:
`

// runMerge implements `migsim merge`.
func runMerge(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("merge", pflag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", ".", "directory for the first finding's schedule file")
	fs.Usage = func() {
		fmt.Fprint(stderr, mergeUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return exitOK
		}
		return usageError(stderr, "merge", "%v", err)
	}
	if fs.NArg() == 0 {
		return usageError(stderr, "merge", "want at least one DIR or FILE of shard summaries")
	}
	files, err := shardFiles(fs.Args())
	if err != nil {
		fmt.Fprintf(stderr, "migsim merge: %v\n", err)
		return exitUsage
	}
	rep, name, err := mergeShards(files)
	if err != nil {
		fmt.Fprintf(stderr, "migsim merge: %v\n", err)
		return exitUsage
	}
	fmt.Fprintf(stderr, "migsim merge: %s\n", plural.Count(len(files), "shard summary"))
	fmt.Fprintf(stdout, "explore %s: %s\n", rep.Target, rep.Budget)
	rep.printSummary(stdout)
	if rep.Schedule != nil {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			fmt.Fprintf(stderr, "migsim merge: --out: %v\n", err)
			return exitUsage
		}
		rep.Path = filepath.Join(*out, name)
		if err := catalog.WriteSchedule(rep.Schedule, rep.Path); err != nil {
			fmt.Fprintf(stderr, "migsim merge: %v\n", err)
			return exitUsage
		}
	}
	rep.printResult(stdout)
	if rep.Summary.Interrupted {
		return exitInterrupted // the merged search is not the whole one
	}
	if len(rep.Summary.Findings) > 0 {
		return exitFinding
	}
	return exitOK
}

// shardFiles lists the summary files of the arguments: the
// *.summary.json files of a directory, a file as it is.
func shardFiles(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		m, err := filepath.Glob(filepath.Join(a, "*.summary.json"))
		if err != nil {
			return nil, err
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("%s: no shard summaries (*.summary.json)", a)
		}
		files = append(files, m...)
	}
	return files, nil
}

// mergeShards reads the shard summaries and combines them into the report
// of one process, with the name of the first finding's schedule file.
func mergeShards(files []string) (*exploreReport, string, error) {
	shards := make([]*shardFile, 0, len(files))
	for _, f := range files {
		sf, err := readShardFile(f)
		if err != nil {
			return nil, "", err
		}
		shards = append(shards, sf)
	}
	return mergeShardFiles(shards, files)
}

// mergeShardFiles combines shard summaries, as parseShardFile returns them
// (files[i] names shards[i] in errors), into the report of one process,
// with the name of the first finding's schedule file.
func mergeShardFiles(shards []*shardFile, files []string) (*exploreReport, string, error) {
	if len(shards) == 0 || len(files) != len(shards) {
		return nil, "", fmt.Errorf("%d shard summaries named by %d files", len(shards), len(files))
	}
	parts := make([]engine.Summary, 0, len(shards))
	for i, sf := range shards {
		a, b := &shards[0].Report, &sf.Report
		if a.Target != b.Target || a.Budget != b.Budget {
			return nil, "", fmt.Errorf("%s explores %q (%s), %s explores %q (%s): not one exploration",
				files[i], b.Target, b.Budget, files[0], a.Target, a.Budget)
		}
		parts = append(parts, sf.Report.Summary)
	}
	sum, err := merge.Named(parts, files)
	if err != nil {
		return nil, "", fmt.Errorf("%s (%s): %w", shards[0].Report.Target, shards[0].Report.Budget, err)
	}
	first := shards[0].Report
	rep := &exploreReport{Target: first.Target, Budget: first.Budget, Strategy: first.Strategy, Bound: first.Bound,
		Schedules: first.Schedules, Summary: sum}
	if len(sum.Findings) == 0 {
		return rep, "", nil
	}
	// The first finding over all shards is the first of its own shard,
	// which shrank it.
	want := sum.Findings[0]
	for _, sf := range shards {
		fs := sf.Report.Summary.Findings
		if len(fs) == 0 || fs[0].Seed != want.Seed || fs[0].Finding.Oracle != want.Finding.Oracle ||
			fs[0].Subtree != want.Subtree || fs[0].SubtreeIndex != want.SubtreeIndex {
			continue
		}
		rep.Shrunk, rep.Explained, rep.Schedule = sf.Report.Shrunk, sf.Report.Explained, sf.Report.Schedule
		return rep, sf.ScheduleName, nil
	}
	return nil, "", fmt.Errorf("no shard summary holds the schedule of the first finding (%s at #%d)", want.Finding.Oracle, want.Index)
}
