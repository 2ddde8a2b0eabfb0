package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// A device that cannot be started (exit 2) still writes the JUnit report
// asked for: one suite with one errored testcase naming the problem, so
// that CI shows why nothing was judged. Either way it fails: the program
// is not there (found before the kit starts) or is not a program the
// system runs (found when the kit starts it).
func TestConform_StartErrorJUnit(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	require.NoError(t, os.WriteFile(garbage, []byte("not a program\n"), 0o755))
	missing := filepath.Join(dir, "nonexistent")
	tests := []struct {
		name, device, want string
		args               []string // the device's, after "--": the document's name shows them
	}{
		{"no such program", "exec:" + missing, `cannot start the device: --device "exec:` + missing + `": cannot start "` + missing + `": no such file or directory`, nil},
		{"not a program", "exec:" + garbage, "cannot start the device: conformance: ", nil},
		{"not a program, with arguments", "exec:" + garbage, "cannot start the device: conformance: ", []string{"--x", "a b"}},
		{"no such builtin", "builtin:scsi", `cannot start the device: --device "builtin:scsi": want builtin:blk`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "report.xml")
			args := append([]string{"conform", "--device", tc.device, "--scenario", "smoke-migrate", "--budget", "short",
				"--replay-dir", t.TempDir(), "--report", "junit=" + file}, append([]string{"--"}, tc.args...)...)
			code, _, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitUsage, code, "stderr: %s", stderr)
			data, err := os.ReadFile(file)
			require.NoError(t, err, "the JUnit report is written")
			var doc struct {
				XMLName xml.Name `xml:"testsuites"`
				Name    string   `xml:"name,attr"`
				Tests   int      `xml:"tests,attr"`
				Errors  int      `xml:"errors,attr"`
				Suites  []struct {
					Name   string `xml:"name,attr"`
					Tests  int    `xml:"tests,attr"`
					Errors int    `xml:"errors,attr"`
					Time   string `xml:"time,attr"`
					Cases  []struct {
						Name  string `xml:"name,attr"`
						Error *struct {
							Message string `xml:"message,attr"`
							Type    string `xml:"type,attr"`
							Text    string `xml:",chardata"`
						} `xml:"error"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			require.NoError(t, xml.Unmarshal(data, &doc), "%s", data)
			shown := tc.device
			if len(tc.args) > 0 {
				shown += " -- --x 'a b'"
			}
			assert.Equal(t, "migsim conform "+shown, doc.Name)
			assert.Equal(t, []int{1, 1}, []int{doc.Tests, doc.Errors})
			require.Len(t, doc.Suites, 1)
			s := doc.Suites[0]
			assert.Equal(t, []any{"device", 1, 1, "0.000"}, []any{s.Name, s.Tests, s.Errors, s.Time})
			require.Len(t, s.Cases, 1)
			require.NotNil(t, s.Cases[0].Error)
			assert.Equal(t, "start", s.Cases[0].Name)
			assert.Equal(t, "start", s.Cases[0].Error.Type)
			assert.Contains(t, s.Cases[0].Error.Message, tc.want)
			assert.Contains(t, stderr, s.Cases[0].Error.Text, "the error's text is what stderr says")
		})
	}
}

// A device that cannot be started leaves no --report file empty: the JSON
// report is the kit's document with no unit and "stopped" saying the
// device did not start (the JUnit report's errored start case, word for
// word), the text report a line that says so; whether the kit finds out
// before it opens the files (no such program) or after (a file the system
// does not run).
func TestConform_StartErrorEveryReport(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	require.NoError(t, os.WriteFile(garbage, []byte("not a program\n"), 0o755))
	missing := filepath.Join(dir, "nonexistent")
	for _, device := range []string{"exec:" + missing, "exec:" + garbage, "builtin:scsi"} {
		t.Run(device, func(t *testing.T) {
			out := t.TempDir()
			jsonFile, textFile, junitFile := filepath.Join(out, "r.json"), filepath.Join(out, "r.txt"), filepath.Join(out, "r.xml")
			code, stdout, stderr := runSimCLI(t, "conform", "--device", device, "--scenario", "smoke-migrate", "--budget", "short",
				"--spec", "draft-2023", "--replay-dir", t.TempDir(), "--report", "json="+jsonFile, "--report", "text="+textFile, "--report", "junit="+junitFile)
			require.Equal(t, cmdbase.ExitUsage, code, "stderr: %s", stderr)
			assert.Empty(t, stdout)

			var junitDoc struct {
				Suites []struct {
					Cases []struct {
						Error struct {
							Message string `xml:"message,attr"`
						} `xml:"error"`
					} `xml:"testcase"`
				} `xml:"testsuite"`
			}
			x, err := os.ReadFile(junitFile)
			require.NoError(t, err)
			require.NoError(t, xml.Unmarshal(x, &junitDoc), "%s", x)
			require.Len(t, junitDoc.Suites, 1)
			require.Len(t, junitDoc.Suites[0].Cases, 1)
			started := junitDoc.Suites[0].Cases[0].Error.Message
			require.True(t, strings.HasPrefix(started, "cannot start the device: "), started)

			var doc struct {
				Device       string            `json:"device"`
				Editions     []string          `json:"editions"`
				Budget       map[string]int    `json:"budget"`
				Units        []json.RawMessage `json:"units"`
				Requirements []json.RawMessage `json:"requirements"`
				Stopped      string            `json:"stopped"`
				Judged       map[string]int    `json:"judged"`
			}
			j, err := os.ReadFile(jsonFile)
			require.NoError(t, err)
			dec := json.NewDecoder(bytes.NewReader(j))
			dec.DisallowUnknownFields()
			require.NoError(t, dec.Decode(&doc), "%s", j)
			assert.Equal(t, device, doc.Device)
			assert.Equal(t, []string{"draft-2023"}, doc.Editions)
			assert.Equal(t, map[string]int{"schedules": 30, "shrink_replays": 150}, doc.Budget)
			assert.NotNil(t, doc.Units)
			assert.Empty(t, doc.Units)
			assert.NotNil(t, doc.Requirements)
			assert.Empty(t, doc.Requirements)
			assert.Equal(t, started, doc.Stopped, "the JSON says what the JUnit says")
			assert.Zero(t, doc.Judged["judged"], "nothing judged: %v", doc.Judged)

			text, err := os.ReadFile(textFile)
			require.NoError(t, err)
			assert.Equal(t, "conformance of "+device+": nothing judged: "+started+"\n", string(text))
		})
	}
}
