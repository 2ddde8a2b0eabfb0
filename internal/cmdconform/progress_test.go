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
// switch), --progress=never prints no unit line, and a bad value is a
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
		{args: []string{"--progress", "never"}, code: 2},
	} {
		var out, errOut bytes.Buffer
		args := append([]string{"--device", "builtin:blk", "--parts", "device"}, c.args...)
		code := Run(args, nil, &out, &errOut)
		require.Equal(t, c.code, code, "%v: %s", c.args, errOut.String())
		if c.code == 2 && len(c.args) == 2 {
			// Two words: not a device argument "never", but the '=' the
			// flag needs.
			assert.Contains(t, errOut.String(), `--progress never: this flag takes its value after '=': write --progress=never (or --progress alone for always)`)
			continue
		}
		if c.code == 2 {
			assert.Contains(t, errOut.String(), `--progress "loud": want auto, always or never`)
			continue
		}
		assert.Equal(t, c.progress, errOut.Len() > 0, "%v: stderr %q", c.args, errOut.String())
	}
}
