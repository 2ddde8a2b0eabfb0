package main

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// explore --fork with random or pct on a scenario whose runs do not
// depend on the seed starts the runs from a copy of the world at their
// first choice point: the same document as without it (counts, findings,
// the shrunk finding), and stderr says what the copies did, each count
// with its noun in the number it takes ("1 copy kept").
func TestExploreFork_Sampled(t *testing.T) {
	copies := regexp.MustCompile(`fork: 1 copy kept at the first choice point \(one a job\), (\d+) runs from a copy \((\d+) decisions not run again\), 1 built, 0 copies refused`)
	for _, tc := range []struct {
		name string
		args []string
		code int
	}{
		{"pct, no finding", []string{"--scenario", smokeScenario, "--spec", "virtio-1.4", "--strategy", "pct"}, cmdbase.ExitOK},
		{"random, a finding", []string{"--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
			"--knob", "mode-after-flr=keep", "--explain-runs", "0", "--strategy", "random"}, cmdbase.ExitFinding},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"explore"}, tc.args...)
			args = append(args, "--schedules", "120", "--jobs", "1", "--memo=false", "--progress", "never", "--format", "json", "--out", t.TempDir())
			code, plain, stderr := runSimCLI(t, args...)
			require.Equal(t, tc.code, code, stderr)
			code, forked, stderr := runSimCLI(t, append(args, "--fork")...)
			require.Equal(t, tc.code, code, stderr)
			assert.Equal(t, plain, forked, "the same document")
			m := copies.FindStringSubmatch(stderr)
			require.NotNil(t, m, stderr)
			assert.Equal(t, "119", m[1], "every run but the first from the copy")
		})
	}
}
