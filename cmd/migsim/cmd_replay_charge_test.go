package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestReplay_PrintsTheKitsCharge: migsim replay of a counterexample
// migsim conform wrote prints what the kit charges — the charged and the
// involved, not charged requirements, decided from the file's run — the
// lines migsim conform --replay prints and the sets the kit's report
// names, in place of the catalog's "requirements:" line; for a builtin
// mutant the file records (replayed without --device) and for an exec:
// device, which replay starts only when named (without --device it exits
// 2 naming the command that replays with it, and so prints the charge).
// The mutant acks the device parts it is sent and resumes blank: the
// report charges DP-DEV-08 and lists DP-DEV-09 and DP-DEV-11 as involved,
// where the catalog's view names the transparent oracle's requirements.
func TestReplay_PrintsTheKitsCharge(t *testing.T) {
	const mutant = "acks-state-without-applying"
	mutantdev := buildProgram(t, "./testdata/mutantdev", "mutantdev")
	tests := []struct {
		name string
		// device is conform's --device and its arguments, replay's for
		// an exec device (nil: the file's own).
		device, replayDevice []string
	}{
		{"builtin", []string{"--device", "builtin:mutant/" + mutant}, nil},
		{"exec", []string{"--device", "exec:" + mutantdev, "--", mutant}, []string{"--device", "exec:" + mutantdev, "--", mutant}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir, rep := t.TempDir(), filepath.Join(t.TempDir(), "report.json")
			args := append([]string{"conform", "--budget", "short", "--scenario", "kick-during-stop", "--spec", "virtio-1.4",
				"--parts", "rows", "--replay-dir", dir, "--report", "json=" + rep}, tc.device...)
			code, out, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitFinding, code, "stdout: %s\nstderr: %s", out, stderr)
			f := onlyFailure(t, rep)
			require.NotEmpty(t, f.Schedule, "the row's counterexample")
			require.NotEmpty(t, f.Requirements, "the row charges requirements")

			code, conformOut, stderr := runSimCLI(t, append([]string{"conform", "--replay", f.Schedule}, tc.replayDevice...)...)
			require.Equal(t, cmdbase.ExitFinding, code, "conform --replay: stdout: %s\nstderr: %s", conformOut, stderr)
			code, replayOut, stderr := runSimCLI(t, append([]string{"replay", f.Schedule}, tc.replayDevice...)...)
			require.Equal(t, cmdbase.ExitFinding, code, "replay: stdout: %s\nstderr: %s", replayOut, stderr)

			for _, out := range []string{conformOut, replayOut} {
				assert.Equal(t, f.Requirements, printed(out, "  charged: "), "the charged requirements:\n%s", out)
				assert.Equal(t, orEmpty(f.Involved), printed(out, "  involved, not charged: "), "the involved ones:\n%s", out)
			}
			assert.Equal(t, chargeLines(conformOut), chargeLines(replayOut), "replay prints conform --replay's charge lines")
			assert.NotContains(t, replayOut, "  requirements: ", "the kit's charge, not the catalog's view")

			if tc.replayDevice != nil {
				code, _, stderr := runSimCLI(t, "replay", f.Schedule)
				assert.Equal(t, cmdbase.ExitUsage, code, "an exec device is not started unasked")
				assert.Contains(t, stderr, "migsim replay --device exec:"+mutantdev+" "+f.Schedule+" -- "+mutant,
					"the command that replays with the device, and prints its charge")
			}
		})
	}
}

// reportFailure is what TestReplay_PrintsTheKitsCharge reads of a failure
// in the kit's JSON report.
type reportFailure struct {
	Requirements []string `json:"requirements"`
	Involved     []string `json:"involved"`
	Schedule     string   `json:"schedule"`
}

// onlyFailure reads the kit's JSON report at path and returns its one
// failure.
func onlyFailure(t *testing.T, path string) reportFailure {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var rep struct {
		Units []struct {
			Failures []reportFailure `json:"failures"`
		} `json:"units"`
	}
	require.NoError(t, json.Unmarshal(b, &rep))
	var all []reportFailure
	for _, u := range rep.Units {
		all = append(all, u.Failures...)
	}
	require.Len(t, all, 1, "the report's failures")
	return all[0]
}

// printed returns the IDs of out's line that begins with prefix (empty
// when there is none).
func printed(out, prefix string) []string {
	for _, line := range strings.Split(out, "\n") {
		if ids, ok := strings.CutPrefix(line, prefix); ok {
			return strings.Fields(ids)
		}
	}
	return []string{}
}

// chargeLines returns out's lines that say what a finding charges.
func chargeLines(out string) []string {
	var lines []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "  charged") || strings.HasPrefix(line, "  involved, not charged: ") {
			lines = append(lines, line)
		}
	}
	return lines
}

func orEmpty(ids []string) []string {
	if ids == nil {
		return []string{}
	}
	return ids
}
