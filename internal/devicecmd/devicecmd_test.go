package devicecmd

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
)

// TestLine: the device's name and arguments are quoted for a shell, the
// deadline appears only when set and not the default, the arguments come
// after "--" and last.
func TestLine(t *testing.T) {
	for _, tc := range []struct {
		name               string
		command, rest, dev string
		args               []string
		timeout            time.Duration
		want               string
	}{
		{"builtin", "trace", "f.json --format text", "builtin:mutant/x", nil, 0,
			"migsim trace --device builtin:mutant/x f.json --format text"},
		{"exec with a deadline and arguments", "report", "f.json", "exec:./my dev", []string{"-v", "it's"}, 2 * time.Second,
			`migsim report --device 'exec:./my dev' f.json --timeout 2s -- -v 'it'\''s'`},
		{"the default deadline", "replay", "f.json", "exec:/d", []string{""}, extdevice.DefaultTimeout,
			"migsim replay --device exec:/d f.json -- ''"},
		{"no deadline recorded", "conform", "--replay f.json", "exec:/d", nil, 0,
			"migsim conform --device exec:/d --replay f.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Line(tc.command, tc.rest, tc.dev, tc.args, tc.timeout))
		})
	}
}

// Flags are Line's device flags alone: the name, a non-default deadline
// and the arguments after "--", quoted alike.
func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		name, dev string
		args      []string
		timeout   time.Duration
		want      string
	}{
		{"builtin", "builtin:blk", nil, 0, "--device builtin:blk"},
		{"exec with a deadline and arguments", "exec:./my dev", []string{"-v", "it's"}, 2 * time.Second,
			`--device 'exec:./my dev' --timeout 2s -- -v 'it'\''s'`},
		{"the default deadline", "exec:/d", nil, extdevice.DefaultTimeout, "--device exec:/d"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Flags(tc.dev, tc.args, tc.timeout)
			assert.Equal(t, tc.want, got)
			line := Line("replay", "f.json", tc.dev, tc.args, tc.timeout)
			assert.Equal(t, strings.Replace(line, " f.json", "", 1), "migsim replay "+got, "Line's flags")
		})
	}
}
