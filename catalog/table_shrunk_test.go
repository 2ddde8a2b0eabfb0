package catalog

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// TestWriteTable_ShrunkLine: the table's shrunk line says what the shrink
// gained, wrapped under the table's width.
func TestWriteTable_ShrunkLine(t *testing.T) {
	o := Outcome{Scenario: "gen-8", Finding: &engine.Finding{Oracle: "error:incompatible"},
		Shrunk: &engine.ShrinkResult{Before: engine.Size{Steps: 231, Preemptions: 76, Relevant: 231},
			After: engine.Size{Steps: 232, Relevant: 232}, Replays: 977, Executed: 68}}
	var b bytes.Buffer
	require.NoError(t, WriteTable(&b, []Outcome{o}, t.TempDir(), ""))
	assert.Contains(t, b.String(), "\n  shrunk: 231 steps, 76 preemptions -> 232 steps, 0 preemptions: 76 fewer preemptions for 1 more\n"+
		"    relevant step and 1 more step, as preemptions rank first (977 replays, 68 executed)\n")
}
