package conformance_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
)

// TestReportNamesExecDeviceArgs: the same program with other arguments is
// another device, so a report of an exec device names its arguments: the
// JSON report's device_args, the text report's first line and the JUnit
// document's name after the device, quoted as a shell needs them; a Go
// device's report has none.
func TestReportNamesExecDeviceArgs(t *testing.T) {
	ext := extblk(t) // it takes no arguments and ignores them
	opts := []conformance.Option{conformance.Short(), conformance.Parts(false, true), conformance.Scenarios("smoke-migrate"),
		conformance.ReplayDir(t.TempDir())}
	for _, tc := range []struct {
		name  string
		d     conformance.Device
		args  []string
		shown string
	}{
		{"exec device", conformance.ExecDevice([]string{ext, "--flag", "a b"}, extdevice.Options{}),
			[]string{"--flag", "a b"}, "exec:" + filepath.ToSlash(ext) + " -- --flag 'a b'"},
		{"exec device without arguments", conformance.ExecDevice([]string{ext}, extdevice.Options{}),
			nil, "exec:" + filepath.ToSlash(ext)},
		{"Go device", conformance.FactoryDevice("mine", mutantFactory(t, "drops-interrupts")), nil, "mine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := conformance.Check(tc.d, opts...)
			require.NoError(t, err)
			assert.Equal(t, tc.args, rep.DeviceArgs)
			var text, junit, js bytes.Buffer
			require.NoError(t, rep.WriteText(&text))
			require.NoError(t, rep.WriteJUnit(&junit))
			require.NoError(t, rep.Write("json", &js))
			first, _, _ := strings.Cut(text.String(), "\n")
			assert.True(t, strings.HasPrefix(first, "conformance of "+tc.shown+" ("), "text: %s", first)
			assert.Contains(t, junit.String(), `<testsuites name="migsim conform `+strings.ReplaceAll(tc.shown, "'", "&#39;")+`"`)
			var doc struct {
				Args []string `json:"device_args"`
			}
			require.NoError(t, json.Unmarshal(js.Bytes(), &doc))
			assert.Equal(t, tc.args, doc.Args)
		})
	}
}
