package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
)

// TestExplore_SetOrderDoesNotSplitAnExploration: --set flags in another
// order are the same exploration: the shards of one order and of the
// other write summaries under the same names, with the same settings, and
// merge combines them; a key given twice is still refused.
func TestExplore_SetOrderDoesNotSplitAnExploration(t *testing.T) {
	base := []string{"explore", "--scenario", "smoke-migrate", "--spec", "draft-2023", "--strategy", "random", "--schedules", "20", "--seed", "3"}
	one, _ := exploreShards(t, 2, append(base, "--set", "src-impl=current", "--set", "dst-caps=current")...)
	other, _ := exploreShards(t, 2, append(base, "--set", "dst-caps=current", "--set", "src-impl=current")...)
	var names [2][]string
	for i, dirs := range [][]string{one, other} {
		files, err := report.ShardSummaries(dirs)
		require.NoError(t, err)
		for _, f := range files {
			s, err := report.ReadShardFile(f)
			require.NoError(t, err)
			assert.Equal(t, []string{"dst-caps=current", "src-impl=current"}, s.Report.Settings, "the settings sorted by key")
			names[i] = append(names[i], filepath.Base(f))
		}
	}
	assert.Equal(t, names[0], names[1], "the same summary names whatever the order")
	code, out, stderr := runSimCLI(t, "merge", "--out", t.TempDir(), one[0], other[1])
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	assert.Contains(t, out, "set:dst-caps=current set:src-impl=current")

	code, _, stderr = runSimCLI(t, append(base, "--set", "dst-caps=older", "--set", "src-impl=current", "--set", "dst-caps=current")...)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, stderr, "setting dst-caps given twice")
}
