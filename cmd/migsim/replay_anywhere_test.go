package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestReplay_UserScenarioFromAnywhere: a schedule explore wrote for a
// user's scenario replays from another working directory, after the pair
// moved together, after a comment-only edit of the scenario and with the
// scenario file gone (from the text the schedule carries); a real edit of
// the scenario makes it stale (exit 2).
func TestReplay_UserScenarioFromAnywhere(t *testing.T) {
	src, err := os.ReadFile(flrScenario)
	require.NoError(t, err)
	root := t.TempDir()
	work := filepath.Join(root, "work")
	require.NoError(t, os.MkdirAll(filepath.Join(work, "scn"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(work, "scn", "flr.scn"), src, 0o644))

	t.Chdir(work)
	code, out, stderr := runSimCLI(t, "explore", "--scenario", "scn/flr.scn", "--knob", "flr-vs-mode=complete-anyway",
		"--knob", "mode-after-flr=keep", "--strategy", "pct", "--schedules", "100", "--seed", "1", "--out", "out")
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	m := replayLine.FindStringSubmatch(out)
	require.NotNil(t, m, out)
	sched := filepath.Join(work, m[1])

	replay := func(path string) (int, string, string) {
		t.Helper()
		elsewhere := filepath.Join(root, "elsewhere")
		require.NoError(t, os.MkdirAll(elsewhere, 0o755))
		t.Chdir(elsewhere)
		return runSimCLI(t, "replay", path)
	}
	code, rout, rerr := replay(sched)
	assert.Equal(t, cmdbase.ExitFinding, code, rerr)
	assert.Contains(t, rout, "finding frozen-context")
	assert.Contains(t, rout, "(matches the recording)")

	// The pair moves together: the path is relative to the schedule file.
	moved := filepath.Join(root, "moved")
	require.NoError(t, os.Rename(work, moved))
	sched = filepath.Join(moved, m[1])
	code, _, rerr = replay(sched)
	assert.Equal(t, cmdbase.ExitFinding, code, rerr)

	// A comment-only edit does not make the schedule stale.
	scn := filepath.Join(moved, "scn", "flr.scn")
	require.NoError(t, os.WriteFile(scn, append([]byte("# a new comment\n\n"), src...), 0o644))
	code, _, rerr = replay(sched)
	assert.Equal(t, cmdbase.ExitFinding, code, rerr)

	// A real edit does.
	edited := strings.Replace(string(src), "count=8", "count=7", 1)
	require.NotEqual(t, string(src), edited)
	require.NoError(t, os.WriteFile(scn, []byte(edited), 0o644))
	code, _, rerr = replay(sched)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, rerr, "stale schedule")
	assert.Contains(t, rerr, "explore again for a fresh schedule: migsim explore --scenario "+scn+
		" --spec draft-2023 --knob flr-vs-mode=complete-anyway --knob mode-after-flr=keep --strategy pct --depth 3 --schedules 100 --seed 1\n",
		"a user's scenario gets the command that records a fresh schedule: the exploration the file records")
	assert.NotContains(t, rerr, "--write-regress", "the catalog's regression schedules are not the user's")

	// With the file gone, the schedule's own copy of the scenario replays.
	require.NoError(t, os.Remove(scn))
	code, rout, rerr = replay(sched)
	assert.Equal(t, cmdbase.ExitFinding, code, rerr)
	assert.Contains(t, rout, "(matches the recording)")
}
