package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestReport_NamedAfterScheduleFile: migsim report names its files after
// the schedule file (less .json), not after the target, so that the
// reports of two schedules of one target in one folder (explore's finding
// and its --write-run N file) do not overwrite each other.
func TestReport_NamedAfterScheduleFile(t *testing.T) {
	b, err := os.ReadFile(canonicalFinding)
	require.NoError(t, err)
	dir := t.TempDir()
	cases := []struct {
		file string // the schedule file under dir
		name string // the report files' name
	}{
		{"flr-during-freeze_draft-2023.json", "flr-during-freeze_draft-2023"},
		{"flr-during-freeze_draft-2023_run-7.json", "flr-during-freeze_draft-2023_run-7"},
		{"schedule", "schedule"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p := filepath.Join(dir, c.file)
			require.NoError(t, os.WriteFile(p, b, 0o644))
			code, out, stderr := runSimCLI(t, "report", p, "--explain-runs", "0", "--out", dir)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			assert.Contains(t, out, filepath.Join(dir, c.name+".md"))
		})
	}
	// Every report is still there, each naming its own schedule file.
	for _, c := range cases {
		for _, ext := range []string{".md", ".pcapng", ".dot"} {
			assert.FileExists(t, filepath.Join(dir, c.name+ext))
		}
		md, err := os.ReadFile(filepath.Join(dir, c.name+".md"))
		require.NoError(t, err)
		assert.Contains(t, string(md), filepath.Join(dir, c.file), "%s.md replays its own schedule", c.name)
		assert.Contains(t, string(md), c.name+".pcapng")
	}
}
