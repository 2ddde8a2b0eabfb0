package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// One rule for a device's failure and the exit status: a program that is
// no device of the protocol — it cannot be started, or it breaks the
// protocol in its handshake (a hello that is not the protocol's, a \r\n
// line ending included) — is the command's bad input, nothing was judged:
// exit 2, and every report file says which of the two it was. A device
// that completed its handshake and breaks the protocol while a unit judges
// it fails that unit: exit 1, the report holding the units so far.
func TestConform_HandshakeBreakIsInputErrorLaterBreakIsFinding(t *testing.T) {
	hostile := buildProgram(t, "../../conformance/extdevice/testdata/hostile", "hostile")
	notProgram := filepath.Join(t.TempDir(), "not-a-program")
	require.NoError(t, os.WriteFile(notProgram, []byte("not a program\n"), 0o755))
	tests := []struct {
		name   string
		device []string
		code   int
		// junitCase and why: the errored testcase and the words every
		// report file starts with ("" for a run with a report).
		junitCase, why, stderr string
	}{
		{"cannot start", []string{"exec:" + notProgram}, cmdbase.ExitUsage, "start", "cannot start the device: ", "exec format error"},
		{"hello not JSON", []string{"exec:" + hostile, "--", "garbage"}, cmdbase.ExitUsage, "handshake",
			"the device broke the protocol in its handshake: ", "this is not a protocol message"},
		{"hello ends in CR LF", []string{"exec:" + hostile, "--", "crlf"}, cmdbase.ExitUsage, "handshake",
			"the device broke the protocol in its handshake: ", "a carriage return (CR, 0x0d)"},
		{"hello sent twice", []string{"exec:" + hostile, "--", "hello-twice"}, cmdbase.ExitUsage, "handshake",
			"the device broke the protocol in its handshake: ", "on stdout after its last reply"},
		{"reply sent twice, after the hello", []string{"exec:" + hostile, "--", "twice"}, cmdbase.ExitFinding, "", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			jsonFile, textFile, junitFile := filepath.Join(out, "r.json"), filepath.Join(out, "r.txt"), filepath.Join(out, "r.xml")
			args := append([]string{"conform", "--budget", "short", "--scenario", "smoke-migrate", "--replay-dir", t.TempDir(), "--timeout", "5s",
				"--report", "json=" + jsonFile, "--report", "text=" + textFile, "--report", "junit=" + junitFile, "--device"}, tc.device...)
			code, stdout, stderr := runSimCLI(t, args...)
			require.Equal(t, tc.code, code, "stderr: %s\n%s", stderr, stdout)
			assert.Contains(t, stderr, tc.stderr)
			var doc struct {
				Stopped string            `json:"stopped"`
				Units   []json.RawMessage `json:"units"`
			}
			j, err := os.ReadFile(jsonFile)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(j, &doc), "%s", j)
			text, err := os.ReadFile(textFile)
			require.NoError(t, err)
			x, err := os.ReadFile(junitFile)
			require.NoError(t, err)
			if tc.why == "" { // judged: the units so far, the one that broke failed
				assert.Contains(t, stdout, "the device broke the protocol: ")
				assert.NotEmpty(t, doc.Units)
				assert.Contains(t, doc.Stopped, "the device broke the protocol in ")
				assert.Contains(t, string(text), "stopped: the device broke the protocol in ")
				assert.NotContains(t, string(text), "nothing judged")
				assert.Contains(t, string(x), `type="device protocol"`)
				return
			}
			assert.Empty(t, doc.Units)
			assert.True(t, strings.HasPrefix(doc.Stopped, tc.why), doc.Stopped)
			assert.Contains(t, doc.Stopped, tc.stderr)
			// The device as the kit's reports name it: with its arguments.
			shown := strings.Join(tc.device, " ")
			assert.True(t, strings.HasPrefix(string(text), "conformance of "+shown+": nothing judged: "+tc.why), "%s", text)
			assert.Contains(t, string(x), `<testcase classname="device" name="`+tc.junitCase+`"`)
			if tc.junitCase == "handshake" {
				assert.NotContains(t, string(x)+string(text)+doc.Stopped, "cannot start", "it started: it broke the protocol")
				assert.Contains(t, string(x), `type="device protocol"`)
			}
		})
	}
}

// The JSON report of a device that broke its handshake (nothing judged)
// says what was asked: `editions` lists the editions the run would have
// judged when the command line settles them (--spec), as `device` and
// `budget` are what the command line gave; without --spec they were to
// come from the device's hello, which broke, and the field is left out
// rather than written as an empty list that reads as "no edition".
func TestConform_HandshakeBreakEditions(t *testing.T) {
	hostile := buildProgram(t, "../../conformance/extdevice/testdata/hostile", "hostile")
	missing := filepath.Join(t.TempDir(), "nonexistent")
	tests := []struct {
		name   string
		device string
		spec   []string
		want   string // the editions field's JSON; "": left out
	}{
		{"handshake, no --spec", "exec:" + hostile, nil, ""},
		{"handshake, --spec", "exec:" + hostile, []string{"--spec", "virtio-1.4"}, `["virtio-1.4"]`},
		{"handshake, --spec both", "exec:" + hostile, []string{"--spec", "virtio-1.4,draft-2023"}, `["virtio-1.4","draft-2023"]`},
		{"cannot start, no --spec", "exec:" + missing, nil, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			jsonFile := filepath.Join(t.TempDir(), "r.json")
			args := append([]string{"conform", "--budget", "short", "--scenario", "smoke-migrate", "--replay-dir", t.TempDir(),
				"--report", "json=" + jsonFile, "--device", tc.device}, tc.spec...)
			args = append(args, "--", "garbage")
			code, _, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitUsage, code, "stderr: %s", stderr)
			j, err := os.ReadFile(jsonFile)
			require.NoError(t, err)
			var doc map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(j, &doc), "%s", j)
			require.Contains(t, doc, "stopped", "%s", j)
			got, ok := doc["editions"]
			if tc.want == "" {
				assert.False(t, ok, "editions: %s", got)
				return
			}
			assert.JSONEq(t, tc.want, string(got))
		})
	}
}
