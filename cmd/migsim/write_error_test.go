package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// errDiskFull is what a full disk answers a write.
var errDiskFull = errors.New("no space left on device")

// fullWriter fails every write, as stdout on a full disk does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// Output that cannot be written is an error, exit 2, for every command
// (`migsim help exit`), whatever the command found: 0 (nothing found, the
// output printed), 1 (a finding, an incompatible pair, a diverging replay)
// and the commands that check their writes themselves alike, with the
// error on stderr. A batch script that takes 1 for a finding must not take
// a lost report for one. runChecked is main with stdout replaced.
func TestOutputWriteErrorExits2(t *testing.T) {
	compatDir := filepath.Join("..", "..", "docs", "examples", "compat")
	dir := t.TempDir()
	finding := []string{"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
		"--knob", "mode-after-flr=keep", "--no-shrink", "--explain-runs", "0", "--progress", "never"}
	code, _, stderr := runSimCLI(t, append(finding, "--out", dir)...)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	schedule := filepath.Join(dir, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json")
	shardDir := filepath.Join(dir, "shard")
	code, _, stderr = runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--shard", "0/1", "--progress", "never", "--out", shardDir)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	for _, tc := range []struct {
		name string
		args []string
		// written is the status with stdout written: what exit 2 replaces.
		written int
		want    string // on stderr
	}{
		{"version", []string{"version"}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"dissector", []string{"dissector"}, cmdbase.ExitOK, "migsim dissector: write: "},
		{"help exit", []string{"help", "exit"}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"--help", []string{"--help"}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"spec text", []string{"spec"}, cmdbase.ExitOK, "migsim spec: write: "},
		{"spec json", []string{"spec", "--format", "json"}, cmdbase.ExitOK, "migsim spec: write: "},
		{"spec dot", []string{"spec", "--format", "dot"}, cmdbase.ExitOK, "migsim spec: write: "},
		{"spec ID", []string{"spec", "DP-DEV-09"}, cmdbase.ExitOK, "migsim spec: write: "},
		{"oracles text", []string{"oracles"}, cmdbase.ExitOK, "migsim oracles: write: "},
		{"oracles json", []string{"oracles", "--format", "json"}, cmdbase.ExitOK, "migsim oracles: write: "},
		{"oracles markdown", []string{"oracles", "--format", "markdown"}, cmdbase.ExitOK, "migsim oracles: write: "},
		{"decode text", []string{"decode", hexPartsGetAll}, cmdbase.ExitOK, "migsim decode: write: "},
		{"decode json", []string{"decode", "--format", "json", hexPartsGetAll}, cmdbase.ExitOK, "migsim decode: write: "},
		{"compat compatible", []string{"compat", filepath.Join(compatDir, "src-net-v3.json"), filepath.Join(compatDir, "dst-net-1.5.json")}, cmdbase.ExitOK, "migsim compat: write: "},
		{"compat incompatible", []string{"compat", filepath.Join(compatDir, "src-net-v3.json"), filepath.Join(compatDir, "dst-blk.json")}, cmdbase.ExitFinding, "migsim compat: write: "},
		{"run list", []string{"run", "--list"}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"run", []string{"run", "--progress", "never", smokeScenario}, cmdbase.ExitOK, "migsim run: write table: "},
		{"run json", []string{"run", "--progress", "never", "--format", "json", smokeScenario}, cmdbase.ExitOK, "migsim run: "},
		{"explore nothing found", []string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--progress", "never", "--out", t.TempDir()}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"explore a finding", append(finding, "--out", t.TempDir()), cmdbase.ExitFinding, "migsim: write stdout: "},
		{"explore a shard", []string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--shard", "0/1", "--progress", "never", "--out", shardDir}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"merge", []string{"merge", "--out", t.TempDir(), shardDir}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"replay a finding", []string{"replay", schedule}, cmdbase.ExitFinding, "migsim: write stdout: "},
		{"trace", []string{"trace", "--format", "text", schedule}, cmdbase.ExitOK, "migsim trace: write: "},
		{"report", []string{"report", "--out", t.TempDir(), schedule}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"gen", []string{"gen", "--count", "1", "--out", t.TempDir()}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"bench", []string{"bench", "--seconds", "0", "--schedules", "10"}, cmdbase.ExitOK, "migsim: write stdout: "},
		{"conform list", []string{"conform", "--list"}, cmdbase.ExitOK, "migsim: write stdout: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, stderr strings.Builder
			require.Equal(t, tc.written, runChecked(tc.args, strings.NewReader(""), &out, &stderr), "written: %s", stderr.String())
			require.NotEmpty(t, out.String())
			stderr.Reset()
			code := runChecked(tc.args, strings.NewReader(""), fullWriter{}, &stderr)
			assert.Equal(t, cmdbase.ExitUnwritten, code, stderr.String())
			assert.Contains(t, stderr.String(), tc.want)
			assert.Contains(t, stderr.String(), errDiskFull.Error())
		})
	}
}

// The same through a real full device: /dev/full answers every write
// with ENOSPC.
func TestOutputToDevFullExits2(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	require.NoError(t, full.Close())
	bin := migsimBinary(t)
	for _, args := range [][]string{{"spec"}, {"oracles"}, {"decode", hexPartsGetAll}} {
		cmd := exec.Command(bin, args...)
		cmd.Stdout, err = os.OpenFile("/dev/full", os.O_WRONLY, 0)
		require.NoError(t, err)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err = cmd.Run()
		require.NoError(t, cmd.Stdout.(*os.File).Close())
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "%v: %s", args, stderr.String())
		assert.Equal(t, cmdbase.ExitUnwritten, ee.ExitCode(), "%v: %s", args, stderr.String())
		assert.Contains(t, stderr.String(), "migsim "+args[0]+": write: ", args)
		assert.Contains(t, stderr.String(), "no space left on device", args)
	}
}

// finish turns a command's success or finding into exit 2 when its output
// could not be written, with one line on stderr; a usage error or an
// interruption stays as the command returned it (its own message said
// why).
func TestFinish(t *testing.T) {
	for _, tc := range []struct {
		code     int
		writeErr error
		want     int
		stderr   string
	}{
		{cmdbase.ExitOK, nil, cmdbase.ExitOK, ""},
		{cmdbase.ExitOK, errDiskFull, cmdbase.ExitUnwritten, "migsim: write stdout: no space left on device\n"},
		{cmdbase.ExitFinding, errDiskFull, cmdbase.ExitUnwritten, "migsim: write stdout: no space left on device\n"},
		{cmdbase.ExitUsage, errDiskFull, cmdbase.ExitUsage, ""},
		{cmdbase.ExitInterrupted, errDiskFull, cmdbase.ExitInterrupted, ""},
		{cmdbase.ExitFinding, nil, cmdbase.ExitFinding, ""},
	} {
		var stderr strings.Builder
		assert.Equal(t, tc.want, finish(tc.code, tc.writeErr, &stderr), "%d, %v", tc.code, tc.writeErr)
		assert.Equal(t, tc.stderr, stderr.String(), "%d, %v", tc.code, tc.writeErr)
	}
}

// Commands that print without checking each write (version, help, the
// catalog's list, a command's --help, explore) exit 2 too when stdout is
// full, never 0 or 1: main sees the write fail.
func TestOutputToDevFull_EveryCommandExits2(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	bin := migsimBinary(t)
	for _, args := range [][]string{{"version"}, {"--version"}, {"help", "exit"}, {"help", "flags"}, {"run", "--list"}, {"spec", "--help"}, {"--help"},
		{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--progress", "never", "--out", t.TempDir()}} {
		out, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
		require.NoError(t, err)
		cmd := exec.Command(bin, args...)
		cmd.Stdout = out
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err = cmd.Run()
		require.NoError(t, out.Close())
		var ee *exec.ExitError
		require.ErrorAs(t, err, &ee, "%v: %s", args, stderr.String())
		assert.Equal(t, cmdbase.ExitUnwritten, ee.ExitCode(), "%v: %s", args, stderr.String())
		assert.Equal(t, "migsim: write stdout: write /dev/stdout: no space left on device\n", stderr.String(), args)
	}
}
