package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
)

// exploreShards runs the n shards of an exploration (args) into their own
// directories and returns them, with each shard's stdout.
func exploreShards(t *testing.T, n int, args ...string) (dirs, outs []string) {
	t.Helper()
	for i := 0; i < n; i++ {
		dir := t.TempDir()
		code, out, stderr := runSimCLI(t, append(args, "--jobs", "1", "--shard", fmt.Sprintf("%d/%d", i, n), "--out", dir)...)
		require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, "shard %d/%d: %s", i, n, stderr)
		dirs, outs = append(dirs, dir), append(outs, out)
	}
	return dirs, outs
}

// Every summary explore writes passes the count checks merge applies to
// it (report's checkShardCounts), whatever the strategy, the memo, state
// pruning, the reduction or a split deeper than the tree: random and pct
// with and without the memo, pct past its learning round, dfs exhausted
// and with budgets spent above and below the split.
func TestMerge_CountChecksHoldForRealShards(t *testing.T) {
	for _, tc := range []struct {
		name   string
		shards int
		args   []string
	}{
		{"random memo", 3, []string{"--strategy", "random", "--schedules", "300", "--seed", "4"}},
		{"pct past the learning round", 3, []string{"--strategy", "pct", "--schedules", "300", "--seed", "4"}},
		{"pct without memo", 2, []string{"--strategy", "pct", "--schedules", "40", "--seed", "4", "--memo=false"}},
		{"pct with a finding", 2, []string{"--scenario", flrScenario, "--knob", "flr-vs-mode=complete-anyway", "--strategy", "pct",
			"--schedules", "40", "--seed", "1", "--explain-runs", "0"}},
		{"dfs states exhausted", 3, []string{"--strategy", "dfs", "--bound", "0", "--split-depth", "2", "--states"}},
		{"dfs budget spent", 3, []string{"--strategy", "dfs", "--bound", "1", "--schedules", "30", "--split-depth", "3"}},
		{"dfs split past the branching", 5, []string{"--strategy", "dfs", "--bound", "0", "--schedules", "10", "--split-depth", "64"}},
		{"dfs dpor", 2, []string{"--strategy", "dfs", "--bound", "1", "--schedules", "60", "--reduction", "dpor"}},
		{"dfs max steps", 2, []string{"--strategy", "dfs", "--bound", "0", "--split-depth", "1", "--max-steps", "5000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023"}, tc.args...)
			dirs, _ := exploreShards(t, tc.shards, args...)
			for _, d := range dirs {
				files, err := report.ShardSummaries([]string{d})
				require.NoError(t, err)
				for _, f := range files {
					_, err := report.ReadShardFile(f)
					assert.NoError(t, err)
				}
			}
			code, _, stderr := runSimCLI(t, append([]string{"merge", "--out", t.TempDir()}, dirs...)...)
			assert.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
		})
	}
}

// --shard 0/1 (a batch job array of one) writes a shard summary that merge
// turns into the report, and the schedule file, one process gives; a dfs
// shard of one splits nothing, as one process with --split-depth 0 (which
// more shards than one refuse: they share out the subtrees of a split).
func TestExplore_ShardZeroOfOne(t *testing.T) {
	for _, tc := range []struct {
		name, header, schedule string // schedule: "" for no finding
		args                   []string
		code                   int
	}{
		{"pct with a finding", "depth 3; shard 0/1: all of it\n", "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.json",
			[]string{"--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
				"--strategy", "pct", "--schedules", "40", "--seed", "1"}, cmdbase.ExitFinding},
		{"dfs without a split", ": dfs up to 1000000 runs, seed 2, bound 0; shard 0/1: all of it\n", "",
			[]string{"--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "0", "--states=false",
				"--split-depth", "0"}, cmdbase.ExitOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"explore", "--jobs", "1", "--explain-runs", "0"}, tc.args...)
			single := t.TempDir()
			wantCode, want, stderr := runSimCLI(t, append(args, "--out", single)...)
			require.Equal(t, tc.code, wantCode, stderr)
			dirs, outs := exploreShards(t, 1, args...)
			assert.Contains(t, outs[0], tc.header)
			summaries, err := filepath.Glob(filepath.Join(dirs[0], "*.shard-0-of-1.summary.json"))
			require.NoError(t, err)
			assert.Len(t, summaries, 1)
			merged := t.TempDir()
			code, got, stderr := runSimCLI(t, "merge", "--out", merged, dirs[0])
			assert.Equal(t, wantCode, code, stderr)
			assert.Equal(t, comparable(want, single), comparable(got, merged))
			if tc.schedule != "" {
				assert.Equal(t, mustRead(t, filepath.Join(single, tc.schedule)), mustRead(t, filepath.Join(merged, tc.schedule)))
			}
		})
	}
}

// Shards of two versions of a scenario, or run with different step
// bounds, are not one exploration: merge names both files and the field
// (exit 2) and prints no report. A step bound that is not the default
// shows in the header.
func TestMerge_NotOneExploration(t *testing.T) {
	scn, fixFLR := flrScenarioCopy(t)
	args := []string{"explore", "--scenario", scn, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
		"--strategy", "pct", "--schedules", "6", "--seed", "1", "--jobs", "1", "--explain-runs", "0"}
	a := t.TempDir()
	code, _, stderr := runSimCLI(t, append(args, "--shard", "0/2", "--out", a)...)
	require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
	fixFLR()
	b := t.TempDir()
	code, _, stderr = runSimCLI(t, append(args, "--shard", "1/2", "--out", b)...)
	require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
	code, out, stderr := runSimCLI(t, "merge", "--out", t.TempDir(), a, b)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, out)
	assert.Regexp(t, `^migsim merge: \S+shard-0-of-2.summary.json and \S+shard-1-of-2.summary.json are not one exploration: field report.scenario_hash is "[0-9a-f]+" in the first, "[0-9a-f]+" in the second \(the scenario changed`, stderr)

	c := t.TempDir()
	code, out, stderr = runSimCLI(t, append(args, "--shard", "0/2", "--max-steps", "5000", "--out", c)...)
	require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
	assert.Contains(t, out, "pct 6 schedules, seed 1, depth 3, max steps 5000; shard 0/2")
	code, out, stderr = runSimCLI(t, "merge", "--out", t.TempDir(), b, c)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, `are not one exploration: field report.max_steps is "200000" in the first, "5000" in the second`)
}

// A shard's header says which part it runs, and a dfs budget is each
// shard's, in the shard's output and in the merged one.
func TestExplore_ShardHeaders(t *testing.T) {
	_, outs := exploreShards(t, 3, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "pct", "--schedules", "30", "--seed", "1")
	assert.Contains(t, outs[1], ": pct 30 schedules, seed 1, depth 3; shard 1/3: the 10 schedules numbered 1 mod 3\nschedules: 10,")
	dirs, outs := exploreShards(t, 3, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "0",
		"--schedules", "5", "--states=false")
	assert.Contains(t, outs[2], ": dfs up to 5 runs per shard, seed 2, bound 0, split depth 8; shard 2/3: the subtrees numbered 2 mod 3\n")
	assert.Contains(t, outs[2], "\ndfs: budget of 5 runs spent before this shard's part of the space was exhausted\n")
	code, out, stderr := runSimCLI(t, append([]string{"merge", "--out", t.TempDir()}, dirs...)...)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.True(t, strings.HasPrefix(out, "explore test-smoke draft-2023: dfs up to 5 runs per shard, seed 2, bound 0, split depth 8\nschedules: "), out)
	assert.Contains(t, out, "\ndfs: a shard spent its budget of 5 runs before its part of the space was exhausted\n")
}

// With state pruning, sharded dfs counts exceed one process's: the shards
// and the merge say so, and how to get the same counts; without it they
// say nothing.
func TestMerge_StatesNote(t *testing.T) {
	for _, states := range []bool{true, false} {
		dirs, outs := exploreShards(t, 2, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "0",
			"--split-depth", "2", fmt.Sprintf("--states=%v", states))
		code, out, stderr := runSimCLI(t, append([]string{"merge", "--out", t.TempDir()}, dirs...)...)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		note := "dfs: each shard pruned only the states it explored itself, so these counts exceed one process's (explore with --states=false for the same counts)\n"
		shardNote := "dfs: this shard prunes only the states it explores itself, so merged counts exceed one process's (explore with --states=false for the same counts)\n"
		if states {
			assert.Contains(t, out, note)
			assert.Contains(t, outs[0], shardNote)
		} else {
			assert.NotContains(t, out, "--states=false")
			assert.NotContains(t, outs[0], "--states=false")
		}
	}
}

// merge checks --out before it reads anything, as explore does, and a
// summary cut short or empty says so with its size.
func TestMerge_OutputAndFileErrors(t *testing.T) {
	dirs, _ := exploreShards(t, 2, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--schedules", "8", "--seed", "2")
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	code, out, stderr := runSimCLI(t, append([]string{"merge", "--out", file}, dirs...)...)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "migsim merge: --out: "+file+" is not a directory\n")

	sums, err := report.ShardSummaries(dirs[:1])
	require.NoError(t, err)
	text := mustRead(t, sums[0])
	cut := filepath.Join(t.TempDir(), "cut.summary.json")
	require.NoError(t, os.WriteFile(cut, []byte(text[:100]), 0o644))
	empty := filepath.Join(t.TempDir(), "empty.summary.json")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	for path, want := range map[string]string{cut: "truncated at byte 100 of 100", empty: "empty file"} {
		code, out, stderr := runSimCLI(t, "merge", path)
		assert.Equal(t, cmdbase.ExitUsage, code)
		assert.Empty(t, out)
		assert.Contains(t, stderr, "migsim merge: shard summary "+path+": "+want)
	}
}
