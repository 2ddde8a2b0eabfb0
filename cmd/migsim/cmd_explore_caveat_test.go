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

// racyGuestScenario submits a write and starts an FLR without waiting for
// it: its guest log depends on the schedule with or without migration.
const racyGuestScenario = "../../catalog/testdata/racy-guest.scn"

// narrowRaceScenario's guest program races with itself at one narrow
// point that random schedules almost never take, with no migration
// operation: the finding's own schedule, replayed without migration, shows
// it.
const narrowRaceScenario = "../../catalog/testdata/race/narrow-race.scn"

// TestExplore_CaveatOfARacyGuest: a transparent finding of a scenario
// whose guest program races with itself says so after the finding (the
// verdict stays a finding) and which run without migration showed it; the
// same program waiting for its write gets no caveat, and neither does a
// finding of another oracle.
func TestExplore_CaveatOfARacyGuest(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile(racyGuestScenario)
	require.NoError(t, err)
	racyGuest := string(b)
	b, err = os.ReadFile(narrowRaceScenario)
	require.NoError(t, err)
	for _, tc := range []struct {
		name, src, caveat, evidence string
	}{
		// The finding's schedule without the migration's steps, each actor
		// in its recorded place: the write racing the FLR as in the finding.
		{"racy", racyGuest, "the finding's own schedule, replayed without migration (seed", "finding-schedule"},
		{"narrow", string(b), "the finding's own schedule, replayed without migration", "finding-schedule"},
		{"calm", strings.Replace(racyGuest, "  flr\n", "  wait\n  flr\n", 1), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(dir, tc.name+".scn")
			require.NoError(t, os.WriteFile(p, []byte(tc.src), 0o644))
			code, out, stderr := runSimCLI(t, "explore", "--scenario", p, "--spec", "draft-2023", "--jobs", "1",
				"--explain-runs", "0", "--progress", "never", "--out", t.TempDir())
			if tc.caveat == "" {
				assert.Equal(t, cmdbase.ExitOK, code, stderr)
				assert.NotContains(t, out, "caveat:")
				return
			}
			assert.Equal(t, cmdbase.ExitFinding, code, stderr)
			assert.Contains(t, out, "finding transparent")
			assert.Contains(t, out, "\ncaveat: "+tc.caveat)
			_, js, stderr := runSimCLI(t, "explore", "--scenario", p, "--spec", "draft-2023", "--jobs", "1",
				"--explain-runs", "0", "--progress", "never", "--out", t.TempDir(), "--format", "json")
			var doc struct {
				Caveat         string `json:"caveat"`
				CaveatEvidence string `json:"caveat_evidence"`
			}
			require.NoError(t, json.Unmarshal([]byte(js), &doc), stderr)
			assert.True(t, strings.HasPrefix(doc.Caveat, tc.caveat), doc.Caveat)
			assert.Equal(t, tc.evidence, doc.CaveatEvidence)
		})
	}
	code, out, _, _ := exploreFLRShared(t, "--explain-runs", "0")
	assert.Equal(t, cmdbase.ExitFinding, code)
	assert.NotContains(t, out, "caveat:", "a frozen-context finding has none")
}
