package verdicttable

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// notRunRow is a row a signal kept from starting (catalog.JudgeAll): what
// it is and expects, nothing explored.
func notRunRow(expected scenario.Verdict, oracle string) catalog.Outcome {
	return catalog.Outcome{Scenario: "smoke-migrate", Line: 9, Edition: spec.Draft2023, Expected: expected, ExpectedOracle: oracle,
		Budget: scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 10, Seed: 1}, NotRun: true}
}

// An interrupted run lists every row selected: one cut short
// (INTERRUPTED), and those never started, which say so in each format
// (text NOT-RUN, JSON status not-run, JUnit skipped "not run:
// interrupted"), got none as the row cut short before a finding does, and
// are counted apart from the rows judged. An n/a row never started is not
// "checked".
func TestNotRunRows(t *testing.T) {
	rows := []catalog.Outcome{passRow(), interruptedProofRow(), notRunRow(scenario.VerdictPass, ""),
		notRunRow(scenario.VerdictViolation, "frozen-context"), notRunRow(scenario.VerdictNA, "")}

	var text bytes.Buffer
	require.NoError(t, WriteText(&text, rows, t.TempDir(), ""))
	lines := strings.Split(text.String(), "\n")
	require.Greater(t, len(lines), len(rows))
	for i, want := range []string{`^ok `, `^INTERRUPTED .* none +- +- `,
		`^NOT-RUN +- +smoke-migrate +draft-2023 +defaults +pass +none +- +- +not run: a signal ended the run before this row started$`,
		`^NOT-RUN .* violation frozen-context +none +- +- +not run: `, `^NOT-RUN .* n/a +none +- +- +not run: `} {
		assert.Regexp(t, want, lines[1+i])
	}
	assert.Contains(t, text.String(), "NOT-RUN: the signal ended the run before the row started")
	assert.Contains(t, text.String(), "\n5 rows: 1 match, 0 mismatch, 1 interrupted, 3 not run; ")

	doc := writeJSON(t, rows...)
	assert.Equal(t, []int{1, 0, 1, 3}, []int{doc.Match, doc.Mismatch, doc.Interrupted, doc.NotRun})
	for _, r := range doc.Rows[2:] {
		assert.Equal(t, []string{catalog.StatusNotRun, catalog.GotNone, ""}, []string{r.Status, r.Got, r.Oracle})
		assert.False(t, r.Match)
		assert.False(t, r.Explored.Interrupted, "no exploration of it was cut: none ran")
		assert.Empty(t, r.Explored.Explorations)
		assert.Equal(t, catalog.NotRunText, r.Explored.Text)
	}

	j, raw := writeJUnit(t, rows...)
	s := j.Suites[0]
	require.Len(t, s.Cases, len(rows), "a JUnit reader sees every row selected")
	assert.Equal(t, []int{5, 0, 1, 3}, []int{s.Tests, s.Failures, s.Errors, s.Skipped}, raw)
	for _, c := range s.Cases[2:] {
		require.NotNil(t, c.Skipped, raw)
		assert.Nil(t, c.Failure)
		assert.Nil(t, c.Error)
	}
	assert.Contains(t, raw, `<skipped message="not run: interrupted"></skipped>`)
	require.Len(t, s.Properties, 1)
	assert.Equal(t, "a signal ended the run: 2 rows judged, 1 of them only in part; 3 rows not run", s.Properties[0].Value)
}
