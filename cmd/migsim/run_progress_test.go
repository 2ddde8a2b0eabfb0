package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// migsim run judging rows side by side (--jobs 2): every update line names
// a row that has started, and the summary counts every exploration of
// both rows (four explorations each, 240 schedules).
func TestRun_ProgressRowsSideBySide(t *testing.T) {
	code, _, stderr := runSimCLI(t, "run", "--jobs", "2", "--progress", "always", smokeScenario)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	started := map[string]bool{}
	update := regexp.MustCompile(`^run: row (.+?): \d+/\d+ schedules`)
	for _, l := range strings.Split(stderr, "\n") {
		if name, ok := strings.CutPrefix(l, "run: row "); ok && !strings.Contains(name, ": ") {
			started[name] = true
			continue
		}
		if m := update.FindStringSubmatch(l); m != nil {
			assert.True(t, started[m[1]], "an update of a row not started: %q", l)
		}
	}
	assert.Equal(t, map[string]bool{"1/2 test-smoke draft-2023 defaults": true, "2/2 test-smoke virtio-1.4 defaults": true}, started)
	// Each row: random and pct 20 schedules each, two dfs explorations of
	// 100 runs (a dfs budget counts runs, not schedules).
	assert.Regexp(t, `(?m)^run: 2 rows judged in \S+: 80 schedules and 400 dfs runs \(480 executed\), 0 mismatched$`, stderr)
}
