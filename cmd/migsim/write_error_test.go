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
)

// errDiskFull is what a full disk answers a write.
var errDiskFull = errors.New("no space left on device")

// fullWriter fails every write, as stdout on a full disk does.
type fullWriter struct{}

func (fullWriter) Write([]byte) (int, error) { return 0, errDiskFull }

// Output that cannot be written is what `migsim help exit` says it is for
// the commands whose job is to print: exit 1 ("bench, decode, oracles and
// spec exit 1 only when their output cannot be written or a run fails"),
// as compat and trace do, with the error on stderr; never 0, and never 2,
// which is a usage or input error.
func TestOutputWriteErrorExits1(t *testing.T) {
	compatDir := filepath.Join("..", "..", "docs", "examples", "compat")
	for _, tc := range []struct {
		name string
		args []string
		want string // the stderr line's prefix
	}{
		{"spec text", []string{"spec"}, "migsim spec: write: "},
		{"spec json", []string{"spec", "--format", "json"}, "migsim spec: write: "},
		{"spec dot", []string{"spec", "--format", "dot"}, "migsim spec: write: "},
		{"spec ID", []string{"spec", "DP-DEV-09"}, "migsim spec: write: "},
		{"oracles text", []string{"oracles"}, "migsim oracles: write: "},
		{"oracles json", []string{"oracles", "--format", "json"}, "migsim oracles: write: "},
		{"oracles markdown", []string{"oracles", "--format", "markdown"}, "migsim oracles: write: "},
		{"decode text", []string{"decode", hexPartsGetAll}, "migsim decode: write: "},
		{"decode json", []string{"decode", "--format", "json", hexPartsGetAll}, "migsim decode: write: "},
		{"compat", []string{"compat", filepath.Join(compatDir, "src-net-v3.json"), filepath.Join(compatDir, "dst-net-1.5.json")}, "migsim compat: write: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr strings.Builder
			code := run(tc.args, strings.NewReader(""), fullWriter{}, &stderr)
			assert.Equal(t, exitFinding, code, stderr.String())
			assert.True(t, strings.HasPrefix(stderr.String(), tc.want), "stderr %q", stderr.String())
			assert.Contains(t, stderr.String(), errDiskFull.Error())
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one line: %q", stderr.String())
		})
	}
}

// The same through a real full device: /dev/full answers every write
// with ENOSPC.
func TestOutputToDevFullExits1(t *testing.T) {
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
		assert.Equal(t, exitFinding, ee.ExitCode(), "%v: %s", args, stderr.String())
		assert.Contains(t, stderr.String(), "migsim "+args[0]+": write: ", args)
		assert.Contains(t, stderr.String(), "no space left on device", args)
	}
}

// finish turns a command's success into exit 1 when its output could not
// be written, with one line on stderr; any other status stays as the
// command returned it (its own message said why).
func TestFinish(t *testing.T) {
	for _, tc := range []struct {
		code     int
		writeErr error
		want     int
		stderr   string
	}{
		{exitOK, nil, exitOK, ""},
		{exitOK, errDiskFull, exitFinding, "migsim: write stdout: no space left on device\n"},
		{exitFinding, errDiskFull, exitFinding, ""},
		{exitUsage, errDiskFull, exitUsage, ""},
		{exitInterrupted, errDiskFull, exitInterrupted, ""},
		{exitFinding, nil, exitFinding, ""},
	} {
		var stderr strings.Builder
		assert.Equal(t, tc.want, finish(tc.code, tc.writeErr, &stderr), "%d, %v", tc.code, tc.writeErr)
		assert.Equal(t, tc.stderr, stderr.String(), "%d, %v", tc.code, tc.writeErr)
	}
}

// Commands that print without checking each write (version, help, the
// catalog's list, a command's --help) exit 1 too when stdout is full,
// never 0: main sees the write fail.
func TestOutputToDevFull_EveryCommandExits1(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("no /dev/full: %v", err)
	}
	bin := migsimBinary(t)
	for _, args := range [][]string{{"version"}, {"--version"}, {"help", "exit"}, {"help", "flags"}, {"run", "--list"}, {"spec", "--help"}, {"--help"}} {
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
		assert.Equal(t, exitFinding, ee.ExitCode(), "%v: %s", args, stderr.String())
		assert.Equal(t, "migsim: write stdout: write /dev/stdout: no space left on device\n", stderr.String(), args)
	}
}
