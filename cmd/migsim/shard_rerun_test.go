package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
)

// TestExplore_ShardRerunIsByteIdentical: the same shard run twice writes
// the same summary file, byte for byte (no wall-clock time in it, so the
// checksum is the same too), under every strategy; merge of such
// summaries counts the runs and gives no rate.
func TestExplore_ShardRerunIsByteIdentical(t *testing.T) {
	cases := []struct {
		name string
		args []string
	}{
		{"random", []string{"--strategy", "random", "--schedules", "6"}},
		{"pct", []string{"--strategy", "pct", "--schedules", "6"}},
		{"dfs", []string{"--strategy", "dfs", "--schedules", "20"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var files [2]string
			var dirs [2]string
			for i := range files {
				dirs[i] = t.TempDir()
				args := append([]string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--shard", "0/1", "--out", dirs[i]}, c.args...)
				code, _, stderr := runSimCLI(t, args...)
				require.Equal(t, cmdbase.ExitOK, code, stderr)
				files[i] = mustRead(t, filepath.Join(dirs[i], "test-smoke_draft-2023.shard-0-of-1.summary.json"))
			}
			assert.Equal(t, files[0], files[1], "two runs of one shard wrote different summaries")
			sf, err := report.ReadShardFile(filepath.Join(dirs[0], "test-smoke_draft-2023.shard-0-of-1.summary.json"))
			require.NoError(t, err)
			assert.Zero(t, sf.Report.Summary.Elapsed)

			code, out, stderr := runSimCLI(t, "merge", "--out", t.TempDir(), dirs[0])
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			i := strings.Index(out, "throughput: ")
			require.GreaterOrEqual(t, i, 0, out)
			assert.Regexp(t, `^throughput: \d+ runs? executed \(\d+ memo hits?\); each shard printed its own rate, and summaries keep no time\n`, out[i:])
		})
	}
}
