package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestConform_TranscriptTagsProcesses: --transcript with --procs above 1
// tags every line with its process ("pN kit> ", "pN dev> "), since the
// lines of several processes interleave; with --procs 1 the lines are
// untagged, one process's after another's.
func TestConform_TranscriptTagsProcesses(t *testing.T) {
	extblk := buildProgram(t, "../../examples/extblk", "extblk")
	tests := []struct {
		procs string
		line  *regexp.Regexp
	}{
		{"1", regexp.MustCompile(`^(kit|dev)> \{"id":\d+,`)},
		{"2", regexp.MustCompile(`^p[1-9]\d* (kit|dev)> \{"id":\d+,`)},
	}
	for _, tc := range tests {
		t.Run("procs "+tc.procs, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "transcript")
			code, out, stderr := runSimCLI(t, "conform", "--device", "exec:"+extblk, "--parts", "device",
				"--procs", tc.procs, "--transcript", file)
			require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
			require.Greater(t, len(lines), 100, "the device tests exchange many lines")
			for _, l := range lines {
				if !tc.line.MatchString(l) {
					require.Failf(t, "a transcript line without the expected form", "%s: %q", tc.line, l)
				}
			}
		})
	}
}
