package cmdprogress

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
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
