package verdicttable

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
)

// writeJSON returns the JSON document of rows, decoded.
func writeJSON(t *testing.T, rows ...catalog.Outcome) jsonDoc {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, WriteJSON(&b, rows, t.TempDir(), ""))
	var doc jsonDoc
	require.NoError(t, json.Unmarshal(b.Bytes(), &doc), b.String())
	require.Len(t, doc.Rows, len(rows))
	return doc
}

// TestWriteJSON_FindingOfACrossCheck: a row whose finding the cross-check
// made names the scenario's own strategy and the one that found it.
func TestWriteJSON_FindingOfACrossCheck(t *testing.T) {
	doc := writeJSON(t, crossCheckRow(t))
	r := doc.Rows[0]
	assert.Equal(t, "error", r.Got)
	assert.Equal(t, "vf-reset", r.Oracle)
	assert.False(t, r.Match)
	assert.Equal(t, engine.StrategyRandom, r.Explored.Strategy)
	assert.Equal(t, engine.StrategyPCT, r.Explored.FindingStrategy)
	require.NotNil(t, r.Explored.FindingIndex)
	assert.Equal(t, 1, *r.Explored.FindingIndex)
	assert.Equal(t, 0, doc.Match)
	assert.Equal(t, 1, doc.Mismatch)
}

// TestWriteJSON_Status: each row's status agrees with the text table's
// mark and its count in the document; an interrupted row whose mismatch
// was certain before the signal is a mismatch, and interrupted too.
func TestWriteJSON_Status(t *testing.T) {
	for _, tc := range []struct {
		name                          string
		row                           func(t *testing.T) catalog.Outcome
		status                        string
		match, interrupted            bool
		nMatch, nMismatch, nInterrupt int
	}{
		{"ok", func(*testing.T) catalog.Outcome { return caveatRow() }, catalog.StatusMatch, true, false, 1, 0, 0},
		{"mismatch", crossCheckRow, catalog.StatusMismatch, false, false, 0, 1, 0},
		{"interrupted", func(*testing.T) catalog.Outcome { return interruptedProofRow() }, catalog.StatusInterrupted, false, true, 0, 0, 1},
		{"certain mismatch, interrupted", func(*testing.T) catalog.Outcome { return certainMismatchRow() }, catalog.StatusMismatch, false, true, 0, 1, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := writeJSON(t, tc.row(t))
			r := doc.Rows[0]
			assert.Equal(t, tc.status, r.Status)
			assert.Equal(t, tc.match, r.Match)
			assert.Equal(t, tc.interrupted, r.Explored.Interrupted)
			assert.Equal(t, []int{tc.nMatch, tc.nMismatch, tc.nInterrupt}, []int{doc.Match, doc.Mismatch, doc.Interrupted})
		})
	}
}

// TestWriteJSON_RaceCheck: a row's caveat and whether a signal ended its
// race check before it was done.
func TestWriteJSON_RaceCheck(t *testing.T) {
	for _, tc := range []struct {
		name   string
		row    catalog.Outcome
		caveat string
		cut    bool
	}{
		{"the check found a race", caveatRow(), "without migration the guest's log already depends on the schedule", false},
		{"the check was cut short", raceCheckCutRow(), "was interrupted after 3 of 20 runs: it proves nothing", true},
		{"no check", interruptedProofRow(), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := writeJSON(t, tc.row).Rows[0]
			assert.Contains(t, r.Caveat, tc.caveat)
			assert.Equal(t, tc.cut, r.RaceCheckInterrupted)
		})
	}
}
