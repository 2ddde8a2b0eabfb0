package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/writecheck"
	"github.com/migsim/migsim/spec"
)

// TestTrace_BinaryNotToTerminal: trace refuses to write a binary format
// to a terminal (exit 2, before the run) and says how to write it; text
// formats go to a terminal, and binary goes to a file, a redirect to the
// null device or --out. A pseudo-terminal's master (/dev/ptmx) stands in
// for the terminal.
func TestTrace_BinaryNotToTerminal(t *testing.T) {
	path, _ := traceSchedule(t, "trace-smoke.scn", spec.Draft2023, nil, 3, traceRandomChooser(3))
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	require.NoError(t, err)
	defer tty.Close()
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	defer null.Close()
	file, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
	require.NoError(t, err)
	defer file.Close()
	out := filepath.Join(t.TempDir(), "run.pcapng")
	cases := []struct {
		name   string
		stdout *os.File
		args   []string
		code   int
		stderr string
	}{
		{"pcapng to a terminal", tty, []string{"--format", "pcapng"}, cmdbase.ExitUsage,
			"migsim trace: --format pcapng is binary and stdout is a terminal: write it to a file with --out FILE or a redirect (> FILE)\nrun 'migsim trace --help' for usage\n"},
		{"pcapng with --out", tty, []string{"--format", "pcapng", "--out", out}, cmdbase.ExitOK, "wrote " + out + " (pcapng)"},
		{"pcapng to a file", file, []string{"--format", "pcapng"}, cmdbase.ExitOK, ""},
		{"pcapng to the null device", null, []string{"--format", "pcapng"}, cmdbase.ExitOK, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stderr bytes.Buffer
			code := run(append([]string{"trace", path}, c.args...), strings.NewReader(""), c.stdout, &stderr)
			assert.Equal(t, c.code, code, stderr.String())
			if c.stderr == "" {
				assert.Empty(t, stderr.String())
			} else {
				assert.Contains(t, stderr.String(), c.stderr)
			}
		})
	}
	// Text goes to a terminal (not run here: nothing reads the terminal's
	// other side, and the writes would block once its buffer is full).
	for _, f := range []string{"text", "json", "mermaid", "timeline", "gantt", "dot"} {
		assert.False(t, binaryToTerminal(tty, f), f)
	}
	assert.True(t, binaryToTerminal(tty, "pcapng"))
	// main hands the commands stdout wrapped (writecheck): the terminal
	// is still seen through it.
	assert.True(t, binaryToTerminal(writecheck.New(tty), "pcapng"))
	assert.False(t, binaryToTerminal(writecheck.New(null), "pcapng"))
	assert.False(t, binaryToTerminal(writecheck.New(file), "pcapng"))
	assert.False(t, binaryToTerminal(writecheck.New(tty), "text"))
	st, err := file.Stat()
	require.NoError(t, err)
	assert.Positive(t, st.Size(), "the pcapng went to the file")
}
