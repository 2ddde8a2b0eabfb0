package main

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/spf13/pflag"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/writecheck"
)

// TestRun_Width: --width N fits the text table to N columns, its EXPLORED
// column wrapped onto continuation lines, or, where it would get fewer
// than 40 columns, onto lines of its own under each row; the legend under
// it too. A width too narrow for a row's other columns gets them as
// narrow as they get (71 columns here), EXPLORED and the legend still at
// N. --width 0 is the table a pipe gets, as is a run whose stdout is no
// terminal, whatever COLUMNS says.
func TestRun_Width(t *testing.T) {
	_, plain, _ := sharedCLI("run", smokeScenario)
	for _, tc := range []struct {
		name    string
		args    []string
		columns string
		width   int  // 0: the unwrapped table
		stacked bool // EXPLORED under each row
		table   int  // the table's width: at most this, less than 5 less
	}{
		{"--width 130: EXPLORED wraps in its column", []string{"--width", "130"}, "", 130, false, 130},
		{"--width 100: EXPLORED under each row", []string{"--width", "100"}, "", 100, true, 100},
		{"--width=85", []string{"--width=85"}, "", 85, true, 85},
		{"--width 60: the rows too wide, EXPLORED fits", []string{"--width", "60"}, "", 60, true, 71},
		{"--width 0", []string{"--width", "0"}, "", 0, false, 0},
		{"stdout is not a terminal", nil, "70", 0, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("COLUMNS", tc.columns)
			code, out, stderr := runSimCLI(t, append(append([]string{"run", "--progress", "never"}, tc.args...), smokeScenario)...)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			if tc.width == 0 {
				assert.Equal(t, plain, out)
				return
			}
			table, notes, ok := strings.Cut(out, "\n\n")
			require.True(t, ok, out)
			lines := strings.Split(table, "\n")
			heading := []string{"Q", "SCENARIO", "EDITION", "KNOBS", "EXPECTED", "GOT", "ORACLE", "IMPACT", "EXPLORED"}
			explored := strings.Index(lines[0], "EXPLORED")
			if tc.stacked {
				assert.Equal(t, heading[:len(heading)-1], strings.Fields(lines[0]))
				assert.Equal(t, "       EXPLORED", lines[1], "stacked: EXPLORED's heading under SCENARIO's")
				explored, lines = 7, append(lines[:1], lines[2:]...)
			} else {
				assert.Equal(t, heading, strings.Fields(lines[0]))
			}
			continued := 0
			widest := 0
			for _, l := range lines {
				widest = max(widest, len(l))
			}
			assert.LessOrEqual(t, widest, tc.table, "the table's widest line")
			assert.Greater(t, widest, tc.table-5, "the table fills its width")
			for _, l := range strings.Split(notes, "\n") {
				assert.LessOrEqual(t, len(l), tc.width, "%q", l)
			}
			for _, l := range lines[1:] {
				if strings.HasPrefix(l, "ok ") {
					continue
				}
				continued++
				assert.True(t, strings.HasPrefix(l, "       "), "a continuation line leaves the mark and Q blank: %q", l)
				assert.NotEqual(t, ' ', l[explored], "EXPLORED continues in its column, or under SCENARIO stacked: %q", l)
				if tc.stacked {
					assert.LessOrEqual(t, len(l), tc.width, "stacked, EXPLORED's lines fit: %q", l)
				}
			}
			assert.Positive(t, continued, "EXPLORED wraps")
			assert.Contains(t, notes, "ok: the verdict got matches the expected one;", "the legend")
			assert.Contains(t, notes, "2 rows: 2 match, 0 mismatch; 0 findings, 0 shrunk\n")
		})
	}
}

// TestRun_WidthErrors: a width outside 0 and 40..10000, or one for a
// table that is not text, is a usage error.
func TestRun_WidthErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--width", "39"}, "--width 39: want 0 (never wrap) or 40..10000 columns"},
		{[]string{"--width", "-1"}, "--width -1: want 0 (never wrap) or 40..10000 columns"},
		{[]string{"--width", "10001"}, "--width 10001: want 0 (never wrap) or 40..10000 columns"},
		{[]string{"--width", "wide"}, "--width wide: want 0..10000 (0 never wraps, else 40 or more columns)"},
		{[]string{"--width", "80", "--format", "json"}, "--width fits the text table: --format json is never wrapped"},
	} {
		code, out, stderr := runSimCLI(t, append(append([]string{"run", "--progress", "never"}, tc.args...), smokeScenario)...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%v", tc.args)
		assert.Empty(t, out, "%v", tc.args)
		assert.Contains(t, stderr, "migsim run: "+tc.want+"\n", "%v", tc.args)
	}
}

// TestRunWidth: without --width the table fits the terminal stdout is
// (COLUMNS, else its own width, 0 when it knows none), within
// 40..10000 columns; a file, a pipe and the null device get 0. A
// pseudo-terminal's master (/dev/ptmx), whose window is 0x0 until set,
// stands in for the terminal.
func TestRunWidth(t *testing.T) {
	tty, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	require.NoError(t, err, "a pseudo-terminal for the test")
	t.Cleanup(func() { _ = tty.Close() })
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = devNull.Close() })
	file, err := os.Create(t.TempDir() + "/table.txt")
	require.NoError(t, err)
	t.Cleanup(func() { _ = file.Close() })
	for _, tc := range []struct {
		name    string
		stdout  io.Writer
		columns string
		format  string
		want    int
	}{
		{"a terminal, COLUMNS", tty, "90", "text", 90},
		{"a terminal, as main hands it to the command", writecheck.New(tty), "90", "text", 90},
		{"a narrow terminal", tty, "20", "text", 40},
		{"a wide terminal", tty, "20000", "text", 10000},
		{"a terminal that does not know its width", tty, "", "text", 0},
		{"a terminal, JSON", tty, "90", "json", 0},
		{"the null device", devNull, "90", "text", 0},
		{"a file", file, "90", "text", 0},
		{"a buffer", &bytes.Buffer{}, "90", "text", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("COLUMNS", tc.columns)
			fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
			width := fs.Int("width", 0, "")
			require.NoError(t, fs.Parse(nil))
			got, err := runWidth(fs, *width, tc.format, tc.stdout)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}
