package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
)

// foundByArgs returns the arguments of the `found by:` line migsim replay
// prints for the schedule file path, without the leading "migsim".
func foundByArgs(t *testing.T, path string) []string {
	t.Helper()
	_, out, stderr := runSimCLI(t, "replay", path)
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(l, "found by: migsim "); ok {
			return strings.Fields(rest)
		}
	}
	require.Failf(t, "no found-by line", "replay %s: %s%s", path, out, stderr)
	return nil
}

// A dfs budget is each shard's. When a shard spent it, the merged search is
// no search of one process with that budget: the first finding of
// peer-cfg-write-race at bound 0 is run #16 of the whole search, in shard
// 1's subtrees, which shard 1 reaches within 16 runs while one process's 16
// runs end before it. The merged schedule file then records the part of
// the exploration that found it (shard 1 of 4), so that its `found by:`
// command finds the finding again; the one-process command it recorded
// before found nothing.
func TestMerge_FoundByOfASpentDFSBudgetNamesTheShard(t *testing.T) {
	args := []string{"explore", "--scenario", peerCfgWriteScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "0",
		"--schedules", "16", "--split-depth", "2", "--states=false", "--explain-runs", "0", "--slice-runs", "0"}
	const file = "peer-cfg-write-race_draft-2023.json"

	code, _, stderr := runSimCLI(t, append(args, "--jobs", "1", "--out", t.TempDir())...)
	require.Equal(t, cmdbase.ExitOK, code, "one process's 16 runs end before the finding: %s", stderr)

	dirs, _ := exploreShards(t, 4, args...)
	merged := t.TempDir()
	code, out, stderr := runSimCLI(t, append([]string{"merge", "--out", merged}, dirs...)...)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	assert.Contains(t, out, "a shard spent its budget of 16 runs")
	assert.Contains(t, out, "finding frozen-context at schedule #16 ")
	sched, err := schedfile.Parse([]byte(mustRead(t, filepath.Join(merged, file))))
	require.NoError(t, err)
	require.NotNil(t, sched.Exploration)
	assert.Equal(t, 1, sched.Exploration.Shard)
	assert.Equal(t, 4, sched.Exploration.Shards)
	assert.Equal(t, 16, sched.Index, "the merged file numbers the run in the merged search, as the report does")

	again := foundByArgs(t, filepath.Join(merged, file))
	assert.Equal(t, []string{"--shard", "1/4"}, again[len(again)-2:])
	out2 := t.TempDir()
	code, _, stderr = runSimCLI(t, append(again, "--explain-runs", "0", "--slice-runs", "0", "--out", out2)...)
	require.Equal(t, cmdbase.ExitFinding, code, "the found-by command finds the finding again: %s", stderr)
	files, err := filepath.Glob(filepath.Join(out2, "*.json"))
	require.NoError(t, err)
	var found *schedfile.Schedule
	for _, f := range files {
		if !strings.HasSuffix(f, ".summary.json") {
			found, err = schedfile.Parse([]byte(mustRead(t, f)))
			require.NoError(t, err)
		}
	}
	require.NotNil(t, found, "the found-by command writes a schedule: %v", files)
	assert.Equal(t, sched.Choices, found.Choices)
	assert.Equal(t, sched.TraceHash, found.TraceHash)
}

// A dfs search every shard exhausted within a budget one process's search
// also fits records the whole exploration, as before: its found-by command
// is one process's, which writes the same file (TestMerge_FourShardProcessesEqualOne
// compares the bytes).
func TestMerge_FoundByOfAnExhaustedDFSIsOneProcess(t *testing.T) {
	args := []string{"explore", "--scenario", peerCfgWriteScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "0",
		"--schedules", "30000", "--split-depth", "2", "--states=false", "--explain-runs", "0", "--slice-runs", "0"}
	dirs, _ := exploreShards(t, 4, args...)
	merged := t.TempDir()
	code, _, stderr := runSimCLI(t, append([]string{"merge", "--out", merged}, dirs...)...)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	again := foundByArgs(t, filepath.Join(merged, "peer-cfg-write-race_draft-2023.json"))
	assert.NotContains(t, again, "--shard")
}
