package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// shell runs a command line in dir with sh and returns its stdout and
// stderr.
func shell(t *testing.T, dir, line string) (string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, &out, &errb
	require.NoError(t, cmd.Run(), "%s: %s", line, errb.String())
	return out.String(), errb.String()
}

// tsharkQuiet reports whether tshark's stderr holds nothing but the
// warning it prints when run as root: no Lua error, no missing file.
func tsharkQuiet(stderr string) bool {
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if l != "" && !strings.HasPrefix(l, "Running as user \"root\"") {
			return false
		}
	}
	return true
}

// TestReport_TsharkLineWorksOutsideTheRepository: the binary carries the
// Wireshark dissector. In a directory outside the source tree, the
// report's tshark command, pasted as it is, decodes the report's pcapng
// with the dissector migsim report wrote beside it; migsim dissector
// writes the same file, docs/migsim.lua byte for byte, and tshark decodes
// the trace with it as well.
func TestReport_TsharkLineWorksOutsideTheRepository(t *testing.T) {
	tshark := requiredTool(t, "tshark", "MIGSIM_REQUIRE_TSHARK", "the report's tshark line is not run (apt-get install tshark)")
	bin := migsimBinary(t)
	dir := t.TempDir()
	b, err := os.ReadFile(canonicalFinding)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "finding.json"), b, 0o644))
	out, _ := shell(t, dir, bin+" report finding.json --out findings")
	assert.Contains(t, out, "wrote findings/migsim.lua\n")
	md, err := os.ReadFile(filepath.Join(dir, "findings", "finding.md"))
	require.NoError(t, err)
	var line string
	for _, l := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(l, "tshark ") {
			line = l
		}
	}
	require.Equal(t, "tshark -N n -X lua_script:findings/migsim.lua -r findings/finding.pcapng -Y 'migsim.kind == 6 || migsim.kind == 7'", line)
	decoded, stderr := shell(t, dir, strings.Replace(line, "tshark", tshark, 1))
	assert.True(t, tsharkQuiet(stderr), "tshark's stderr: %s", stderr)
	assert.Contains(t, decoded, " MIGSIM ")
	assert.Contains(t, decoded, "admin hv -> src.pf: LIST_QUERY SR-IOV member 0: OK")

	want, err := os.ReadFile("../../docs/migsim.lua")
	require.NoError(t, err)
	beside, err := os.ReadFile(filepath.Join(dir, "findings", "migsim.lua"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(beside))
	shell(t, dir, bin+" dissector --out mine.lua")
	mine, err := os.ReadFile(filepath.Join(dir, "mine.lua"))
	require.NoError(t, err)
	assert.Equal(t, string(want), string(mine))
	stdout, _ := shell(t, dir, bin+" dissector")
	assert.Equal(t, string(want), stdout)
	again, stderr := shell(t, dir, strings.Replace(strings.Replace(line, "findings/migsim.lua", "mine.lua", 1), "tshark", tshark, 1))
	assert.True(t, tsharkQuiet(stderr), "tshark's stderr: %s", stderr)
	assert.Equal(t, decoded, again)
}
