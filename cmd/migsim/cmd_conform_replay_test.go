package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/member/blk"
)

// TestConform_ReplayDivergedCounterexample: a counterexample replayed with
// a device that now runs differently is judged by what it shows. A run
// that took every recorded step without the recorded end-of-run finding
// is a fix; a run that diverges is replayed leniently, and the recorded
// finding occurring there is a finding, its absence a fix; a recorded step
// no run takes does not fit the scenario and stays an error.
func TestConform_ReplayDivergedCounterexample(t *testing.T) {
	const mutant = "builtin:mutant/loses-latched-doorbell"
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "conform", "--budget", "short", "--scenario", "kick-during-stop", "--parts", "rows",
		"--jobs", "1", "--replay-dir", dir, "--device", mutant)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s\n%s", stderr, out)
	found := filepath.Join(dir, "kick-during-stop_draft-2023.json")
	sc, err := catalog.ReadScheduleFile(found)
	require.NoError(t, err)
	require.NotNil(t, sc.Finding)
	require.Equal(t, "transparent", sc.Finding.Oracle, "an end-of-run finding")

	// The fixed device's whole run, recorded as if it had ended in the
	// finding: it takes every recorded step, and the finding is gone.
	fixed, err := conformance.ReplayLenient(context.Background(), conformance.FactoryDevice("builtin:blk", blk.New), found)
	require.NoError(t, err)
	require.Nil(t, fixed.Finding)
	allSteps := *sc
	allSteps.Choices, allSteps.Steps, allSteps.Preemptions = fixed.Choices, len(fixed.Choices), fixed.Preemptions
	allSteps.Finding = &engine.Finding{Oracle: "transparent", Step: len(fixed.Choices) - 1}
	allStepsFile := filepath.Join(dir, "all-steps.json")
	require.NoError(t, allSteps.WriteFile(allStepsFile))

	// A recording one step longer than the fixed device's whole run: the
	// device's run ends before the recorded end, without the finding.
	longer := allSteps
	longer.Choices = append(append([]engine.Choice(nil), fixed.Choices...), fixed.Choices[len(fixed.Choices)-1])
	longer.Steps = len(longer.Choices)
	longer.Finding = &engine.Finding{Oracle: "transparent", Step: len(longer.Choices) - 1}
	longerFile := filepath.Join(dir, "longer.json")
	require.NoError(t, longer.WriteFile(longerFile))

	// A recorded choice at the wrong index: the strict replay diverges
	// there, the lenient one takes the recorded step and meets the bug.
	moved := *sc
	moved.Choices = append([]engine.Choice(nil), sc.Choices...)
	at := -1
	for i, c := range moved.Choices {
		if c.Index > 0 {
			at = i
			break
		}
	}
	require.GreaterOrEqual(t, at, 0, "a decision between several steps")
	moved.Choices[at].Index = 0
	movedFile := filepath.Join(dir, "moved.json")
	require.NoError(t, moved.WriteFile(movedFile))

	// A recorded step no run offers.
	bogus := *sc
	bogus.Choices = append([]engine.Choice(nil), sc.Choices...)
	bogus.Choices[1].Label = "no such step"
	bogusFile := filepath.Join(dir, "bogus.json")
	require.NoError(t, bogus.WriteFile(bogusFile))

	tests := []struct {
		name, device, file string
		code               int
		out, stderr        string
	}{
		{"the device still fails", mutant, found, cmdbase.ExitFinding, `(?s)with ` + mutant + `: \d+ steps\nfinding transparent at step \d+: `, `^$`},
		{"the fixed device diverges and the finding is gone", "builtin:blk", found, cmdbase.ExitOK,
			`the device now diverges from the recording at step 109 \(.*replay diverged at step 109: recorded 1 "hv:settle".*\)\n` +
				`the recorded finding \(transparent at step 129\) did not occur in the lenient replay, which ended without a finding: the device no longer fails this counterexample\n$`, `^$`},
		{"every recorded step taken, the end-of-run finding gone", "builtin:blk", allStepsFile, cmdbase.ExitOK,
			`every recorded step was taken and the recorded finding \(transparent at step \d+\) did not occur: the device no longer fails this counterexample\n$`, `^$`},
		{"diverged, and the finding occurs leniently", mutant, movedFile, cmdbase.ExitFinding,
			`the device now diverges from the recording at step \d+ .*\nreplayed leniently, the recorded finding occurs: transparent at step \d+: the guest can tell it moved`, `^$`},
		{"the fixed device's run ends before the recording does", "builtin:blk", longerFile, cmdbase.ExitOK,
			`the device now diverges from the recording at step \d+ .*\nthe recorded finding \(transparent at step \d+\) did not occur in the lenient replay, which ended without a finding`, `^$`},
		{"another device fails it another way", "builtin:mutant/mode-get-lies", found, cmdbase.ExitFinding, `(?s)readback at step \d+`, `^$`},
		{"a recorded step no run takes", "builtin:blk", bogusFile, cmdbase.ExitFinding, `^$`,
			`^migsim conform: .*bogus.json does not replay with builtin:blk: .*; the recorded step 2 "no such step" is never taken, even replayed leniently: the schedule does not fit the scenario\n$`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "conform", "--device", tc.device, "--replay", tc.file)
			assert.Equal(t, tc.code, code, "stdout: %s\nstderr: %s", out, stderr)
			// A device other than the recorded one is named first, on
			// stdout as on stderr.
			note := ""
			if tc.device != mutant {
				differs := "the device differs from the recording: recorded with " + mutant + ", replayed with " + tc.device + "\n"
				assert.True(t, strings.HasPrefix(out, differs), "stdout begins with %q: %s", differs, out)
				out = strings.TrimPrefix(out, differs)
				note = regexp.QuoteMeta("migsim conform: " + tc.file + " was recorded with " + mutant + "; replaying with " + tc.device +
					", as --device says (a run with another device may diverge from the recording)\n")
			}
			assert.Regexp(t, tc.out, out)
			assert.Regexp(t, "^"+note+strings.TrimPrefix(tc.stderr, "^"), stderr)
		})
	}
}
