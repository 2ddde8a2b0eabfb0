package verdicttable

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
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
		name             string
		row              catalog.Outcome
		caveat, evidence string
		cut              bool
	}{
		{"the check found a race", caveatRow(), "without migration the guest's log already depends on the schedule", "random", false},
		{"the check was cut short", raceCheckCutRow(), "was interrupted after 3 of 41 runs: it proves nothing", "", true},
		{"no check", interruptedProofRow(), "", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := writeJSON(t, tc.row).Rows[0]
			assert.Contains(t, r.Caveat, tc.caveat)
			assert.Equal(t, tc.evidence, r.CaveatEvidence)
			assert.Equal(t, tc.cut, r.RaceCheckInterrupted)
		})
	}
}

// TestWriteJSON_Completeness: the row's explored object and each of its
// explorations say alike whether a dfs search ran every schedule within
// its bound (complete_within_bound) and every schedule with no bound
// cutting any (complete_unbounded); the row's exhaustive keeps the second
// meaning and an exploration's the first, as they always had.
func TestWriteJSON_Completeness(t *testing.T) {
	dfs := scenario.Budget{Strategy: engine.StrategyDFS, Schedules: 1000, Bound: 2, Seed: 1}
	row := func(line scenario.Budget, sum engine.Summary) catalog.Outcome {
		return catalog.Outcome{Scenario: "s", Edition: spec.Draft2023, Expected: scenario.VerdictPass, Got: scenario.VerdictPass,
			Match: true, Budget: line, Explored: sum, Runs: []catalog.StrategyRun{{Role: explored.RoleLine, Budget: line, Explored: sum}}}
	}
	yes, no := true, false
	for _, tc := range []struct {
		name                  string
		row                   catalog.Outcome
		withinBound, noBound  *bool // the row's (nil: absent, a sampling line)
		rowExhaustive, exhaus bool  // the row's and the exploration's exhaustive
	}{
		{"bound cut some", row(dfs, engine.Summary{Schedules: 30, Complete: true, BoundHit: true}), &yes, &no, false, true},
		{"bound cut none", row(dfs, engine.Summary{Schedules: 12, Complete: true}), &yes, &yes, true, true},
		{"budget spent", row(dfs, engine.Summary{Schedules: 1000}), &no, &no, false, false},
		{"sampling", row(scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 50}, engine.Summary{Schedules: 50}), nil, nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := writeJSON(t, tc.row).Rows[0]
			assert.Equal(t, tc.withinBound, r.Explored.CompleteWithinBound)
			assert.Equal(t, tc.noBound, r.Explored.CompleteUnbounded)
			assert.Equal(t, tc.rowExhaustive, r.Explored.Exhaustive)
			require.Len(t, r.Explored.Explorations, 1)
			e := r.Explored.Explorations[0]
			assert.Equal(t, tc.exhaus, e.Exhaustive)
			assert.Equal(t, tc.withinBound != nil && *tc.withinBound, e.CompleteWithinBound)
			assert.Equal(t, tc.noBound != nil && *tc.noBound, e.CompleteUnbounded)
		})
	}
}

// TestWriteJSON_ShrinkInterrupted: a row's shrunk object says when a
// second Ctrl-C cut the shrink (its after is then not minimal), and says
// nothing of it otherwise.
func TestWriteJSON_ShrinkInterrupted(t *testing.T) {
	size := engine.Size{Steps: 166, Relevant: 166}
	for _, cut := range []bool{false, true} {
		o := catalog.Outcome{Scenario: "gen-8", Finding: &engine.Finding{Oracle: "one-running"},
			Shrunk: &engine.ShrinkResult{Before: size, After: size, Interrupted: cut}}
		doc := writeJSON(t, o)
		require.NotNil(t, doc.Rows[0].Shrunk)
		assert.Equal(t, cut, doc.Rows[0].Shrunk.Interrupted)
	}
}
