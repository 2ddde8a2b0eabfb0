package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestDevice_DiffersOnStdout: replay, trace and report of a schedule
// recorded with one device and replayed with another say so on stdout, in
// conform --replay's words, before what they print of the run: replay
// under its first line, trace as the first line of its text and timeline
// exports (on stdout or in --out's file alike), report before its "wrote"
// line. trace's json and pcapng exports, another tool's input, leave it
// to stderr's note. The recorded device, and the recorded exec program
// with its recorded arguments, print no line and no note.
func TestDevice_DiffersOnStdout(t *testing.T) {
	ref, _ := deviceSchedules(t) // the reference's run, which every device here reproduces
	extblk := buildProgram(t, "../../examples/extblk", "extblk")
	execBug := recordedAs(t, ref, "exec:"+extblk, "--bug")
	const differs = "the device differs from the recording: recorded with "
	devices := []struct {
		name   string
		file   string
		device []string // --device and the device's arguments, which go last
		line   string   // "": the device is the recorded one
	}{
		{"the recorded builtin device", recordedAs(t, ref, builtinBlk), []string{"--device", builtinBlk}, ""},
		{"the recorded exec device and arguments", execBug, []string{"--device", "exec:" + extblk, "--", "--bug"}, ""},
		{"another builtin device", recordedAs(t, ref, mutantDevice), []string{"--device", builtinBlk},
			differs + mutantDevice + ", replayed with builtin:blk\n"},
		{"the exec device with other arguments", execBug, []string{"--device", "exec:" + extblk, "--", "--fixed"},
			differs + "exec:" + extblk + " -- --bug, replayed with exec:" + extblk + " -- --fixed\n"},
	}
	// Each command returns what it printed where the line belongs (the
	// whole stdout, or --out's file), the rest of stdout and whether the
	// line leads what it printed of the run or is left out.
	type printed struct{ where, after string }
	commands := []struct {
		name  string
		args  []string // before the device's
		out   func(t *testing.T, stdout, dir string) printed
		leads bool
	}{
		{"replay", []string{"replay"}, func(t *testing.T, stdout, _ string) printed {
			first, rest, _ := strings.Cut(stdout, "\n")
			assert.True(t, strings.HasPrefix(first, "replay "), "the header first: %s", stdout)
			found, rest, _ := strings.Cut(rest, "\n")
			assert.True(t, strings.HasPrefix(found, "found by: "), "the header's second line says how the file was found: %s", stdout)
			return printed{rest, "no finding\n"}
		}, true},
		{"replay --trace", []string{"replay", "--trace"}, func(t *testing.T, stdout, _ string) printed {
			// Past the header's two lines (found by: …), the first step's line.
			_, rest, _ := strings.Cut(stdout, "\n")
			_, rest, _ = strings.Cut(rest, "\n")
			return printed{rest, "1 t=0s "}
		}, true},
		{"trace text", []string{"trace", "--format", "text"}, func(t *testing.T, stdout, _ string) printed {
			return printed{stdout, "0 t=0s "} // the first event's line
		}, true},
		{"trace timeline", []string{"trace", "--format", "timeline"}, func(t *testing.T, stdout, _ string) printed {
			return printed{stdout, "mode timeline, steps 0-"}
		}, true},
		{"trace text --out", []string{"trace", "--format", "text", "--out", "OUT/trace.txt"}, func(t *testing.T, stdout, dir string) printed {
			assert.Empty(t, stdout)
			b, err := os.ReadFile(filepath.Join(dir, "trace.txt"))
			require.NoError(t, err)
			return printed{string(b), "0 t=0s "}
		}, true},
		{"trace --without-migration", []string{"trace", "--format", "text", "--without-migration"}, func(t *testing.T, stdout, _ string) printed {
			return printed{stdout, "without migration: scenario "}
		}, true},
		{"trace json", []string{"trace", "--format", "json"}, func(t *testing.T, stdout, _ string) printed {
			return printed{stdout, "{\n"}
		}, false},
		{"trace pcapng", []string{"trace", "--format", "pcapng"}, func(t *testing.T, stdout, _ string) printed {
			return printed{stdout, "\x0a\x0d\x0d\x0a"} // a section header block
		}, false},
		{"report", []string{"report", "--explain-runs", "0", "--out", "OUT"}, func(t *testing.T, stdout, _ string) printed {
			return printed{stdout, "wrote "}
		}, true},
	}
	for _, c := range commands {
		for _, d := range devices {
			t.Run(c.name+"/"+d.name, func(t *testing.T) {
				dir := t.TempDir()
				var args []string
				for _, a := range c.args {
					args = append(args, strings.Replace(a, "OUT", dir, 1))
				}
				args = append(append(args, d.file), d.device...)
				code, stdout, stderr := runSimCLI(t, args...)
				require.Equal(t, cmdbase.ExitOK, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
				p := c.out(t, stdout, dir)
				want := p.after
				if c.leads {
					want = d.line + p.after
				}
				assert.True(t, strings.HasPrefix(p.where, want), "want %q first:\n%.400q", want, p.where)
				if !c.leads || d.line == "" {
					assert.NotContains(t, stdout, "the device differs", "stdout:\n%s", stdout)
				}
				if d.line == "" {
					assert.NotContains(t, stderr, "was recorded with")
				} else {
					assert.Contains(t, stderr, " was recorded with ", "stderr's note says it whatever the format")
				}
			})
		}
	}
}
