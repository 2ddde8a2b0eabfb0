package main

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestScheduleStepBound: a run cut by --max-steps is reported as such.
// explore's step-bound finding has the step-bound impact (not
// guest-visible); its schedule replays at the bound it was recorded with
// and refuses another; a schedule longer than --max-steps is refused up
// front by every command that replays one, instead of being cut and
// reported as diverged or as a finding.
func TestScheduleStepBound(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "explore", "--scenario", "flr-during-freeze", "--spec", "virtio-1.4",
		"--schedules", "2", "--max-steps", "150", "--progress", "never", "--out", dir)
	require.Equal(t, exitFinding, code, stderr)
	assert.Contains(t, out, "step bound 150 exceeded")
	assert.Contains(t, out, "impact: step-bound (the run did not end within its step bound")
	assert.NotContains(t, out, "guest-visible")
	cut := filepath.Join(dir, "flr-during-freeze_virtio-1.4.json")
	require.FileExists(t, cut)
	long := "../../catalog/testdata/regress/flr-during-freeze_virtio-1.4.json" // 178 steps

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a step-bound schedule replays at its own bound", []string{"replay", cut}, exitFinding, "(matches the recording)"},
		{"and says what the bound means", []string{"replay", cut}, exitFinding, "impact: step-bound"},
		{"another bound is refused", []string{"replay", "--max-steps", "160", cut}, exitUsage,
			"--max-steps 160: the schedule ends at its step bound of 150 steps"},
		{"replay below the schedule's length", []string{"replay", "--max-steps", "172", long}, exitUsage,
			"--max-steps 172 is below the schedule's 178 steps"},
		{"trace below the schedule's length", []string{"trace", "--max-steps", "100", long}, exitUsage,
			"--max-steps 100 is below the schedule's 178 steps"},
		{"report below the schedule's length", []string{"report", "--max-steps", "100", "--out", t.TempDir(), long}, exitUsage,
			"--max-steps 100 is below the schedule's 178 steps"},
		{"the schedule's own length is enough", []string{"replay", "--max-steps", "178", long}, exitFinding, "(matches the recording)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, stderr)
			assert.Contains(t, out+stderr, tc.want)
		})
	}
}
