package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A shard summary written by explore reads back to the same report.
func TestShardFile_RoundTrip(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := runSimCLI(t, "explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
		"--strategy", "pct", "--schedules", "40", "--seed", "1", "--shard", "1/2", "--out", dir)
	require.Contains(t, []int{exitOK, exitFinding}, code, stderr)
	p := filepath.Join(dir, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.shard-1-of-2.summary.json")
	sf, err := readShardFile(p)
	require.NoError(t, err)
	assert.Equal(t, 1, sf.Report.Summary.Shard)
	assert.Equal(t, 2, sf.Report.Summary.Shards)
	assert.Equal(t, 20, sf.Report.Summary.Schedules)
	again := filepath.Join(t.TempDir(), "again.summary.json")
	require.NoError(t, writeShardFile(again, &sf.Report))
	a, err := os.ReadFile(p)
	require.NoError(t, err)
	b, err := os.ReadFile(again)
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
}

// Bad shard summaries are errors naming the field or the offset.
func TestShardFile_Errors(t *testing.T) {
	cases := []struct {
		name, text, want string
	}{
		{"empty", ``, "decode: EOF"},
		{"syntax", `{"format": 2,,}`, "malformed JSON at byte offset"},
		{"trailing", `{"format": 2} {}`, "trailing data"},
		{"format", `{"format": 1}`, "field format: version 1, want 2"},
		{"target", `{"format": 2, "report": {"budget": "b"}}`, "field report.target"},
		{"strategy", `{"format": 2, "report": {"target": "t", "budget": "b", "strategy": "bfs"}}`, `field report.strategy: "bfs"`},
		{"not a shard", `{"format": 2, "report": {"target": "t", "budget": "b", "strategy": "pct", "summary": {"Strategy": "pct", "Shards": 1}}}`,
			"is not a shard"},
		{"path in name", `{"format": 2, "schedule_name": "../x.json", "report": {"target": "t", "budget": "b", "strategy": "pct",
			"summary": {"Strategy": "pct", "Shard": 0, "Shards": 2}}}`, "is not a schedule file name"},
		{"name without schedule", `{"format": 2, "schedule_name": "x.json", "report": {"target": "t", "budget": "b", "strategy": "pct",
			"summary": {"Strategy": "pct", "Shard": 0, "Shards": 2}}}`, "go together"},
	}
	for _, tc := range cases {
		_, err := parseShardFile([]byte(tc.text))
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
}

// FuzzParseShardFile: any input is parsed or refused, never a panic.
func FuzzParseShardFile(f *testing.F) {
	f.Add([]byte(`{"format": 2, "report": {"target": "t", "budget": "b", "strategy": "pct", "summary": {"Strategy": "pct", "Shard": 0, "Shards": 2}}}`))
	f.Add([]byte(`{"format": 2, "schedule_name": "a.json"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		sf, err := parseShardFile(b)
		if err == nil && (sf.Report.Summary.Shards < 2 || sf.Report.Target == "") {
			t.Fatalf("accepted a summary that is not a shard: %+v", sf)
		}
	})
}
