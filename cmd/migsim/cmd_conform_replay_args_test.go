package main

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestConform_ReplayWithOtherArgumentsSaysSo: a counterexample replayed
// with the recorded program but other arguments (how a developer checks a
// fix) is judged with the device given, and the report on stdout, not
// only stderr, says that the device differs from the recording, naming
// both with their arguments; the recorded device and arguments replay
// without that line.
func TestConform_ReplayWithOtherArgumentsSaysSo(t *testing.T) {
	extblk := buildProgram(t, "../../examples/extblk", "extblk")
	_, found := deviceSchedules(t) // a mutant's finding, which the reference does not have
	recorded := "exec:" + extblk + " -- --bug"
	file := recordedAs(t, found, "exec:"+extblk, "--bug")
	differs := "the device differs from the recording: recorded with " + recorded + ", replayed with exec:" + extblk + " -- --fixed\n"
	tests := []struct {
		name       string
		args       []string
		code       int
		out        []string
		notOut     string
		stderrNote string
	}{
		{"other arguments", []string{"--", "--fixed"}, cmdbase.ExitOK,
			[]string{differs, "the device no longer fails this counterexample"}, "",
			"migsim conform: " + file + " was recorded with " + recorded + "; replaying with exec:" + extblk + " -- --fixed, as --device says"},
		{"the recorded arguments", []string{"--", "--bug"}, cmdbase.ExitOK, nil, "the device differs", ""}, // extblk is the reference whatever its arguments
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append([]string{"conform", "--replay", file, "--device", "exec:" + extblk}, tc.args...)...)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, stderr)
			for _, s := range tc.out {
				assert.Contains(t, out, s)
			}
			if tc.notOut != "" {
				assert.NotContains(t, out, tc.notOut)
			}
			if tc.stderrNote != "" {
				assert.Contains(t, stderr, tc.stderrNote)
			} else {
				assert.NotContains(t, stderr, "was recorded with")
			}
		})
	}
}
