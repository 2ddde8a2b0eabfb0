package verdicttable

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
)

// TestWriteText: what the text table says of a row, under the table and
// in its summary line.
func TestWriteText(t *testing.T) {
	for _, tc := range []struct {
		name     string
		row      func(t *testing.T) catalog.Outcome
		regexps  []string
		contains []string
	}{
		{
			name: "a finding only the cross-check made: the hint explores under the strategy that found it",
			row:  crossCheckRow,
			regexps: []string{`(?m)^MISMATCH +- +gen-104 +virtio-1\.4 +defaults +pass +error +vf-reset +flow-error +random 2 schedules; pct 2 schedules, 1 failing, first at #1$`,
				`(?m)^gen-104 virtio-1\.4 defaults: mismatch: pct 2: found error:vf-reset$`},
			contains: []string{"\ngen-104 virtio-1.4 defaults: error:vf-reset at step ", "\n  shrunk: ",
				" --spec virtio-1.4 --strategy pct --depth 3 --schedules 2 --seed 265\n", "1 row: 0 match, 1 mismatch; 1 finding, 1 shrunk\n"},
		},
		{
			name: "a finding only the proof made: the hint explores as the proof did, state pruning, state cap and step bound included",
			row:  proofFoundRow,
			contains: []string{" --spec virtio-1.4 --strategy dfs --bound 2 --reduction sleep --states --state-cap 4096 --schedules 500 --seed 265 --max-steps 5000\n",
				"1 row: 0 match, 1 mismatch; 1 finding, 1 shrunk\n"},
		},
		{
			name:     "a caveat",
			row:      func(*testing.T) catalog.Outcome { return caveatRow() },
			regexps:  []string{`(?m)^ok +- +racy +draft-2023 `},
			contains: []string{"\n  caveat: without migration the guest's log already depends on the schedule", "1 row: 1 match, 0 mismatch; 1 finding, 0 shrunk\n"},
		},
		{
			name:    "a race check a signal cut short says so",
			row:     func(*testing.T) catalog.Outcome { return raceCheckCutRow() },
			regexps: []string{`(?m)^ok +- +racy +draft-2023 `},
			contains: []string{"\n  caveat: the check whether the guest's program races with itself (runs without migration) was\n" +
				"    interrupted after 3 of 41 runs: it proves nothing, and this transparent finding may be that race\n"},
		},
		{
			name: "an interrupted proof",
			row:  func(*testing.T) catalog.Outcome { return interruptedProofRow() },
			regexps: []string{`(?m)^INTERRUPTED +1 +judge-flr-freeze +draft-2023 +defaults +pass +none +- +- +` +
				`pct 300 schedules; random 300 schedules; bound 2 interrupted after 150 of 1000003 runs, 120 interleavings$`},
			contains: []string{"1 row: 0 match, 0 mismatch, 1 interrupted; 0 findings, 0 shrunk\n"},
		},
		{
			name: "a mismatch certain before the signal: a mismatch that says it was interrupted",
			row:  func(*testing.T) catalog.Outcome { return certainMismatchRow() },
			regexps: []string{`(?m)^MISMATCH +1 +judge-flr-freeze +draft-2023 +defaults +pass +violation +frozen-context +- +` +
				`pct 300 schedules, 3 failing, first at #7; random interrupted after 256 of 300 schedules$`,
				`(?m)^judge-flr-freeze draft-2023 defaults: mismatch \(certain before a signal cut the row short\): pct 300: found frozen-context$`},
			contains: []string{"1 row: 0 match, 1 mismatch (1 interrupted); 1 finding, 0 shrunk\n"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteText(&b, []catalog.Outcome{tc.row(t)}, t.TempDir(), ""))
			for _, re := range tc.regexps {
				assert.Regexp(t, re, b.String())
			}
			for _, s := range tc.contains {
				assert.Contains(t, b.String(), s)
			}
		})
	}
}

// TestWriteText_ShrunkLine: the table's shrunk line says what the shrink
// gained, wrapped under the table's width.
func TestWriteText_ShrunkLine(t *testing.T) {
	o := catalog.Outcome{Scenario: "gen-8", Finding: &engine.Finding{Oracle: "error:incompatible"},
		Shrunk: &engine.ShrinkResult{Before: engine.Size{Steps: 231, Preemptions: 76, Relevant: 231},
			After: engine.Size{Steps: 232, Relevant: 232}, Replays: 977, Executed: 68}}
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, []catalog.Outcome{o}, t.TempDir(), ""))
	assert.Contains(t, b.String(), "\n  shrunk: 231 steps, 76 preemptions -> 232 steps, 0 preemptions: 76 fewer preemptions for 1 more\n"+
		"    relevant step and 1 more step, as preemptions rank first (977 replays, 68 executed)\n")
}

// TestWriteText_ShrinkInterrupted: a row whose shrink a second Ctrl-C cut
// before it found anything smaller says so, not that nothing smaller
// fails the same way.
func TestWriteText_ShrinkInterrupted(t *testing.T) {
	size := engine.Size{Steps: 166, Relevant: 166}
	o := catalog.Outcome{Scenario: "gen-8", Finding: &engine.Finding{Oracle: "one-running"},
		Shrunk: &engine.ShrinkResult{Before: size, After: size, Replays: 1, Executed: 1, Interrupted: true}}
	var b bytes.Buffer
	require.NoError(t, WriteText(&b, []catalog.Outcome{o}, t.TempDir(), ""))
	assert.Contains(t, b.String(), "\n  shrunk: 166 steps, 0 preemptions -> 166 steps, 0 preemptions: interrupted before a smaller\n"+
		"    schedule was found (1 replay, 1 executed)\n")
	o.Shrunk.Before = engine.Size{Steps: 170, Preemptions: 2, Relevant: 170}
	b.Reset()
	require.NoError(t, WriteText(&b, []catalog.Outcome{o}, t.TempDir(), ""))
	assert.Contains(t, b.String(), "\n  shrunk: 170 steps, 2 preemptions -> 166 steps, 0 preemptions: 2 fewer preemptions, 4 fewer\n"+
		"    relevant steps, 4 fewer steps (1 replay, 1 executed; interrupted, so it may not be minimal)\n",
		"a shrink cut after it gained says so too")
}
