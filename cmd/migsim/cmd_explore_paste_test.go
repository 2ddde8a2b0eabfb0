package main

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestExplore_PrintedCommandsPaste: the commands explore prints for its
// files (the finding's replay line, --write-run's trace line and the replay
// beside it) are POSIX shell lines: pasted into a shell with an --out
// directory whose name holds a space and a quote, each runs on the file
// written, where the bare path split into several arguments.
func TestExplore_PrintedCommandsPaste(t *testing.T) {
	sh, err := exec.LookPath("sh")
	require.NoError(t, err, "a POSIX shell to paste the commands into (every system migsim's CI runs on has one)")
	dir := filepath.Join(t.TempDir(), "out dir's")
	code, out, stderr := exploreFLR(t, dir, "--no-shrink", "--explain-runs", "0", "--slice-runs", "0", "--write-run", "0")
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	lines := map[string]*regexp.Regexp{
		"replay":         regexp.MustCompile(`(?m)^replay: (.*)$`),
		"trace":          regexp.MustCompile(`(?m)^trace: (.*) \(or .*\)$`),
		"replay --trace": regexp.MustCompile(`(?m)^trace: .* \(or (.*)\)$`),
	}
	for name, re := range lines {
		t.Run(name, func(t *testing.T) {
			m := re.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			// The shell splits the line into the words migsim would get.
			words, err := exec.Command(sh, "-c", `printf '%s\0' `+m[1]).Output()
			require.NoError(t, err, m[1])
			args := strings.Split(strings.TrimSuffix(string(words), "\x00"), "\x00")
			require.Equal(t, "migsim", args[0], m[1])
			require.Equal(t, 1, strings.Count(strings.Join(args, "\x00"), dir), "%q: the path is one word: %q", m[1], args)
			code, _, stderr := runSimCLI(t, args[1:]...)
			assert.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, "%q: %s", m[1], stderr)
		})
	}
}
