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

// A shard summary written by explore reads back to the same report.
func TestShardFile_RoundTrip(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runSimCLI(t, "explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
		"--strategy", "pct", "--schedules", "40", "--seed", "1", "--shard", "1/2", "--out", dir)
	require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
	p := filepath.Join(dir, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.shard-1-of-2.summary.json")
	sf, err := report.ReadShardFile(p)
	require.NoError(t, err)
	assert.Equal(t, 1, sf.Report.Summary.Shard)
	assert.Equal(t, 2, sf.Report.Summary.Shards)
	assert.Equal(t, 20, sf.Report.Summary.Schedules)
	again := filepath.Join(t.TempDir(), "again.summary.json")
	require.NoError(t, report.WriteShardFile(again, &sf.Report))
	a, err := os.ReadFile(p)
	require.NoError(t, err)
	b, err := os.ReadFile(again)
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
}

// TestShardFile_StaleScheduleRemoved: a shard run again after its scenario
// changed, finding nothing this time, removes the schedule file its last
// run wrote (its summary named it), so no schedule sits beside a summary
// that does not name it; a run that finds it again keeps it.
func TestShardFile_StaleScheduleRemoved(t *testing.T) {
	scn, fixFLR := flrScenarioCopy(t)
	out := t.TempDir()
	explore := func() (int, string) {
		code, _, stderr := runSimCLI(t, "explore", "--scenario", scn, "--spec", "draft-2023",
			"--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep",
			"--strategy", "pct", "--schedules", "40", "--seed", "1", "--shard", "1/2", "--out", out, "--explain-runs", "0")
		return code, stderr
	}
	code, stderr := explore()
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	summary := filepath.Join(out, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.shard-1-of-2.summary.json")
	sf, err := report.ReadShardFile(summary)
	require.NoError(t, err)
	require.NotEmpty(t, sf.ScheduleName)
	sched := filepath.Join(out, report.ShardName(sf.ScheduleName, ".json", 1, 2))
	require.FileExists(t, sched)

	code, stderr = explore()
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	assert.FileExists(t, sched, "the same finding again keeps its file")
	assert.NotContains(t, stderr, "removed")

	fixFLR() // without the FLR there is nothing to find
	code, stderr = explore()
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.NoFileExists(t, sched)
	assert.Contains(t, stderr, "migsim explore: removed "+sched+", the schedule file of this shard's last run")
	sf, err = report.ReadShardFile(summary)
	require.NoError(t, err)
	assert.Empty(t, sf.ScheduleName)
}

// flrScenarioCopy copies the FLR-during-freeze test scenario into a
// temporary directory and returns the copy's path and a function that
// rewrites the copy without the guest's FLR (nothing to find then).
func flrScenarioCopy(t *testing.T) (scn string, fixFLR func()) {
	t.Helper()
	src, err := os.ReadFile(flrScenario)
	require.NoError(t, err)
	scn = filepath.Join(t.TempDir(), "flr-freeze.scn")
	require.NoError(t, os.WriteFile(scn, src, 0o644))
	return scn, func() {
		fixed := strings.Replace(string(src), "  flr\n  probe\n", "", 1)
		require.NotEqual(t, string(src), fixed)
		require.NoError(t, os.WriteFile(scn, []byte(fixed), 0o644))
	}
}

// parseShard reads "i/n" with 0 <= i < n <= report.MaxShards, "" as everything.
func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i, n int
		want string
	}{
		{"", 0, 1, ""},
		{"0/4", 0, 4, ""},
		{"3/4", 3, 4, ""},
		{"999999/1000000", 999999, 1000000, ""},
		{"0/1000001", 0, 0, `--shard "0/1000001": n 1000001: want 1..1000000 shards`},
		{"0/4000000000000", 0, 0, `--shard "0/4000000000000": n 4000000000000: want 1..1000000 shards`},
		{"4/4", 0, 0, `--shard "4/4": want 0 <= i < n`},
		{"-1/4", 0, 0, `--shard "-1/4": want 0 <= i < n`},
		{"0/0", 0, 0, `--shard "0/0": want 0 <= i < n`},
		{"1of2", 0, 0, `--shard "1of2": want i/n with 0 <= i < n <= 1000000, e.g. 0/4`},
		{"01/4", 0, 0, `--shard "01/4": want i/n with 0 <= i < n <= 1000000, e.g. 0/4`},
		{"0/99999999999999999999", 0, 0, `--shard "0/99999999999999999999": want i/n with 0 <= i < n <= 1000000, e.g. 0/4`},
		{"1/4 ", 0, 0, `--shard "1/4 ": want i/n with 0 <= i < n <= 1000000, e.g. 0/4`},
	} {
		i, n, err := parseShard(tc.in)
		if tc.want != "" {
			assert.EqualError(t, err, tc.want, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, [2]int{tc.i, tc.n}, [2]int{i, n}, tc.in)
	}
}

// FuzzParseShard: parseShard never panics, accepts only what it prints
// back ("i/n", canonical) within the limits, and names the flag in its
// errors.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"", "0/4", "3/4", "0/1000000", "0/1000001", "1of2", "-1/2", "01/4", "9223372036854775807/9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, n, err := parseShard(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--shard ") {
				t.Fatalf("%q: error does not name the flag: %v", s, err)
			}
			return
		}
		if n < 1 || n > report.MaxShards || i < 0 || i >= n {
			t.Fatalf("%q: accepted %d/%d", s, i, n)
		}
		if s != "" && fmt.Sprintf("%d/%d", i, n) != s {
			t.Fatalf("%q: read as %d/%d", s, i, n)
		}
	})
}
