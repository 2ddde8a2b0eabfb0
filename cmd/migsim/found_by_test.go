package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
)

// foundByLine is replay's line that says how the schedule was found.
var foundByLine = regexp.MustCompile(`(?m)^found by: (.*)$`)

// TestReplay_FoundByFindsTheSchedule: the command replay prints under
// "found by:" runs again the exploration that found the file: run (with
// another --out), it writes the same file, byte for byte (the same trace
// hash and choices, and the same exploration), for a pct finding of a
// scenario file kept as found, a random one with a step bound and a shrink
// bound that are not the defaults, and a dfs one under dpor.
func TestReplay_FoundByFindsTheSchedule(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want []string // in the printed command
	}{
		{"pct", []string{"--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep",
			"--strategy", "pct", "--depth", "2", "--schedules", "60", "--seed", "1", "--no-shrink"},
			[]string{filepath.FromSlash("/testdata/sim/flr-freeze.scn --spec"), "--strategy pct --depth 2 --schedules 60 --seed 1", "--no-shrink"}},
		{"random", []string{"--scenario", "flr-during-freeze", "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep",
			"--strategy", "random", "--schedules", "40", "--seed", "7", "--max-steps", "5000", "--shrink-replays", "40"},
			[]string{"--strategy random --schedules 40 --seed 7 --max-steps 5000 --shrink-replays 40"}},
		{"dfs", []string{"--scenario", "flr-during-freeze", "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep",
			"--strategy", "dfs", "--bound", "1", "--reduction", "dpor", "--schedules", "30", "--seed", "3"},
			[]string{"--strategy dfs --bound 1 --reduction dpor --states=false --schedules 30 --seed 3"}},
	}
	quick := []string{"--jobs", "1", "--progress", "never", "--explain-runs", "0", "--slice-runs", "0"}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			first, again := t.TempDir(), t.TempDir() // siblings: a scenario file's relative path is the same from both
			code, out, stderr := runSimCLI(t, append(append([]string{"explore", "--out", first}, quick...), c.args...)...)
			require.Equal(t, cmdbase.ExitFinding, code, stderr)
			m := replayLine.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			path := m[1]

			code, out, stderr = runSimCLI(t, "replay", path)
			require.Equal(t, cmdbase.ExitFinding, code, stderr)
			fb := foundByLine.FindStringSubmatch(out)
			require.NotNil(t, fb, out)
			for _, w := range c.want {
				assert.Contains(t, fb[1], w)
			}
			words := shellWords(fb[1])
			require.Greater(t, len(words), 2, fb[1])
			require.Equal(t, []string{"migsim", "explore"}, words[:2])
			code, out, stderr = runSimCLI(t, append(append(words[1:], "--out", again), quick...)...)
			require.Equal(t, cmdbase.ExitFinding, code, stderr)
			m = replayLine.FindStringSubmatch(out)
			require.NotNil(t, m, out)
			require.Equal(t, filepath.Base(path), filepath.Base(m[1]))

			want, err := schedfile.ReadFile(path)
			require.NoError(t, err)
			got, err := schedfile.ReadFile(m[1])
			require.NoError(t, err)
			assert.Equal(t, want.TraceHash, got.TraceHash)
			assert.Equal(t, want.Choices, got.Choices)
			wantBytes, err := os.ReadFile(path)
			require.NoError(t, err)
			gotBytes, err := os.ReadFile(m[1])
			require.NoError(t, err)
			assert.True(t, bytes.Equal(wantBytes, gotBytes), "%s and %s differ", path, m[1])
		})
	}
}

// A file of an older format says that it does not record the exploration
// (testdata/format4: a catalog counterexample as format 4 wrote it).
func TestReplay_FoundByOlderFormat(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "format4", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	code, out, stderr := runSimCLI(t, "replay", files[0])
	require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
	fb := foundByLine.FindStringSubmatch(out)
	require.NotNil(t, fb, out)
	assert.Regexp(t, `^unknown: a schedule file of format 4 records the strategy and base seed of the exploration that found it \((random|pct|dfs), seed \d+\), not the rest of it \(format 5 on\)$`, fb[1])
}

// TestTrace_JSONSaysHowTheScheduleWasFound: trace's JSON report, of the
// schedule's run and of its run without migration alike, has the
// found_by object replay prints under "found by:": the command that
// explores again for a file that records its exploration, and why not
// (no command) for an older one.
func TestTrace_JSONSaysHowTheScheduleWasFound(t *testing.T) {
	older, err := filepath.Glob(filepath.Join("testdata", "format4", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, older)
	cases := []struct {
		name, file string
		command    bool
	}{
		{"format 5", filepath.Join("..", "..", "catalog", "testdata", "regress", "flr-while-stopped_virtio-1.4.json"), true},
		{"format 4", older[0], false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "replay", c.file)
			require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
			fb := foundByLine.FindStringSubmatch(out)
			require.NotNil(t, fb, out)
			for _, args := range [][]string{{"--format", "json"}, {"--format", "json", "--without-migration"}} {
				code, out, stderr := runSimCLI(t, append([]string{"trace", c.file}, args...)...)
				require.Equal(t, cmdbase.ExitOK, code, stderr)
				var doc struct {
					FoundBy *struct {
						Command *string `json:"command"`
						Row     *string `json:"row"`
						Unknown *string `json:"unknown"`
					} `json:"found_by"`
				}
				require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
				require.NotNil(t, doc.FoundBy, "%q: %s", args, out)
				assert.Nil(t, doc.FoundBy.Row, "%q: a row only for a device's counterexample", args)
				if c.command {
					require.NotNil(t, doc.FoundBy.Command, "%q: %s", args, out)
					assert.Nil(t, doc.FoundBy.Unknown, "%q", args)
					assert.True(t, strings.HasPrefix(*doc.FoundBy.Command, "migsim explore --scenario "), *doc.FoundBy.Command)
					assert.Equal(t, fb[1], *doc.FoundBy.Command, "%q: replay's found by", args)
					continue
				}
				require.NotNil(t, doc.FoundBy.Unknown, "%q: %s", args, out)
				assert.Nil(t, doc.FoundBy.Command, "%q", args)
				assert.Equal(t, fb[1], "unknown: "+*doc.FoundBy.Unknown, "%q: replay's found by", args)
			}
		})
	}
}

// shellWords splits a line as a POSIX shell splits the words
// shellquote.Quote writes: plain words, and single-quoted ones whose
// quote is written '\”.
func shellWords(line string) []string {
	var words []string
	var w strings.Builder
	inWord, quoted := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			w.WriteByte(c)
		case c == '\'':
			quoted, inWord = true, true
		case c == '\\' && i+1 < len(line):
			i++
			w.WriteByte(line[i])
			inWord = true
		case c == ' ':
			if inWord {
				words = append(words, w.String())
				w.Reset()
			}
			inWord = false
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}
