package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestReport_ShowsTheKitsCharge: migsim report and migsim trace (json,
// mermaid) of a counterexample migsim conform wrote list the finding's
// requirements as the kit charges them — the sets and the "charged by"
// sentence conform --replay prints, decided from the file's run by the
// same code — not the catalog's view, which for this transparent finding
// marks DP-DEV-09 and DP-DEV-11 involved and nothing broken and leaves out
// DP-DEV-08, the requirement the device breaks. The mutant acks the device
// parts it is sent and resumes blank; it runs builtin and as an exec:
// device. A schedule the kit did not write (a catalog regression file,
// found by exploring the reference) keeps the catalog's view, replay's
// "requirements:" line, even replayed with a device under test.
func TestReport_ShowsTheKitsCharge(t *testing.T) {
	const mutant = "acks-state-without-applying"
	mutantdev := buildProgram(t, "./testdata/mutantdev", "mutantdev")
	tests := []struct {
		name string
		// conform is conform's --device and its arguments, which write the
		// counterexample; nil: file is the schedule.
		conform []string
		file    string
		// device is the --device (and arguments) of conform --replay,
		// replay, report and trace (nil: the file's own).
		device []string
	}{
		{"builtin mutant", []string{"--device", "builtin:mutant/" + mutant}, "", nil},
		{"exec mutant", []string{"--device", "exec:" + mutantdev, "--", mutant}, "", []string{"--device", "exec:" + mutantdev, "--", mutant}},
		{"a file the kit did not write", nil, "../../catalog/testdata/regress/config-write-in-flight-at-halt_virtio-1.4.json",
			[]string{"--device", "builtin:blk"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.file
			if tc.conform != nil {
				rep := filepath.Join(t.TempDir(), "report.json")
				args := append([]string{"conform", "--budget", "short", "--scenario", "kick-during-stop", "--spec", "virtio-1.4",
					"--parts", "rows", "--replay-dir", t.TempDir(), "--report", "json=" + rep}, tc.conform...)
				code, out, stderr := runSimCLI(t, args...)
				require.Equal(t, cmdbase.ExitFinding, code, "stdout: %s\nstderr: %s", out, stderr)
				path = onlyFailure(t, rep).Schedule
				require.NotEmpty(t, path, "the row's counterexample")
			}
			// What each file's finding should list: the kit's charge for a
			// counterexample it wrote, the catalog's view for another.
			var charged, involved []string
			var by string
			if tc.conform != nil {
				code, out, stderr := runSimCLI(t, append([]string{"conform", "--replay", path}, tc.device...)...)
				require.Equal(t, cmdbase.ExitFinding, code, "conform --replay: stdout: %s\nstderr: %s", out, stderr)
				charged, involved = printed(out, "  charged: "), printed(out, "  involved, not charged: ")
				by = "by " + lineAfter(t, out, "  charged by ")
				require.Equal(t, []string{"DP-DEV-08"}, charged, "the kit charges the parts' values:\n%s", out)
			} else {
				code, out, stderr := runSimCLI(t, append([]string{"replay", path}, tc.device...)...)
				require.Equal(t, cmdbase.ExitFinding, code, "replay: stdout: %s\nstderr: %s", out, stderr)
				// "broken ID...; involved ID..." (engine.Finding.ReqsText)
				kind := ""
				for _, f := range strings.Fields(strings.ReplaceAll(lineAfter(t, out, "  requirements: "), ";", "")) {
					switch {
					case f == "broken" || f == "involved":
						kind = f
					case kind == "broken":
						charged = append(charged, f)
					default:
						involved = append(involved, f)
					}
				}
				require.NotEmpty(t, involved, "the catalog's view of the finding:\n%s", out)
			}

			dir := t.TempDir()
			code, out, stderr := runSimCLI(t, append([]string{"report", path, "--explain-runs", "0", "--out", dir}, tc.device...)...)
			require.Equal(t, cmdbase.ExitOK, code, "report: stdout: %s\nstderr: %s", out, stderr)
			md, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), ".json")+".md"))
			require.NoError(t, err)
			marks := requirementMarks(string(md))
			if tc.conform != nil {
				assert.Equal(t, orEmpty(charged), orEmpty(marks["**charged**"]), "report: charged\n%s", md)
				assert.Equal(t, orEmpty(involved), orEmpty(marks["involved, not charged"]), "report: involved, not charged\n%s", md)
				assert.Contains(t, string(md), "charged "+by+".", "report: how they were chosen")
				assert.Empty(t, marks["**broken**"], "report: no catalog marks")
				assert.Empty(t, marks["involved"], "report: no catalog marks")
			} else {
				assert.Equal(t, orEmpty(charged), orEmpty(marks["**broken**"]), "report: broken\n%s", md)
				assert.Equal(t, orEmpty(involved), orEmpty(marks["involved"]), "report: involved\n%s", md)
				assert.NotContains(t, string(md), "**charged**", "report: the catalog's view")
			}

			code, js, stderr := runSimCLI(t, append([]string{"trace", path, "--format", "json"}, tc.device...)...)
			require.Equal(t, cmdbase.ExitOK, code, "trace: %s", stderr)
			var doc struct {
				Findings []struct {
					Reqs       []string
					ReqsBroken []string `json:"reqs_broken"`
				}
			}
			require.NoError(t, json.Unmarshal([]byte(js), &doc))
			require.Len(t, doc.Findings, 1)
			assert.Equal(t, orEmpty(charged), orEmpty(doc.Findings[0].ReqsBroken), "trace json: reqs_broken")
			assert.ElementsMatch(t, slices.Concat(charged, involved), doc.Findings[0].Reqs, "trace json: reqs")

			code, mm, stderr := runSimCLI(t, append([]string{"trace", path, "--format", "mermaid"}, tc.device...)...)
			require.Equal(t, cmdbase.ExitOK, code, "trace: %s", stderr)
			assert.Contains(t, mm, "("+strings.Join(doc.Findings[0].Reqs, ", ")+"): ", "trace mermaid: the finding's requirements")
		})
	}
}

// lineAfter returns the rest of out's first line that begins with prefix.
func lineAfter(t *testing.T, out, prefix string) string {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, prefix); ok {
			return rest
		}
	}
	require.Failf(t, "no line", "no line begins %q in\n%s", prefix, out)
	return ""
}

// requirementMarks reads a finding report's requirements table: the IDs
// of each mark ("**broken**", "involved", "**charged**", "involved, not
// charged", "scenario"), in table order.
func requirementMarks(md string) map[string][]string {
	marks := map[string][]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `(\\S+)` \\| ([^|]+) \\|").FindAllStringSubmatch(md, -1) {
		marks[m[2]] = append(marks[m[2]], m[1])
	}
	return marks
}
