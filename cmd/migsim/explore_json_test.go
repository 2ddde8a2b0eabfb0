package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// exploreDoc is explore's and merge's JSON document as a script reads it.
type exploreDoc struct {
	Scenario string   `json:"scenario"`
	Edition  string   `json:"edition"`
	Knobs    []string `json:"knobs"`
	Settings []string `json:"settings"`
	Target   string   `json:"target"`
	Budget   string   `json:"budget"`
	Explored struct {
		Strategy            string `json:"strategy"`
		Budget              int    `json:"budget"`
		Schedules           int    `json:"schedules"`
		Pruned              int    `json:"pruned"`
		Executed            int    `json:"executed"`
		Distinct            int    `json:"distinct"`
		DistinctCapped      bool   `json:"distinct_capped"`
		Failing             int    `json:"failing"`
		Bound               *int   `json:"bound"`
		Exhaustive          bool   `json:"exhaustive"`
		CompleteWithinBound *bool  `json:"complete_within_bound"`
		CompleteUnbounded   *bool  `json:"complete_unbounded"`
		BoundHit            bool   `json:"bound_hit"`
		StateHits           int    `json:"state_hits"`
		Shards              int    `json:"shards"`
		Interrupted         bool   `json:"interrupted"`
	} `json:"explored"`
	Findings []struct {
		Index   int    `json:"index"`
		Seed    uint64 `json:"seed,string"`
		Finding struct {
			Oracle string `json:"oracle"`
			Step   int    `json:"step"`
		} `json:"finding"`
	} `json:"findings"`
	Finding *struct {
		Oracle string `json:"oracle"`
		Impact string `json:"impact"`
	} `json:"finding"`
	Shrunk *struct {
		Before struct {
			Steps int `json:"steps"`
		} `json:"before"`
		After struct {
			Steps int `json:"steps"`
		} `json:"after"`
	} `json:"shrunk"`
	NotShrunk bool `json:"not_shrunk"`
	Slice     *struct {
		Steps []struct {
			Step  int    `json:"step"`
			Label string `json:"label"`
		} `json:"steps"`
		Of     int  `json:"of"`
		Kept   bool `json:"kept"`
		Checks int  `json:"checks"`
	} `json:"slice"`
	Expected string `json:"expected"`
	Caveat   string `json:"caveat"`
	Schedule string `json:"schedule"`
	Replay   string `json:"replay"`
	Merged   int    `json:"merged"`
}

// decodeExploreDoc decodes stdout as exactly one exploreDoc.
func decodeExploreDoc(t *testing.T, out string) exploreDoc {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	var d exploreDoc
	require.NoError(t, dec.Decode(&d), out)
	assert.False(t, dec.More(), "stdout holds one document: %s", out)
	// Every top-level field is one the test reads.
	var top map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &top))
	known := map[string]bool{"scenario": true, "edition": true, "knobs": true, "settings": true, "target": true, "budget": true,
		"explored": true, "findings": true, "finding": true, "shrunk": true, "not_shrunk": true, "slice": true, "expected": true, "caveat": true, "caveat_evidence": true,
		"schedule": true, "replay": true, "merged": true}
	for k := range top {
		assert.True(t, known[k], "field %q", k)
	}
	return d
}

// atoi is the integer of a regexp submatch.
func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// explore --format json and merge --format json print one document that
// says what the text says: the header's target and budget, the summary
// line's counts, dfs's exhaustiveness, each finding's line, the shrunk
// finding, the "expected:" line and the schedule file with its replay
// command.
func TestExploreJSON_MatchesTheText(t *testing.T) {
	shardDir := t.TempDir()
	for i := range 2 {
		code, _, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "1",
			"--shard", fmt.Sprintf("%d/2", i), "--progress", "never", "--out", shardDir)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
	}
	finding := []string{"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
		"--knob", "mode-after-flr=keep", "--explain-runs", "0", "--progress", "never"}
	for _, tc := range []struct {
		name     string
		args     []string // --out DIR and --format are added
		code     int
		dfs      bool
		merged   int
		findings int
	}{
		{"explore, a finding", finding, cmdbase.ExitFinding, false, 0, 1},
		{"explore dfs, nothing found", []string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "1",
			"--progress", "never"}, cmdbase.ExitOK, true, 0, 0},
		{"merge", []string{"merge", shardDir}, cmdbase.ExitOK, true, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			outText, outJSON := t.TempDir(), t.TempDir()
			code, text, stderr := runSimCLI(t, append(tc.args, "--out", outText)...)
			require.Equal(t, tc.code, code, stderr)
			code, js, stderr := runSimCLI(t, append(tc.args, "--out", outJSON, "--format", "json")...)
			require.Equal(t, tc.code, code, stderr)
			d := decodeExploreDoc(t, js)

			header := regexp.MustCompile(`(?m)^explore (\S+) (\S+)((?: \S+)*?): (.+)$`).FindStringSubmatch(text)
			require.NotNil(t, header, text)
			assert.Equal(t, []string{header[1], header[2]}, []string{d.Scenario, d.Edition})
			assert.Equal(t, strings.Fields(header[3]), append([]string{}, d.Knobs...))
			assert.Equal(t, header[1]+" "+header[2]+header[3], d.Target)
			assert.True(t, strings.HasPrefix(header[4], d.Budget), "%q starts with the budget %q", header[4], d.Budget)

			counts := regexp.MustCompile(`(?m)^schedules: (\d+)(?: \(\+(\d+) pruned\))?, decisions: \d+, distinct interleavings: (\d+), failing: (\d+), findings: (\d+)$`).FindStringSubmatch(text)
			require.NotNil(t, counts, text)
			pruned := 0
			if counts[2] != "" {
				pruned = atoi(t, counts[2])
			}
			e := d.Explored
			assert.Equal(t, []int{atoi(t, counts[1]), pruned, atoi(t, counts[3]), atoi(t, counts[4]), atoi(t, counts[5])},
				[]int{e.Schedules, e.Pruned, e.Distinct, e.Failing, len(d.Findings)})
			assert.Equal(t, tc.findings, len(d.Findings))
			assert.Positive(t, e.Executed)
			assert.False(t, e.Interrupted)
			assert.Equal(t, tc.merged, d.Merged)
			if tc.dfs {
				require.NotNil(t, e.Bound)
				assert.Equal(t, 1, *e.Bound)
				require.NotNil(t, e.CompleteWithinBound)
				require.NotNil(t, e.CompleteUnbounded)
				assert.Equal(t, strings.Contains(text, "dfs: exhaustive bound 1: "), *e.CompleteWithinBound && !*e.CompleteUnbounded)
				assert.True(t, *e.CompleteWithinBound, text)
				assert.Equal(t, *e.CompleteUnbounded, e.Exhaustive)
				assert.Equal(t, strings.Contains(text, "(the bound cut some picks)"), e.BoundHit)
			} else {
				assert.Nil(t, e.Bound)
				assert.Nil(t, e.CompleteWithinBound)
			}
			expected := regexp.MustCompile(`(?m)^  expected: (.+)$`).FindStringSubmatch(text)
			require.NotNil(t, expected, text)
			assert.Equal(t, expected[1], d.Expected)

			for _, f := range d.Findings {
				assert.Regexp(t, fmt.Sprintf(`(?m)^finding %s at schedule #%d \(seed %d\), step %d: `, regexp.QuoteMeta(f.Finding.Oracle), f.Index, f.Seed, f.Finding.Step+1), text)
			}
			if tc.findings == 0 {
				assert.Nil(t, d.Finding)
				assert.Empty(t, d.Schedule)
				return
			}
			require.NotNil(t, d.Finding)
			require.NotNil(t, d.Shrunk)
			assert.Contains(t, text, fmt.Sprintf("  impact: %s (", d.Finding.Impact))
			assert.Regexp(t, fmt.Sprintf(`(?m)^shrunk %s: %d → %d steps|^shrunk %s: .*%d steps`, d.Finding.Oracle, d.Shrunk.Before.Steps, d.Shrunk.After.Steps,
				d.Finding.Oracle, d.Shrunk.After.Steps), text)
			require.NotNil(t, d.Slice, "the narrowed slice")
			assert.True(t, d.Slice.Kept)
			assert.Contains(t, text, fmt.Sprintf("  slice: %d of %d steps placed", len(d.Slice.Steps), d.Slice.Of))
			assert.Contains(t, text, fmt.Sprintf("(%d checks)", d.Slice.Checks))
			for _, st := range d.Slice.Steps {
				assert.Regexp(t, fmt.Sprintf(`(?m)^    step %d %s( \(.*\))?$`, st.Step, regexp.QuoteMeta(st.Label)), text)
			}
			textSchedule := regexp.MustCompile(`(?m)^schedule: (\S+) \(trace hash`).FindStringSubmatch(text)
			require.NotNil(t, textSchedule, text)
			assert.Equal(t, filepath.Join(outJSON, filepath.Base(textSchedule[1])), d.Schedule, "the same file name, under its --out")
			assert.FileExists(t, d.Schedule)
			assert.Equal(t, "migsim replay "+d.Schedule, d.Replay)
		})
	}
}
