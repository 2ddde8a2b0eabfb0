package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestOutDir_CreatedOnlyToWrite: explore, report and gen check their --out
// directory (run its --report-dir) before any work but create it only when there is a file to
// write, so that a run stopped by bad input (a flag value, a scenario, a
// schedule file) or one that finds nothing leaves no empty directory
// behind; a run that writes creates it (missing parents included).
func TestOutDir_CreatedOnlyToWrite(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		flag    string // the directory's flag; "" for --out
		args    []string
		code    int
		created bool
	}{
		{"explore: a --write-run outside the exploration", "", []string{"explore", "--scenario", smokeScenario, "--schedules", "2", "--write-run", "9"}, cmdbase.ExitUsage, false},
		{"explore: a --max-steps too small for the run", "", []string{"explore", "--scenario", smokeScenario, "--max-steps", "3"}, cmdbase.ExitUsage, false},
		{"explore: a scenario the catalog lacks", "", []string{"explore", "--scenario", "no-such-scenario"}, cmdbase.ExitUsage, false},
		{"explore: nothing found, nothing written", "", []string{"explore", "--scenario", smokeScenario, "--schedules", "2", "--explain-runs", "0"}, cmdbase.ExitOK, false},
		{"explore: a finding's schedule", "", []string{"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
			"--knob", "mode-after-flr=keep", "--strategy", "pct", "--schedules", "100", "--seed", "1", "--no-shrink", "--explain-runs", "0"}, cmdbase.ExitFinding, true},
		{"explore: --write-run's run", "", []string{"explore", "--scenario", smokeScenario, "--schedules", "1", "--write-run", "0", "--explain-runs", "0"}, cmdbase.ExitOK, true},
		{"report: a schedule file that does not load", "", []string{"report", bad}, cmdbase.ExitUsage, false},
		{"report: the report's files", "", []string{"report", canonicalFinding, "--explain-runs", "0"}, cmdbase.ExitOK, true},
		{"gen: the scenarios", "", []string{"gen", "--count", "1", "--seed", "1"}, cmdbase.ExitOK, true},
		{"run: a scenario that does not load", "--report-dir", []string{"run", "no-such.scn", "--progress", "never"}, cmdbase.ExitUsage, false},
		{"run: no row with a finding", "--report-dir", []string{"run", smokeScenario, "--spec", "draft-2023", "--progress", "never"}, cmdbase.ExitOK, false},
		{"run: a finding's report", "--report-dir", []string{"run", flrScenario, "--spec", "draft-2023", "--progress", "never"}, cmdbase.ExitOK, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "new", "out")
			flag := tc.flag
			if flag == "" {
				flag = "--out"
			}
			args := append(append([]string{}, tc.args...), flag, out)
			if args[0] == "explore" {
				args = append(args, "--progress", "never")
			}
			code, stdout, stderr := runSimCLI(t, args...)
			assert.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			_, err := os.Stat(out)
			if tc.created {
				assert.NoError(t, err, "the run wrote under --out")
			} else {
				assert.ErrorIs(t, err, os.ErrNotExist, "the run wrote nothing: --out stays uncreated")
				_, err = os.Stat(filepath.Dir(out))
				assert.ErrorIs(t, err, os.ErrNotExist, "nor any of its missing parents")
			}
		})
	}
}
