package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/internal/reseal"
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

// Bad shard summaries are errors naming the field or the offset: text that
// is not a summary, a summary changed after it was written (its checksum),
// and summaries whose fields do not hold together although their checksum
// does (sealed below, as a writer with a bug would).
func TestShardFile_Errors(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"empty", ``, "decode: EOF"},
		{"syntax", `{"format": 5,,}`, "malformed JSON at byte offset"},
		{"trailing", `{"format": 5} {}`, "trailing data"},
		{"format", `{"format": 4}`, "field format: version 4, want 5"},
		{"edited", `{"format": 5, "report": {"target": "t", "budget": "b", "strategy": "pct", "summary": {"Strategy": "pct", "Shards": 2}}, "checksum": "0000000000000000"}`,
			"field checksum"},
	} {
		_, err := parseShardFile([]byte(tc.text))
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
	for _, tc := range []struct {
		name   string
		change func(sf *shardFile)
		want   string
	}{
		{"target", func(sf *shardFile) { sf.Report.Target = "" }, "field report.target"},
		{"strategy", func(sf *shardFile) { sf.Report.Strategy = "bfs" }, `field report.strategy: "bfs"`},
		{"not a shard", func(sf *shardFile) { sf.Report.Summary.Shards = 1 }, "is not a shard"},
		{"too many shards", func(sf *shardFile) { sf.Report.Summary.Shards = 4_000_000_000_000 },
			"field report.summary.Shards: 4000000000000, want at most 1000000"},
		{"one shard over the limit", func(sf *shardFile) { sf.Report.Summary.Shards = maxShards + 1 },
			"field report.summary.Shards: 1000001, want at most 1000000"},
		{"path in name", func(sf *shardFile) { sf.ScheduleName = "../x.json" }, "is not a schedule file name"},
		{"name without schedule", func(sf *shardFile) { sf.ScheduleName = "x.json" }, "go together"},
		{"negative count", func(sf *shardFile) { sf.Report.Summary.Schedules = -5 }, "field report.summary.Schedules: -5 is negative"},
		{"more distinct than schedules", func(sf *shardFile) {
			sf.Report.Summary.Distinct, sf.Report.Summary.Interleavings = 3, []uint64{1, 2, 3}
		}, "field report.summary.Distinct"},
		{"distinct not listed", func(sf *shardFile) {
			sf.Report.Summary.Schedules, sf.Report.Summary.Distinct = 5, 2
		}, "field report.summary.Interleavings"},
		{"another shard's subtree", func(sf *shardFile) {
			sf.Report.Summary.Subtrees = []engine.SubtreeRuns{{ID: 0, Runs: 4}, {ID: 3, Runs: 1}}
		}, "field report.summary.Subtrees[1]: subtree 3"},
		{"a subtree twice", func(sf *shardFile) {
			sf.Report.Summary.Subtrees = []engine.SubtreeRuns{{ID: 2, Runs: 4}, {ID: 2, Runs: 1}}
		}, "listed twice"},
		{"explanation without a shrunk finding", func(sf *shardFile) {
			sf.Report.Explained = &explain.Explanation{Steps: 3}
		}, "field report.explained: an explanation without a shrunk finding"},
	} {
		sf := shardFile{Format: shardFileFormat, Report: exploreReport{Target: "t", Budget: "b", Strategy: engine.StrategyPCT,
			Summary: engine.Summary{Strategy: engine.StrategyPCT, Shard: 0, Shards: 2}}}
		tc.change(&sf)
		sum, err := sf.checksum()
		require.NoError(t, err)
		sf.Checksum = sum
		b, err := json.Marshal(&sf)
		require.NoError(t, err)
		_, err = parseShardFile(b)
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
}

// An explanation must fit the shrunk run it explains: merge prints its
// steps by index.
func TestShardFile_ExplainedFitsTheRun(t *testing.T) {
	shrunk := &engine.ShrinkResult{Result: engine.Result{Choices: make([]engine.Choice, 3)}}
	for _, tc := range []struct {
		name string
		ex   explain.Explanation
		want string
	}{
		{"fits", explain.Explanation{Steps: 3, Checked: 3, Orders: []explain.Order{{Before: 0, After: 2, Moved: 2}}}, ""},
		{"order beyond the run", explain.Explanation{Steps: 3, Orders: []explain.Order{{Before: 1, After: 7, Moved: 1}}},
			"field report.explained.orders[0]: steps 1 before 7 (moved 1) in a run of 3 steps"},
		{"order backwards", explain.Explanation{Steps: 3, Orders: []explain.Order{{Before: 2, After: 1, Moved: 1}}}, "steps 2 before 1"},
		{"moved neither", explain.Explanation{Steps: 3, Orders: []explain.Order{{Before: 0, After: 1, Moved: 2}}}, "(moved 2)"},
		{"counts", explain.Explanation{Steps: 3, Checked: 4}, "field report.explained: counts"},
	} {
		err := checkExplained(&exploreReport{Shrunk: shrunk, Explained: &tc.ex})
		if tc.want == "" {
			assert.NoError(t, err, tc.name)
			continue
		}
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
}

// shardTestdata holds shard summaries as explore wrote them: the two
// shards of a pct exploration with a finding (shard 1 found and shrank
// it) and the two of a dfs exploration without.
const shardTestdata = "testdata/shard"

// shardSeeds returns the summaries under shardTestdata, sorted by name.
func shardSeeds(f *testing.F) [][]byte {
	f.Helper()
	files, err := filepath.Glob(filepath.Join(shardTestdata, "*.summary.json"))
	require.NoError(f, err)
	require.Len(f, files, 4)
	var seeds [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		seeds = append(seeds, b)
	}
	return seeds
}

// resealShardFile returns b with its checksum field replaced by the
// checksum of the rest of b, so that a fuzzer's changes reach the checks
// behind the checksum. The second result is false when b is not a JSON
// object of shard summary fields (b is then returned as it is).
func resealShardFile(b []byte) ([]byte, bool) {
	return reseal.JSON(b, func(body []byte) (string, bool) {
		var sf shardFile
		if json.Unmarshal(body, &sf) != nil {
			return "", false
		}
		sum, err := sf.checksum()
		return sum, err == nil
	})
}

// The reseal helper of the fuzz targets gives what explore writes: a real
// summary, its checksum zeroed, parses again once resealed.
func TestResealShardFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(shardTestdata, "test-smoke_draft-2023.shard-1-of-2.summary.json"))
	require.NoError(t, err)
	want, err := parseShardFile(b)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	m["checksum"] = json.RawMessage(`"0000000000000000"`)
	zeroed, err := json.Marshal(m)
	require.NoError(t, err)
	_, err = parseShardFile(zeroed)
	require.ErrorContains(t, err, "field checksum")
	sealed, ok := resealShardFile(zeroed)
	require.True(t, ok)
	got, err := parseShardFile(sealed)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	for _, notObject := range []string{``, `[]`, `null`, `{"format": "x"}`} {
		out, ok := resealShardFile([]byte(notObject))
		assert.False(t, ok, notObject)
		assert.Equal(t, notObject, string(out))
	}
}

// FuzzParseShardFile: any input is parsed or refused, never a panic, and
// what is accepted is a shard. With reseal the input's checksum is
// recomputed first (resealShardFile), so that the checks behind it see
// the fuzzer's bytes: a resealed input is never refused for its checksum.
//
// Run it with -fuzzminimizetime 200x: the seed of the shard that found and
// shrank a finding (under testdata/shard) is 68 KB, and Go's minimisation
// of a new input grown from it (its last pass is quadratic in the input's
// length) stalls the fuzzer for up to its default 60 s, again and again:
//
//	go test ./cmd/migsim -run '^$' -fuzz '^FuzzParseShardFile$' -fuzzminimizetime 200x
func FuzzParseShardFile(f *testing.F) {
	f.Add([]byte(`{"format": 5, "report": {"target": "t", "budget": "b", "strategy": "pct", "summary": {"Strategy": "pct", "Shard": 0, "Shards": 2}}}`), true)
	f.Add([]byte(`{"format": 4, "schedule_name": "a.json"}`), true)
	f.Add([]byte(`[]`), false)
	f.Add([]byte(`{"format": 4, "report": {"target": "t", "budget": "b", "strategy": "pct", "summary": {"Strategy": "pct", "Shard": 0, "Shards": 2}, "explained": {"orders": [{"before": 5, "after": 9}], "steps": 2}}}`), true)
	for _, b := range shardSeeds(f) {
		f.Add(b, false)
		f.Add(b, true)
	}
	f.Fuzz(func(t *testing.T, b []byte, reseal bool) {
		resealed := false
		if reseal {
			b, resealed = resealShardFile(b)
		}
		sf, err := parseShardFile(b)
		if err != nil {
			if resealed && strings.HasPrefix(err.Error(), "field checksum") {
				t.Fatalf("a resealed input is refused for its checksum: %v", err)
			}
			return
		}
		if sf.Report.Summary.Shards < 2 || sf.Report.Summary.Shards > maxShards || sf.Report.Target == "" {
			t.Fatalf("accepted a summary that is not a shard: %+v", sf.Report.Summary)
		}
	})
}

// FuzzMergeShards merges shard summaries given as bytes (resealed first
// when reseal is set, as FuzzParseShardFile does): a and b when both
// parse, a alone when only it does. Nothing panics, and a merge that
// succeeds prints its report. Run it with -fuzzminimizetime 200x, for the
// reason FuzzParseShardFile gives (its seeds are the same summaries):
//
//	go test ./cmd/migsim -run '^$' -fuzz '^FuzzMergeShards$' -fuzzminimizetime 200x
func FuzzMergeShards(f *testing.F) {
	seeds := shardSeeds(f)
	// seeds: flr shard 0, flr shard 1 (the finding), smoke shard 0, smoke shard 1.
	f.Add(seeds[0], seeds[1], false)
	f.Add(seeds[1], seeds[0], false)
	f.Add(seeds[2], seeds[3], false)
	f.Add(seeds[2], seeds[3], true)
	f.Add(seeds[0], seeds[2], false)
	f.Add(seeds[3], seeds[3], false)
	f.Fuzz(func(t *testing.T, a, b []byte, reseal bool) {
		var shards []*shardFile
		var names []string
		for i, in := range [][]byte{a, b} {
			if reseal {
				in, _ = resealShardFile(in)
			}
			sf, err := parseShardFile(in)
			if err != nil {
				if i == 0 {
					return
				}
				break
			}
			shards, names = append(shards, sf), append(names, fmt.Sprintf("shard-%d.summary.json", i))
		}
		rep, name, err := mergeShardFiles(shards, names)
		if err != nil {
			return
		}
		if (rep.Schedule == nil) != (name == "") {
			t.Fatalf("merged schedule %v named %q", rep.Schedule != nil, name)
		}
		var out bytes.Buffer
		rep.printSummary(&out)
		rep.printResult(&out)
	})
}

// TestShardFile_StaleScheduleRemoved: a shard run again after its scenario
// changed, finding nothing this time, removes the schedule file its last
// run wrote (its summary named it), so no schedule sits beside a summary
// that does not name it; a run that finds it again keeps it.
func TestShardFile_StaleScheduleRemoved(t *testing.T) {
	scn, fixFLR := flrScenarioCopy(t)
	out := t.TempDir()
	explore := func() (int, string) {
		code, _, stderr := runSimCLI(t, "explore", "--scenario", scn, "--spec", "draft-2023",
			"--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep",
			"--strategy", "pct", "--schedules", "40", "--seed", "1", "--shard", "1/2", "--out", out, "--explain-runs", "0")
		return code, stderr
	}
	code, stderr := explore()
	require.Equal(t, exitFinding, code, stderr)
	summary := filepath.Join(out, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.shard-1-of-2.summary.json")
	sf, err := readShardFile(summary)
	require.NoError(t, err)
	require.NotEmpty(t, sf.ScheduleName)
	sched := filepath.Join(out, shardName(sf.ScheduleName, ".json", 1, 2))
	require.FileExists(t, sched)

	code, stderr = explore()
	require.Equal(t, exitFinding, code, stderr)
	assert.FileExists(t, sched, "the same finding again keeps its file")
	assert.NotContains(t, stderr, "removed")

	fixFLR() // without the FLR there is nothing to find
	code, stderr = explore()
	require.Equal(t, exitOK, code, stderr)
	assert.NoFileExists(t, sched)
	assert.Contains(t, stderr, "migsim explore: removed "+sched+", the schedule file of this shard's last run")
	sf, err = readShardFile(summary)
	require.NoError(t, err)
	assert.Empty(t, sf.ScheduleName)
}

// flrScenarioCopy copies the FLR-during-freeze test scenario into a
// temporary directory and returns the copy's path and a function that
// rewrites the copy without the guest's FLR (nothing to find then).
func flrScenarioCopy(t *testing.T) (scn string, fixFLR func()) {
	t.Helper()
	src, err := os.ReadFile(flrScenario)
	require.NoError(t, err)
	scn = filepath.Join(t.TempDir(), "flr-freeze.scn")
	require.NoError(t, os.WriteFile(scn, src, 0o644))
	return scn, func() {
		fixed := strings.Replace(string(src), "  flr\n  probe\n", "", 1)
		require.NotEqual(t, string(src), fixed)
		require.NoError(t, os.WriteFile(scn, []byte(fixed), 0o644))
	}
}

// parseShard reads "i/n" with 0 <= i < n <= maxShards, "" as everything.
func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		i, n int
		want string
	}{
		{"", 0, 1, ""},
		{"0/4", 0, 4, ""},
		{"3/4", 3, 4, ""},
		{"999999/1000000", 999999, 1000000, ""},
		{"0/1000001", 0, 0, `--shard "0/1000001": n 1000001: want 1..1000000 shards`},
		{"0/4000000000000", 0, 0, `--shard "0/4000000000000": n 4000000000000: want 1..1000000 shards`},
		{"4/4", 0, 0, `--shard "4/4": want 0 <= i < n`},
		{"-1/4", 0, 0, `--shard "-1/4": want 0 <= i < n`},
		{"0/0", 0, 0, `--shard "0/0": want 0 <= i < n`},
		{"1of2", 0, 0, `--shard "1of2": want i/n, e.g. 0/4`},
		{"01/4", 0, 0, `--shard "01/4": want i/n, e.g. 0/4`},
		{"1/4 ", 0, 0, `--shard "1/4 ": want i/n, e.g. 0/4`},
	} {
		i, n, err := parseShard(tc.in)
		if tc.want != "" {
			assert.EqualError(t, err, tc.want, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		assert.Equal(t, [2]int{tc.i, tc.n}, [2]int{i, n}, tc.in)
	}
}

// FuzzParseShard: parseShard never panics, accepts only what it prints
// back ("i/n", canonical) within the limits, and names the flag in its
// errors.
func FuzzParseShard(f *testing.F) {
	for _, s := range []string{"", "0/4", "3/4", "0/1000000", "0/1000001", "1of2", "-1/2", "01/4", "9223372036854775807/9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		i, n, err := parseShard(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "--shard ") {
				t.Fatalf("%q: error does not name the flag: %v", s, err)
			}
			return
		}
		if n < 1 || n > maxShards || i < 0 || i >= n {
			t.Fatalf("%q: accepted %d/%d", s, i, n)
		}
		if s != "" && fmt.Sprintf("%d/%d", i, n) != s {
			t.Fatalf("%q: read as %d/%d", s, i, n)
		}
	})
}
