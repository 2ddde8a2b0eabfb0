package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// run --report junit=FILE writes the table as JUnit XML beside the text on
// stdout: one testcase per row, named as the table names it, a mismatch a
// failure carrying expected vs got, the finding line and the line the
// table prints to get its schedule; the same run writes the same bytes.
func TestRun_JUnitReport(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "run.xml")
	code, out, stderr := runSimCLI(t, "run", "--progress", "never", "--report", "junit="+file, "--report", "json="+filepath.Join(dir, "run.json"),
		smokeScenario, wrongScenario)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var doc struct {
		XMLName  xml.Name `xml:"testsuites"`
		Tests    int      `xml:"tests,attr"`
		Failures int      `xml:"failures,attr"`
		Errors   int      `xml:"errors,attr"`
		Suites   []struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Errors   int `xml:"errors,attr"`
			Cases    []struct {
				Classname string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Failure   *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &doc), "%s", data)
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	rows := tableRows(out)
	require.Len(t, s.Cases, len(rows), "one testcase per row of the table")
	failed := 0
	for _, c := range s.Cases {
		if c.Failure != nil {
			failed++
		}
	}
	assert.Equal(t, []int{len(rows), failed, 0}, []int{s.Tests, s.Failures, s.Errors})
	assert.Equal(t, []int{s.Tests, s.Failures, s.Errors}, []int{doc.Tests, doc.Failures, doc.Errors})
	assert.Equal(t, 1, failed, "the wrong expectation")
	var wrong *struct {
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
	for _, c := range s.Cases {
		if c.Classname == "test-wrong-expect" {
			assert.Equal(t, "test-wrong-expect draft-2023 flr-vs-mode=complete-anyway", c.Name)
			wrong = c.Failure
		}
	}
	require.NotNil(t, wrong, "the mismatch is a failure")
	assert.True(t, strings.HasPrefix(wrong.Message, "expected pass, got violation "), wrong.Message)
	findingLine, _, _ := strings.Cut(wrong.Text, "\n")
	assert.True(t, strings.HasPrefix(findingLine, "test-wrong-expect draft-2023 flr-vs-mode=complete-anyway: "), findingLine)
	assert.Contains(t, out, findingLine, "the finding line is the table's")
	assert.Contains(t, wrong.Text, "\n  schedule: not written; --report-dir DIR writes it (and a report), or explore it: migsim explore --scenario "+wrongScenario)
	js, err := os.ReadFile(filepath.Join(dir, "run.json"))
	require.NoError(t, err)
	assert.Contains(t, string(js), `"scenario": "test-wrong-expect"`, "--report json=FILE writes the JSON table")

	again := filepath.Join(dir, "again.xml")
	code, _, stderr = runSimCLI(t, "run", "--progress", "never", "--format", "json", "--report", "junit="+again, smokeScenario, wrongScenario)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	b, err := os.ReadFile(again)
	require.NoError(t, err)
	assert.Equal(t, string(data), string(b), "the same run writes the same JUnit bytes, whatever --format prints")
}

// A --report that is not FORMAT=FILE, or whose file cannot be written, is
// refused before anything runs.
func TestRun_ReportFlagErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		arg, want string
	}{
		{"junit", `--report "junit": want FORMAT=FILE, FORMAT one of text, json, junit`},
		{"junit=", `--report "junit=": want FORMAT=FILE`},
		{"pdf=x.pdf", `--report "pdf=x.pdf": want FORMAT=FILE, FORMAT one of text, json, junit`},
		{"junit=" + dir, "--report junit=" + dir + ": " + dir + " is a directory (want a file)"},
		{"junit=" + filepath.Join(dir, "no", "x.xml"), "--report junit=" + filepath.Join(dir, "no", "x.xml") + ": directory " + filepath.Join(dir, "no") + ": "},
		{"junit=-", `--report junit=-: "-" would be a file named "-", not stdout`},
	} {
		t.Run(tc.arg, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "run", "--report", tc.arg, smokeScenario)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out, "nothing ran")
			assert.Contains(t, stderr, tc.want)
		})
	}
}
