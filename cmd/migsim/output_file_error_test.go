package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// flrFindingName is the name of the schedule file (and report files) of
// flrScenario's finding row, draft-2023 with its knobs.
const flrFindingName = "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep"

// A file a command cannot write, under any flag that names an output file
// or directory, is an input error: exit 2 with the path on stderr, never 1
// (a finding or mismatch: README, "Exit codes"). Each flag is tried with a
// path in a directory that cannot exist (below a regular file) and with a
// directory where the command writes a file, whether the command checks
// the path before it runs or finds out when it writes, and, for the
// report files written at the end, with a full disk.
func TestOutputFileErrorsExit2(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "regular-file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	missing := filepath.Join(file, "sub") // a directory that cannot be made
	// dirAt makes a directory named name under a new directory, and
	// returns both.
	dirAt := func(name string) (string, string) {
		d := t.TempDir()
		p := filepath.Join(d, name)
		require.NoError(t, os.MkdirAll(p, 0o755))
		return d, p
	}
	// A schedule file with a finding, for report and trace.
	schedDir := t.TempDir()
	code, _, stderr := runSimCLI(t, "explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
		"--knob", "mode-after-flr=keep", "--no-shrink", "--explain-runs", "0", "--progress", "never", "--out", schedDir)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	schedule := filepath.Join(schedDir, flrFindingName+".json")
	// A scenario file whose --write-regress schedule is a directory.
	user := t.TempDir()
	flrCopy := copyScenario(t, flrScenario, user)
	regressAsDir := filepath.Join(user, flrFindingName+".json")
	require.NoError(t, os.Mkdir(regressAsDir, 0o755))
	reportDir, mdAsDir := dirAt(flrFindingName + ".md")
	reportOut, reportMDAsDir := dirAt(flrFindingName + ".md")
	_, asDir := dirAt("out.json")
	luaOut, luaAsDir := dirAt("migsim.lua")
	runFlr := []string{"run", "--progress", "never", "--spec", "draft-2023"}
	conform := []string{"conform", "--device", "builtin:blk", "--parts", "device", "--budget", "short"}
	for _, tc := range []struct {
		name string
		args []string
		path string // what stderr names
	}{
		{"run --write-regress, a file's schedule a directory", append(runFlr, "--write-regress", flrCopy), regressAsDir},
		{"run --write-regress, --regress-dir below a file", []string{"run", "--write-regress", "--regress-dir", missing, "smoke-migrate"}, missing},
		{"run --report-dir, a report file a directory", append(runFlr, "--report-dir", reportDir, flrScenario), mdAsDir},
		{"run --report-dir below a file", append(runFlr, "--report-dir", missing, flrScenario), missing},
		{"run --report junit=, a missing directory", append(runFlr, "--report", "junit="+filepath.Join(missing, "t.xml"), smokeScenario), missing},
		{"run --report json=, a directory", append(runFlr, "--report", "json="+asDir, smokeScenario), asDir},
		{"run --report text=, a directory", append(runFlr, "--report", "text="+asDir, smokeScenario), asDir},
		{"run --cpuprofile, a directory", append(runFlr, "--cpuprofile", asDir, smokeScenario), asDir},
		{"report --out, a report file a directory", []string{"report", "--explain-runs", "0", "--out", reportOut, schedule}, reportMDAsDir},
		{"report --out below a file", []string{"report", "--out", missing, schedule}, missing},
		{"report --out, the dissector a directory", []string{"report", "--explain-runs", "0", "--out", luaOut, schedule}, luaAsDir},
		{"dissector --out below a file", []string{"dissector", "--out", filepath.Join(missing, "migsim.lua")}, missing},
		{"dissector --out, a full disk", []string{"dissector", "--out", "/dev/full"}, "/dev/full"},
		{"trace --out, a missing directory", []string{"trace", "--format", "text", "--out", filepath.Join(missing, "t.txt"), schedule}, missing},
		{"trace --out, a directory", []string{"trace", "--format", "text", "--out", asDir, schedule}, asDir},
		{"explore --out below a file", []string{"explore", "--scenario", smokeScenario, "--progress", "never", "--out", missing}, missing},
		{"merge --out below a file", []string{"merge", "--out", missing, schedDir}, missing},
		{"gen --out below a file", []string{"gen", "--count", "1", "--out", missing}, missing},
		{"conform --report json=, a missing directory", append(conform, "--report", "json="+filepath.Join(missing, "c.json")), missing},
		{"conform --report junit=, a directory", append(conform, "--report", "junit="+asDir), asDir},
		{"conform --replay-dir below a file", []string{"conform", "--device", "builtin:blk", "--parts", "rows", "--budget", "short", "--replay-dir", missing}, missing},
		{"conform --transcript, a directory", []string{"conform", "--device", "exec:/bin/true", "--transcript", asDir}, asDir},
		// A full disk: /dev/full opens and refuses every write.
		{"run --report json=, a full disk", append(runFlr, "--report", "json=/dev/full", smokeScenario), "/dev/full"},
		{"conform --report json=, a full disk", append(conform, "--report", "json=/dev/full"), "/dev/full"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.path == "/dev/full" {
				if _, err := os.Stat("/dev/full"); err != nil {
					t.Skipf("no /dev/full: %v", err)
				}
			}
			code, _, stderr := runSimCLI(t, tc.args...)
			assert.Equal(t, cmdbase.ExitUsage, code, stderr)
			assert.Contains(t, stderr, tc.path)
		})
	}
}
