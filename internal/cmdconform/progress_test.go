package cmdconform

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProgressOn(t *testing.T) {
	notTerminal, err := os.CreateTemp(t.TempDir(), "stderr")
	require.NoError(t, err)
	defer notTerminal.Close()
	for _, c := range []struct {
		mode    string
		stderr  any
		on      bool
		wantErr string
	}{
		{mode: "always", stderr: &bytes.Buffer{}, on: true},
		{mode: "never", stderr: &bytes.Buffer{}},
		{mode: "auto", stderr: &bytes.Buffer{}},
		{mode: "auto", stderr: notTerminal},
		{mode: "sometimes", stderr: &bytes.Buffer{}, wantErr: `--progress "sometimes": want auto, always or never`},
	} {
		var on bool
		var err error
		switch w := c.stderr.(type) {
		case *bytes.Buffer:
			on, err = progressOn(c.mode, w)
		case *os.File:
			on, err = progressOn(c.mode, w)
		}
		if c.wantErr != "" {
			assert.EqualError(t, err, c.wantErr, c.mode)
			continue
		}
		require.NoError(t, err, c.mode)
		assert.Equal(t, c.on, on, c.mode)
	}
}

// TestRun_ProgressFlag: --progress alone still means always (it was a
// switch), --progress=never and --progress never (two words, as run and
// explore take it) print no unit line, --progress always as two words
// prints them, "--" keeps a device argument "never", and a bad value is a
// usage error.
func TestRun_ProgressFlag(t *testing.T) {
	for _, c := range []struct {
		args     []string
		code     int
		progress bool
	}{
		{args: []string{"--progress"}, code: 0, progress: true},
		{args: []string{"--progress=always"}, code: 0, progress: true},
		{args: []string{"--progress=never"}, code: 0},
		{args: []string{}, code: 0},
		{args: []string{"--progress=loud"}, code: 2},
		{args: []string{"--progress", "never"}, code: 0},
		{args: []string{"--progress", "always"}, code: 0, progress: true},
		{args: []string{"--progress=never", "--progress", "auto"}, code: 0},
	} {
		var out, errOut bytes.Buffer
		args := append([]string{"--device", "builtin:blk", "--parts", "device"}, c.args...)
		code := Run(args, nil, &out, &errOut)
		require.Equal(t, c.code, code, "%v: %s", c.args, errOut.String())
		if c.code == 2 {
			assert.Contains(t, errOut.String(), `--progress "loud": want auto, always or never`)
			continue
		}
		assert.Equal(t, c.progress, errOut.Len() > 0, "%v: stderr %q", c.args, errOut.String())
	}
}

// TestProgressWords: "--progress WORD" becomes "--progress=WORD" for the
// flag's own values only, never after "--", and every other word stays
// where it was.
func TestProgressWords(t *testing.T) {
	for _, c := range []struct{ in, want []string }{
		{[]string{"--progress", "never"}, []string{"--progress=never"}},
		{[]string{"--device", "exec:d", "--progress", "auto", "--budget", "short"}, []string{"--device", "exec:d", "--progress=auto", "--budget", "short"}},
		{[]string{"--progress", "always", "--progress", "never"}, []string{"--progress=always", "--progress=never"}},
		{[]string{"--progress"}, []string{"--progress"}},
		{[]string{"--progress", "--budget", "short"}, []string{"--progress", "--budget", "short"}},
		{[]string{"--progress", "loud"}, []string{"--progress", "loud"}},
		{[]string{"--", "--progress", "never"}, []string{"--", "--progress", "never"}},
		{[]string{"--progress", "never", "--", "--progress", "never"}, []string{"--progress=never", "--", "--progress", "never"}},
		{[]string{}, []string{}},
	} {
		assert.Equal(t, c.want, progressWords(c.in), "%q", c.in)
	}
}
