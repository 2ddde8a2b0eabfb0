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

// uncertainViolationRow is a violation row whose line found nothing in
// its whole budget before a signal cut its cross-check short: a certain
// mismatch (an exploration to its end missed the expected verdict) with
// no finding, so no verdict got either.
func uncertainViolationRow() catalog.Outcome {
	o := interruptedProofRow()
	o.Expected, o.ExpectedOracle = scenario.VerdictViolation, "frozen-context"
	o.Runs = o.Runs[:2]
	o.Mismatch = "pct 300: found nothing"
	return o
}

// panicRow is a pass row whose exploration stopped on a simulator panic:
// a defect of the simulator, not a verdict on the device or the text.
func panicRow() catalog.Outcome {
	o := passRow()
	msg := `world: footprint of "hv:await ready" does not declare the write of host 1 pf`
	o.Got, o.GotOracle, o.Match = scenario.VerdictViolation, engine.OraclePanic, false
	o.Finding = &engine.Finding{Oracle: engine.OraclePanic, Message: msg}
	o.Defect = "the simulator panicked: " + msg
	return o
}

// GOT says what is known of a row, alike in the text table, the JSON
// document and the JUnit message: the verdict of a row judged to its end,
// the finding made before a signal (certain, whatever the rest of the row
// would have found), and "none" for a row a signal cut short before it
// found anything: not pass, which only a row judged to its end proves; a
// row whose run could not judge it (a panic) got "defect", not the
// violation its finding's kind would say.
func TestGot_Interrupted(t *testing.T) {
	for _, tc := range []struct {
		name   string
		row    catalog.Outcome
		got    string // GOT column, JSON got
		oracle string // ORACLE column ("-": none), JSON oracle ("")
		junit  string // the failure's message, "" for none
	}{
		{"judged to its end", passRow(), "pass", "-", ""},
		{"interrupted, nothing found", interruptedProofRow(), "none", "-", ""},
		{"interrupted after a finding", certainMismatchRow(), "violation", "frozen-context", "expected pass, got violation frozen-context"},
		{"interrupted, a certain mismatch, nothing found", uncertainViolationRow(), "none", "-",
			"expected violation frozen-context, got none (mismatch: pct 300: found nothing)"},
		{"the simulator panicked", panicRow(), "defect", "panic",
			"expected pass, got defect panic (defect: the simulator panicked: world: footprint of \"hv:await ready\" does not declare the write of host 1 pf)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var text bytes.Buffer
			require.NoError(t, WriteText(&text, []catalog.Outcome{tc.row}, t.TempDir(), ""))
			lines := strings.Split(text.String(), "\n")
			require.GreaterOrEqual(t, len(lines), 2)
			header, row := lines[0], lines[1]
			col := strings.Index(header, "GOT")
			require.Positive(t, col)
			fields := strings.Fields(row[col:])
			require.GreaterOrEqual(t, len(fields), 2, row)
			assert.Equal(t, []string{tc.got, tc.oracle}, fields[:2], "the text's GOT and ORACLE: %s", row)

			r := writeJSON(t, tc.row).Rows[0]
			assert.Equal(t, tc.got, r.Got, "JSON got")
			assert.Equal(t, strings.TrimPrefix(tc.oracle, "-"), r.Oracle, "JSON oracle")

			doc, _ := writeJUnit(t, tc.row)
			c := doc.Suites[0].Cases[0]
			if tc.junit == "" {
				assert.Nil(t, c.Failure)
				return
			}
			require.NotNil(t, c.Failure)
			assert.Equal(t, tc.junit, c.Failure.Message)
		})
	}
	assert.Equal(t, "none", catalog.GotNone)
	assert.Equal(t, "defect", catalog.GotDefect)
	o := catalog.Outcome{Edition: spec.Draft2023, Got: scenario.VerdictError, GotOracle: "vf-reset", Interrupted: true,
		Finding: &engine.Finding{Oracle: "error:vf-reset"}}
	assert.Equal(t, "error vf-reset", o.GotText(), "a finding before the signal stays the verdict")
}
