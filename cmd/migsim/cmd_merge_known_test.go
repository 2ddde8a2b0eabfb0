package main

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
)

// knownCounts are the counts of a dfs JSON document's explored object
// that say how many runs were counted without running them.
type knownCounts struct {
	Schedules int `json:"schedules"`
	Pruned    int `json:"pruned"`
	Executed  int `json:"executed"`
	Known     int `json:"pruned_known"`
}

// exploredKnown decodes the explored object of a JSON document of explore
// or merge.
func exploredKnown(t *testing.T, doc string) knownCounts {
	t.Helper()
	var d struct {
		Explored knownCounts `json:"explored"`
	}
	require.NoError(t, json.Unmarshal([]byte(doc), &d), doc)
	return d.Explored
}

// The runs a dfs search with state pruning counted without running them
// (pruned_known) are as many in the merged shards as in one process with
// the same split depth, for any number of shards. The report derives them
// as the runs counted less the runs executed (report.KnownRuns), and a
// shard also executes runs into other shards' subtrees: the count holds
// because the search keeps known transitions only in a tree it does not
// split (docs/engine.md, "Strategies"), where no run is another shard's,
// so every shard and every split search knows none, and the one shard of
// one knows as many as one process.
func TestMerge_KnownRunsAsOneProcess(t *testing.T) {
	// The one process's counts by the split depth it was given: three
	// cases compare with the same process (split depth 2), which runs once.
	ones := map[int]knownCounts{}
	for _, tc := range []struct {
		name   string
		shards int
		split  int // 0: no --split-depth (the shards' default, or none for one)
		one    int // the split depth one process is given to compare (0: none)
	}{
		{"one shard", 1, 0, 0},
		{"one shard split", 1, 2, 2},
		{"two shards", 2, 2, 2},
		{"three shards deeper", 3, 3, 3},
		{"four shards at the default split", 4, 0, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs",
				"--bound", "1", "--states", "--progress", "never"}
			oneArgs := append(append([]string{}, args...), "--jobs", "1", "--format", "json", "--out", t.TempDir())
			shardArgs := args
			if tc.one > 0 {
				oneArgs = append(oneArgs, "--split-depth", strconv.Itoa(tc.one))
			}
			if tc.split > 0 {
				shardArgs = append(append([]string{}, args...), "--split-depth", strconv.Itoa(tc.split))
			}
			one, ok := ones[tc.one]
			if !ok {
				code, js, stderr := runSimCLI(t, oneArgs...)
				require.Equal(t, cmdbase.ExitOK, code, stderr)
				one = exploredKnown(t, js)
				assert.Equal(t, one.Schedules+one.Pruned, one.Executed+one.Known, "one process: every run counted was executed or known")
				if tc.one == 0 {
					assert.Positive(t, one.Known, "an unsplit search with state pruning knows transitions")
				}
				ones[tc.one] = one
			}

			dirs, _ := exploreShards(t, tc.shards, shardArgs...)
			for _, d := range dirs {
				files, err := report.ShardSummaries([]string{d})
				require.NoError(t, err)
				for _, f := range files {
					sf, err := report.ReadShardFile(f)
					require.NoError(t, err)
					if sum := sf.Report.Summary; tc.shards > 1 {
						assert.GreaterOrEqual(t, sum.Executed, sum.Schedules+sum.Pruned,
							"%s: a shard runs every run it counts (it keeps no known transitions), and more above the split", f)
					}
				}
			}
			code, js, stderr := runSimCLI(t, append([]string{"merge", "--format", "json", "--out", t.TempDir()}, dirs...)...)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			merged := exploredKnown(t, js)
			assert.Equal(t, one.Known, merged.Known, "pruned_known: one process %+v, merged %+v", one, merged)
		})
	}
}
