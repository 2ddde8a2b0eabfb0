package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestRun_ScheduleHintPastes: the explore command of a row's schedule hint
// names every flag of the exploration that found the row's finding, also
// when that was not the scenario's own exploration (the pct cross-check of
// a random line, the dfs proof that both samplings missed, run under
// --state-cap), and, pasted into a shell, runs that exploration: it finds
// the finding the row's table names, at the same schedule.
func TestRun_ScheduleHintPastes(t *testing.T) {
	sh, err := exec.LookPath("sh")
	require.NoError(t, err, "a POSIX shell to paste the command into (every system migsim's CI runs on has one)")
	src, err := os.ReadFile(peerKickScenario)
	require.NoError(t, err)
	const line = "explore strategy=random schedules=200 seed=1"
	require.Contains(t, string(src), line)
	cases := []struct {
		name, explore string
		args          []string
		flags         []string // every flag the command must name
	}{
		{"pct cross-check", line, nil, []string{"--strategy pct", "--depth 3", "--schedules 200", "--seed 1"}},
		// One schedule of each sampling misses what dfs finds at bound 2.
		{"dfs proof", "explore strategy=random schedules=1 seed=1 proof=20000", []string{"--state-cap", "4096"},
			[]string{"--strategy dfs", "--bound 2", "--reduction sleep", "--states", "--state-cap 4096", "--schedules 20000", "--seed 1"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "scenario dir's")
			require.NoError(t, os.MkdirAll(dir, 0o755))
			scn := filepath.Join(dir, "peer-kick.scn")
			require.NoError(t, os.WriteFile(scn, []byte(strings.Replace(string(src), line, c.explore, 1)), 0o644))
			code, out, stderr := runSimCLI(t, append([]string{"run", scn, "--spec", "draft-2023", "--progress", "never"}, c.args...)...)
			require.Equal(t, cmdbase.ExitFinding, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			// The row's finding: its oracle, and the schedule of the
			// exploration that found it (the last one the row ran).
			found := regexp.MustCompile(`(?m)^peer-kick-race draft-2023 defaults: mismatch: .*: found (\S+)$`).FindStringSubmatch(out)
			require.NotNil(t, found, out)
			rows := tableRows(out)
			require.Len(t, rows, 1, out)
			at := regexp.MustCompile(`first at #(\d+)$`).FindStringSubmatch(rows[0])
			require.NotNil(t, at, rows[0])
			hint := regexp.MustCompile(`(?m)^  schedule: not written; .* explore it: (migsim explore .*)$`).FindStringSubmatch(out)
			require.NotNil(t, hint, out)
			for _, f := range c.flags {
				assert.Contains(t, hint[1]+" ", " "+f+" ", "the hint names %s", f)
			}
			words, err := exec.Command(sh, "-c", `printf '%s\0' `+hint[1]).Output()
			require.NoError(t, err, hint[1])
			args := strings.Split(strings.TrimSuffix(string(words), "\x00"), "\x00")
			require.Equal(t, "migsim", args[0], hint[1])
			require.Contains(t, args, scn, "the path is one word")
			// Where to write the schedule, and nothing after the finding
			// that would change it.
			args = append(args[1:], "--out", t.TempDir(), "--progress", "never", "--explain-runs", "0", "--slice-runs", "0")
			code, out, stderr = runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitFinding, code, "%q: stdout:\n%s\nstderr:\n%s", args, out, stderr)
			assert.Contains(t, out, "\nfinding "+found[1]+" at schedule #"+at[1]+" ", "%q", args)
		})
	}
}
