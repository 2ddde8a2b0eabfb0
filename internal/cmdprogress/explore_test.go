package cmdprogress

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/progress"
)

// TestFindingLine: the line that says a finding came counts the schedules
// explored to their end (dfs's pruned ones apart, as the summary does) and
// says "exploring on" only while schedules are left.
func TestFindingLine(t *testing.T) {
	cases := []struct {
		name     string
		p        engine.Progress
		noShrink bool
		want     string
	}{
		{"random, all run", engine.Progress{Done: 3, Total: 3, Executed: 3}, false,
			"a finding among the 3 schedules; shrinking it"},
		{"random, all run, no shrink", engine.Progress{Done: 1, Total: 1, Executed: 1}, true,
			"a finding among the 1 schedule; writing it"},
		{"random, a round of many", engine.Progress{Done: 256, Total: 1000, Executed: 250}, false,
			"a finding among the first 256 schedules; exploring on (Ctrl-C stops, then shrinks and writes it)"},
		{"random, no shrink", engine.Progress{Done: 256, Total: 1000, Executed: 256}, true,
			"a finding among the first 256 schedules; exploring on (Ctrl-C stops, then writes it)"},
		{"dfs, most pruned", engine.Progress{Done: 1024, Total: 1_000_000, Executed: 900, Pruned: 982}, false,
			"a finding among the first 42 schedules (+982 pruned); exploring on (Ctrl-C stops, then shrinks and writes it)"},
		{"dfs, budget spent", engine.Progress{Done: 50, Total: 50, Executed: 50, Pruned: 8}, false,
			"a finding among the 42 schedules (+8 pruned); shrinking it"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, FindingLine(c.p, c.noShrink))
		})
	}
}

// One line per update (--progress always), the update that completes the
// budget is left to the final line that follows it, so the last counts
// print once; updates before it print as they come.
func TestExploreProgress_FinalCountsOnce(t *testing.T) {
	var b, stderr bytes.Buffer
	w, err := progress.ForMode("always", &b)
	require.NoError(t, err)
	cb := Explore(w, true, false, &stderr)
	for _, p := range []engine.Progress{
		{Done: 10, Total: 50, Executed: 10},
		{Done: 50, Total: 50, Executed: 49},
		{Done: 50, Total: 50, Executed: 49, Final: true},
	} {
		cb(p)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	require.Len(t, lines, 2, b.String())
	assert.True(t, strings.HasPrefix(lines[0], "explore: 10/50 schedules (10 executed)"), lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "explore: 50/50 schedules (49 executed)"), lines[1])
	assert.Empty(t, stderr.String())
}
