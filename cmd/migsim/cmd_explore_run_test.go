package main

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cmdbase"
)

var runScheduleLine = regexp.MustCompile(`(?m)^run schedule: (\S+) \(trace hash ([0-9a-f]+)\)$`)

// TestExplore_WriteRunIsTheExploredRun: --write-run N rebuilds schedule N
// as the exploration ran it: for the first finding's index, the same run
// --no-shrink writes (pct), and for a run without a finding (random) a
// schedule file that replays, traces and reports without one.
func TestExplore_WriteRunIsTheExploredRun(t *testing.T) {
	code, out, stderr, _ := exploreFLRShared(t, "--no-shrink", "--explain-runs", "0")
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	m := regexp.MustCompile(`(?m)^finding frozen-context at schedule #(\d+) `).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	i, _ := strconv.Atoi(m[1])

	dir := t.TempDir()
	code, out, stderr = exploreFLR(t, dir, "--no-shrink", "--explain-runs", "0", "--schedules", strconv.Itoa(i+1), "--write-run", m[1])
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	found := replayLine.FindStringSubmatch(out)
	written := runScheduleLine.FindStringSubmatch(out)
	require.NotNil(t, found, out)
	require.NotNil(t, written, out)
	assert.Regexp(t, `(?m)^run #`+m[1]+` \(seed \d+\): finding frozen-context at step \d+, \d+ steps$`, out)
	a, err := catalog.ReadScheduleFile(found[1])
	require.NoError(t, err)
	b, err := catalog.ReadScheduleFile(written[1])
	require.NoError(t, err)
	assert.Equal(t, a.TraceHash, b.TraceHash, "the same run as the finding found at #%d", i)
	assert.Equal(t, a.Choices, b.Choices)
	assert.Equal(t, a.Finding, b.Finding, "annotated as explore annotates a finding")
	assert.Equal(t, i, b.Index)

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"replay --trace", []string{"replay", "--trace"}, cmdbase.ExitOK, "no finding"},
		{"trace", []string{"trace", "--format", "timeline"}, cmdbase.ExitOK, ""},
		{"report", []string{"report", "--explain-runs", "0", "--out", t.TempDir()}, cmdbase.ExitOK, ""},
	}
	dir = t.TempDir()
	code, out, stderr = runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "virtio-1.4", "--strategy", "random",
		"--schedules", "2", "--write-run", "1", "--out", dir)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, out, "no findings in 2 schedules of random (a sample, not exhaustive: --strategy dfs searches every interleaving within a preemption bound)\n"+
		"  expected: the scenario expects pass for this edition and knobs: "+smokeScenario+":11 (expect virtio-1.4 pass)\nrun #1 (seed ")
	w := runScheduleLine.FindStringSubmatch(out)
	require.NotNil(t, w, out)
	assert.Regexp(t, `_run-1\.json$`, w[1])
	sc, err := catalog.ReadScheduleFile(w[1])
	require.NoError(t, err)
	assert.Nil(t, sc.Finding)
	assert.Equal(t, "random", sc.Strategy)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{}, tt.args[0], w[1]), tt.args[1:]...)
			code, out, stderr := runSimCLI(t, args...)
			assert.Equal(t, tt.code, code, stderr)
			assert.Contains(t, out, tt.want)
		})
	}
}

func TestExplore_WriteRunUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"past the exploration", []string{"--schedules", "3", "--write-run", "3"}, "--write-run 3: want a schedule of the exploration, 0..2, without --shard"},
		{"with --shard", []string{"--shard", "0/2", "--write-run", "0"}, "without --shard"},
		{"negative", []string{"--write-run", "-1"}, "--write-run -1: want 0.."},
		{"dfs", []string{"--strategy", "dfs", "--write-run", "0"}, "--write-run: a schedule index to rebuild is for random and pct only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append([]string{"explore", "--scenario", smokeScenario, "--out", t.TempDir()}, tt.args...)...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, stderr, tt.want)
		})
	}
}
