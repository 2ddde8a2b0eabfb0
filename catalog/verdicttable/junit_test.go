package verdicttable

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// junitDoc is the JUnit document as a CI system reads it back.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Name     string   `xml:"name,attr"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Time     string   `xml:"time,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Time       string `xml:"time,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []junitCase `xml:"testcase"`
	} `xml:"testsuite"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure"`
	Error     *junitFailure `xml:"error"`
	Skipped   *struct{}     `xml:"skipped"`
	SystemOut string        `xml:"system-out"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// passRow is a pass row that found nothing.
func passRow() catalog.Outcome {
	b := scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 10, Seed: 1}
	return catalog.Outcome{Scenario: "smoke-migrate", Edition: spec.Virtio14, Knobs: []string{"flr-vs-mode=hold-reply"},
		Expected: scenario.VerdictPass, Got: scenario.VerdictPass, Match: true, Budget: b,
		Explored: engine.Summary{Schedules: 10, Distinct: 3},
		Runs:     []catalog.StrategyRun{{Budget: b, Explored: engine.Summary{Schedules: 10, Distinct: 3}}}}
}

// writeJUnit writes rows as JUnit, parses the XML back and checks that
// every count the document states is the count of its elements.
func writeJUnit(t *testing.T, rows ...catalog.Outcome) (junitDoc, string) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteJUnit(&b, rows, t.TempDir(), ""))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(b.Bytes(), &doc), b.String())
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	fails, errs, skips := 0, 0, 0
	for _, c := range s.Cases {
		assert.Equal(t, "0.000", c.Time, "%s: the run keeps no wall-clock time", c.Name)
		if c.Failure != nil {
			fails++
		}
		if c.Error != nil {
			errs++
		}
		if c.Skipped != nil {
			skips++
		}
	}
	assert.Equal(t, []int{len(rows), fails, errs, skips}, []int{s.Tests, s.Failures, s.Errors, s.Skipped}, "the suite's counts are its elements'")
	assert.Equal(t, []int{s.Tests, s.Failures, s.Errors, s.Skipped}, []int{doc.Tests, doc.Failures, doc.Errors, doc.Skipped}, "the totals are the suite's")
	assert.Equal(t, []string{"0.000", "0.000"}, []string{s.Time, doc.Time})
	assert.Equal(t, "migsim run", doc.Name)
	assert.Equal(t, "rows", s.Name)
	return doc, b.String()
}

// TestWriteJUnit_Outcomes: one testcase per row, named as the lines under
// the table name it, its classname the scenario; a match passes (an
// expected finding's lines in system-out), a mismatch fails with expected
// vs got and the table's lines for the row (finding, how to get its
// schedule), an interrupted row is an error, a mismatch a signal cut
// short stays a failure; the suite says when a signal cut rows short.
func TestWriteJUnit_Outcomes(t *testing.T) {
	cut := interruptedProofRow()
	for _, tc := range []struct {
		name        string
		row         func(t *testing.T) catalog.Outcome
		caseName    string
		outcome     string // pass, failure, error
		message     string
		text        []string
		interrupted bool
	}{
		{"pass", func(*testing.T) catalog.Outcome { return passRow() }, "smoke-migrate virtio-1.4 flr-vs-mode=hold-reply", "pass", "", nil, false},
		{"expected violation", func(*testing.T) catalog.Outcome { return caveatRow() }, "racy draft-2023 defaults", "pass", "",
			[]string{"racy draft-2023 defaults: transparent at step 13: the guest's log differs", "  caveat: without migration"}, false},
		{"mismatch", crossCheckRow, "gen-104 virtio-1.4 defaults", "failure", "expected pass, got error vf-reset",
			[]string{"gen-104 virtio-1.4 defaults: mismatch: pct 2: found error:vf-reset",
				"gen-104 virtio-1.4 defaults: error:vf-reset at step 41: ",
				"  schedule: not written; --report-dir DIR writes it (and a report), or explore it: migsim explore --scenario ",
				"  explored: "}, false},
		{"interrupted", func(*testing.T) catalog.Outcome { return interruptedProofRow() }, "judge-flr-freeze draft-2023 defaults", "error",
			"interrupted: " + cut.ExploredText(), []string{"  explored: " + cut.ExploredText()}, true},
		{"certain mismatch, interrupted", func(*testing.T) catalog.Outcome { return certainMismatchRow() }, "judge-flr-freeze draft-2023 defaults", "failure",
			"expected pass, got violation frozen-context",
			[]string{"judge-flr-freeze draft-2023 defaults: mismatch (certain before a signal cut the row short): pct 300: found frozen-context"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			row := tc.row(t)
			doc, raw := writeJUnit(t, row)
			c := doc.Suites[0].Cases[0]
			assert.Equal(t, row.Scenario, c.Classname)
			assert.Equal(t, tc.caseName, c.Name)
			var text string
			switch tc.outcome {
			case "pass":
				assert.Nil(t, c.Failure)
				assert.Nil(t, c.Error)
				text = c.SystemOut
			case "failure":
				require.NotNil(t, c.Failure, raw)
				assert.Nil(t, c.Error)
				assert.Equal(t, "mismatch", c.Failure.Type)
				assert.Equal(t, tc.message, c.Failure.Message)
				text = c.Failure.Text
			case "error":
				require.NotNil(t, c.Error, raw)
				assert.Nil(t, c.Failure)
				assert.Equal(t, "interrupted", c.Error.Type)
				assert.Equal(t, tc.message, c.Error.Message)
				text = c.Error.Text
			}
			if tc.text == nil {
				assert.Empty(t, text)
			}
			for _, want := range tc.text {
				assert.Contains(t, text, want)
			}
			props := doc.Suites[0].Properties
			if tc.interrupted {
				require.Len(t, props, 1)
				assert.Equal(t, "interrupted", props[0].Name)
				assert.Equal(t, "a signal ended the run: 1 row judged, 1 of them only in part", props[0].Value)
			} else {
				assert.Empty(t, props)
				assert.NotContains(t, raw, "<properties>", "no empty properties element")
			}
		})
	}
}

// TestWriteJUnit_Deterministic: the same rows give the same bytes, in
// table order, whatever else is in them.
func TestWriteJUnit_Deterministic(t *testing.T) {
	rows := []catalog.Outcome{passRow(), crossCheckRow(t), caveatRow(), interruptedProofRow()}
	dir := t.TempDir()
	var a, b bytes.Buffer
	require.NoError(t, WriteJUnit(&a, rows, dir, ""))
	require.NoError(t, WriteJUnit(&b, rows, dir, ""))
	assert.Equal(t, a.String(), b.String())
	doc, _ := writeJUnit(t, rows...)
	var names []string
	for _, c := range doc.Suites[0].Cases {
		names = append(names, c.Name)
	}
	assert.Equal(t, []string{"smoke-migrate virtio-1.4 flr-vs-mode=hold-reply", "gen-104 virtio-1.4 defaults", "racy draft-2023 defaults",
		"judge-flr-freeze draft-2023 defaults"}, names)
	assert.Equal(t, []int{4, 1, 1}, []int{doc.Tests, doc.Failures, doc.Errors})
	assert.False(t, strings.Contains(a.String(), "timestamp"), "no wall-clock timestamp")
}
