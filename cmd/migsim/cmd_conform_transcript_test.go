package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/golden"
)

// TestConform_TranscriptWhateverProcsAndJobs: --transcript runs one
// process per row and one run at a time, whatever --procs and --jobs say,
// so that one command writes the same transcript with any of them: the
// lines are untagged, one process's after another's, and byte-identical.
// With several processes or runs side by side, the request ids, dev
// numbers and drop lists would follow the machine's scheduling. A --procs
// or --jobs other than 1 is noted on stderr.
func TestConform_TranscriptWhateverProcsAndJobs(t *testing.T) {
	extblk := buildProgram(t, "../../examples/extblk", "extblk")
	line := regexp.MustCompile(`^((kit|dev)> \{"id":\d+,|# row kick-during-stop/\S+$)`)
	const note = "--transcript runs one process and one run at a time"
	tests := []struct {
		name  string
		flags []string
		noted bool
	}{
		{"procs 1 jobs 1", []string{"--procs", "1", "--jobs", "1"}, false},
		{"jobs 2", []string{"--procs", "1", "--jobs", "2"}, true},
		{"procs 2 jobs 2", []string{"--procs", "2", "--jobs", "2"}, true},
		{"procs 2", []string{"--procs", "2"}, true},
		{"the defaults", nil, false},
	}
	if testing.Short() {
		// The race detector's run (-short): the forced serial run is the
		// same code whatever the flags; one pair of flag sets compares it.
		tests = []struct {
			name  string
			flags []string
			noted bool
		}{tests[0], tests[2]}
	}
	var first string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "transcript")
			args := append([]string{"conform", "--budget", "short", "--scenario", "kick-during-stop", "--replay-dir", t.TempDir(),
				"--device", "exec:" + extblk, "--parts", "rows", "--transcript", file}, tc.flags...)
			code, out, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
			assert.Equal(t, tc.noted, strings.Contains(stderr, note), "stderr notes the flags it overrides: %s", stderr)
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			got := string(b)
			lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
			require.Greater(t, len(lines), 1000, "the rows' explorations exchange many lines")
			for _, l := range lines {
				if !line.MatchString(l) {
					require.Failf(t, "a transcript line without the expected form", "%s: %q", line, l)
				}
			}
			require.Contains(t, got, `"op":"event","dev":`, "the runs' events are in the transcript")
			require.Contains(t, got, "# row kick-during-stop/virtio-1.4\nkit> {\"id\":1,\"op\":\"hello\"", "a row's lines follow its name")
			if first == "" {
				first = got
				return
			}
			if l, a, b := golden.FirstDifferentLine(first, got); l > 0 {
				t.Errorf("the transcript differs from --procs 1 --jobs 1's (%d and %d bytes) first at line %d:\n%s\n%s", len(first), len(got), l, a, b)
			}
		})
	}
}
