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

// TestRun_RequireProofMarksUnprovedPasses: with --require-proof, a row
// that expects and gets pass without a dfs search that exhausted the
// bound asked is UNPROVED (text, JSON, JUnit) and the run exits 1; the
// smoke scenario's proofs spend their 100-run budget at bound 2.
func TestRun_RequireProofMarksUnprovedPasses(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "table.xml")
	code, out, stderr := runSimCLI(t, "run", "--progress", "never", "--require-proof", "--report", "junit="+junit, smokeScenario)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	rows := tableRows(out)
	require.Len(t, rows, 2)
	for _, r := range rows {
		assert.True(t, strings.HasPrefix(r, "UNPROVED "), r)
	}
	assert.Contains(t, out, "UNPROVED (--require-proof): the row expects pass")
	unwrapped := strings.ReplaceAll(out, "\n    ", " ") // the lines under the table wrap at 100 columns
	assert.Contains(t, unwrapped, "test-smoke draft-2023 defaults: unproved: no dfs search exhausted bound 2 or more: bound 2 not exhausted: run budget of 100 spent,")
	assert.Contains(t, out, "2 rows: 0 match, 0 mismatch, 2 unproved;")

	x, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(string(x), `type="unproved"`), string(x))
	assert.Contains(t, string(x), `message="pass not proved: no dfs search exhausted bound 2 or more`)

	code, out, stderr = runSimCLI(t, "run", "--progress", "never", "--require-proof", "--format", "json", smokeScenario)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	var doc struct {
		Rows []struct {
			Match    bool   `json:"match"`
			Status   string `json:"status"`
			Unproved string `json:"unproved"`
		} `json:"rows"`
		Match    int `json:"match"`
		Unproved int `json:"unproved"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Rows, 2)
	for _, r := range doc.Rows {
		assert.True(t, r.Match, "the verdict still matches")
		assert.Equal(t, "unproved", r.Status)
		assert.Contains(t, r.Unproved, "no dfs search exhausted bound 2 or more")
	}
	assert.Equal(t, 0, doc.Match)
	assert.Equal(t, 2, doc.Unproved)
}

// TestRun_RequireProofRaisesTheBound: --require-proof=3 searches the
// proofs at bound 3 (the scenario's lines ask for 2), and a row whose
// search ran every schedule is proved.
func TestRun_RequireProofRaisesTheBound(t *testing.T) {
	code, out, stderr := runSimCLI(t, "run", "--progress", "never", "--require-proof=3", "peer-kick-after-final-read")
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	passes := 0
	for _, r := range tableRows(out) {
		require.True(t, strings.HasPrefix(r, "ok "), r)
		if strings.Contains(r, " pass ") {
			passes++
			assert.Contains(t, r, "(bound 3 never cut)", r)
		}
	}
	assert.Equal(t, 2, passes)
	assert.NotContains(t, out, "UNPROVED")
}

func TestRun_RequireProofUsage(t *testing.T) {
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--require-proof", "3"}, "--require-proof 3: this flag takes its value after '=': write --require-proof=3 (or --require-proof alone for 2)"},
		{[]string{"--require-proof=0"}, "--require-proof 0: want 1..64"},
		{[]string{"--require-proof=65"}, "--require-proof 65: want 1..64"},
		{[]string{"--require-proof=two"}, "--require-proof"},
		// pflag would read 010 as octal, bound 8: refused as --seed 010 is.
		{[]string{"--require-proof=010"}, "--require-proof 010: a leading 0 is ambiguous: write 10, or 0o10 for octal"},
		{[]string{"--require-proof", "010"}, "--require-proof 010: this flag takes its value after '=': write --require-proof=10 (or --require-proof alone for 2)"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append(append([]string{"run"}, c.args...), smokeScenario)...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, stderr, c.want)
		})
	}
}
