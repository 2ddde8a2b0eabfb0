package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
)

// TestScheduleStepBound: a run cut by --max-steps is reported as such.
// explore's step-bound finding has the step-bound impact (not
// guest-visible); its schedule replays at the bound it was recorded with
// and refuses another; a schedule longer than --max-steps is refused up
// front by every command that replays one, instead of being cut and
// reported as diverged or as a finding. explore names the admin commands
// of the slice's steps from the run recorded at its own bound.
func TestScheduleStepBound(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "explore", "--scenario", "flr-during-freeze", "--spec", "virtio-1.4",
		"--schedules", "2", "--max-steps", "150", "--progress", "never", "--out", dir)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	assert.Contains(t, out, "step bound 150 exceeded")
	assert.Contains(t, out, "impact: step-bound (the run did not end within its step bound")
	assert.NotContains(t, out, "guest-visible")
	assert.NotContains(t, out, "requirements:", "a cut run broke no requirement that can be told")
	assert.NotContains(t, out, "are not named", "the slice's admin commands come from the run recorded at its own bound")
	assert.Contains(t, out, "  slice: ")
	cut := filepath.Join(dir, "flr-during-freeze_virtio-1.4.json")
	require.FileExists(t, cut)
	rdir := t.TempDir()
	code, _, stderr = runSimCLI(t, "report", "--out", rdir, cut)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	md, err := os.ReadFile(filepath.Join(rdir, "flr-during-freeze_virtio-1.4.md"))
	require.NoError(t, err)
	assert.Contains(t, string(md), "**Step bound reached** after step 150")
	assert.NotContains(t, string(md), "**Violation of")
	assert.NotContains(t, string(md), "**broken**")
	long := "../../catalog/testdata/regress/flr-during-freeze_virtio-1.4.json" // 179 steps

	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"a step-bound schedule replays at its own bound", []string{"replay", cut}, cmdbase.ExitFinding, "(matches the recording)"},
		{"and says what the bound means", []string{"replay", cut}, cmdbase.ExitFinding, "impact: step-bound"},
		{"another bound is refused", []string{"replay", "--max-steps", "160", cut}, cmdbase.ExitUsage,
			"--max-steps 160: the schedule ends at its step bound of 150 steps"},
		{"replay below the schedule's length", []string{"replay", "--max-steps", "172", long}, cmdbase.ExitUsage,
			"--max-steps 172 is below the schedule's 179 steps"},
		{"trace below the schedule's length", []string{"trace", "--max-steps", "100", long}, cmdbase.ExitUsage,
			"--max-steps 100 is below the schedule's 179 steps"},
		{"report below the schedule's length", []string{"report", "--max-steps", "100", "--out", t.TempDir(), long}, cmdbase.ExitUsage,
			"--max-steps 100 is below the schedule's 179 steps"},
		{"the schedule's own length is enough", []string{"replay", "--max-steps", "179", long}, cmdbase.ExitFinding, "(matches the recording)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, tc.args...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, stderr)
			assert.Contains(t, out+stderr, tc.want)
		})
	}
}

// TestConformReplayStepBound: conform --replay replays a step-bound
// schedule at the bound it was recorded with, so the reference device
// reproduces it instead of being blamed for a divergence.
func TestConformReplayStepBound(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runSimCLI(t, "explore", "--scenario", "flr-during-freeze", "--spec", "virtio-1.4",
		"--schedules", "2", "--max-steps", "150", "--progress", "never", "--out", dir)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	cut := filepath.Join(dir, "flr-during-freeze_virtio-1.4.json")
	code, out, stderr := runSimCLI(t, "conform", "--device", "builtin:blk", "--replay", cut)
	assert.NotContains(t, stderr, "does not replay", "stdout: %s", out)
	assert.Contains(t, out, "step bound 150 exceeded")
	assert.Equal(t, cmdbase.ExitFinding, code, stderr)
}

// TestScheduleMaxSteps: the bound each kind of schedule replays under,
// with and without --max-steps.
func TestScheduleMaxSteps(t *testing.T) {
	bound := &engine.Finding{Oracle: engine.OracleLive, Message: "step bound 150 exceeded"}
	for _, tc := range []struct {
		name    string
		steps   int
		finding *engine.Finding
		flag    string // --max-steps as given; empty: not given
		want    int
		err     string
	}{
		{"default bound", 178, nil, "", 200_000, ""},
		{"longer than the default", 300_000, nil, "", 300_000, ""},
		{"a bound that fits", 178, nil, "178", 178, ""},
		{"a bound that cuts", 178, nil, "172", 0, "--max-steps 172 is below the schedule's 178 steps"},
		{"step bound: its own", 150, bound, "", 150, ""},
		{"step bound: the same given", 150, bound, "150", 150, ""},
		{"step bound: another", 150, bound, "160", 0, "the schedule ends at its step bound of 150 steps"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
			maxSteps := fs.Int("max-steps", 200_000, "")
			if tc.flag != "" {
				require.NoError(t, fs.Parse([]string{"--max-steps", tc.flag}))
			}
			got, err := scheduleMaxSteps(fs, &schedfile.Schedule{Steps: tc.steps, Finding: tc.finding}, *maxSteps)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
