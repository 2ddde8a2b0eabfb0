package report

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
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/jsonpath/jsonpathtest"
	"github.com/migsim/migsim/internal/reseal"
)

// Bad shard summaries are errors naming the field or the offset: text that
// is not a summary, a summary changed after it was written (its checksum),
// and summaries whose fields do not hold together although their checksum
// does (sealed below, as a writer with a bug would).
func TestShardFile_Errors(t *testing.T) {
	for _, tc := range []struct {
		name, text, want string
	}{
		{"empty", ``, "empty file"},
		{"truncated", `{"format": 8, "report": {"tar`, "truncated at byte 29 of 29"},
		{"wrong type", `{"format": "6"}`, "field format: got JSON string, want number (integer -2^63..2^63-1)"},
		{"syntax", `{"format": 8,,}`, "malformed JSON at byte offset"},
		{"byte-order mark", "\ufeff{\"format\": 8}", "malformed JSON at byte offset 0: the file starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not allow: save it without one"},
		{"trailing", `{"format": 8} {}`, "trailing data"},
		{"null", " null\n", "not a JSON object: the file holds JSON null"},
		{"format", `{"format": 6}`, "field format: version 6, want 8: an older migsim wrote it"},
		// A summary of version 7 reads as this version's fields; its
		// version says it is an older one, whose target was text only.
		{"version 7", `{"format": 7, "module": "devel", "build": "vcs:1", "report": {"target": "t", "budget": "b"}}`,
			"field format: version 7, want 8: an older migsim wrote it (before version 8 a summary named its target only as text): explore the shard again with this build"},
		// A newer version's fields are not this one's: its version says so.
		{"newer format, a field this one lacks", `{"format": 9, "module": "devel", "build": "vcs:1", "shard_set": "a"}`,
			"field format: version 9, want 8"},
		{"newer format, a field of another type", `{"format": 9, "module": 9}`, "field format: version 9, want 8"},
		{"a schedule file", `{"format": 4, "edition": "virtio-1.4", "choices": []}`, "a schedule file (migsim replay reads it), not a shard summary"},
		// No migsim wrote a summary without its version: it is not an
		// older one.
		{"an empty object", `{}`, "field format: version 0, want 8: no migsim writes it (missing, or not a version): not a shard summary"},
		{"a negative version", `{"format": -8}`, "field format: version -8, want 8: no migsim writes it"},
		{"unknown field, nested", `{"format": 8, "report": {"target": "t", "summary": {"Schedules": 3, "Shardz": 2}}}`,
			`unknown field "Shardz" (report.summary.Shardz, byte offset 68)`},
		{"edited", `{"format": 8, "report": {"target": "t", "budget": "b", "strategy": "pct", "summary": {"Strategy": "pct", "Shards": 2}}, "checksum": "0000000000000000"}`,
			"field checksum: does not match the rest of the summary: it was changed after explore wrote it"},
	} {
		_, err := ParseShardFile([]byte(tc.text))
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
	for _, tc := range []struct {
		name   string
		change func(sf *ShardFile)
		want   string
	}{
		{"target", func(sf *ShardFile) { sf.Report.Target = "" }, "field report.target"},
		{"no scenario", func(sf *ShardFile) { sf.Report.Scenario = "" }, "field report.scenario or report.edition: empty"},
		{"no edition", func(sf *ShardFile) { sf.Report.Edition = "" }, "field report.scenario or report.edition: empty"},
		{"target and data disagree", func(sf *ShardFile) { sf.Report.Knobs = []string{"mode-after-flr=keep"} },
			`field report.target: "t draft-2023", but report.scenario, edition, knobs and settings say "t draft-2023 mode-after-flr=keep"`},
		{"strategy", func(sf *ShardFile) { sf.Report.Strategy = "bfs" }, `field report.strategy: "bfs"`},
		{"not a shard", func(sf *ShardFile) { sf.Report.Summary.Shards = 0 }, "is not a shard"},
		{"shard out of range", func(sf *ShardFile) { sf.Report.Summary.Shard = 2 }, "field report.summary.Shard: 2/2 is not a shard"},
		{"no scenario hash", func(sf *ShardFile) { sf.Report.ScenarioHash = "" }, "field report.scenario_hash: empty"},
		{"no step bound", func(sf *ShardFile) { sf.Report.MaxSteps = 0 }, "field report.max_steps: 0"},
		{"too many shards", func(sf *ShardFile) { sf.Report.Summary.Shards = 4_000_000_000_000 },
			"field report.summary.Shards: 4000000000000, want at most 1000000"},
		{"one shard over the limit", func(sf *ShardFile) { sf.Report.Summary.Shards = MaxShards + 1 },
			"field report.summary.Shards: 1000001, want at most 1000000"},
		{"path in name", func(sf *ShardFile) { sf.ScheduleName = "../x.json" }, "is not a schedule file name"},
		{"name without schedule", func(sf *ShardFile) { sf.ScheduleName = "x.json" }, "go together"},
		{"negative count", func(sf *ShardFile) { sf.Report.Summary.Schedules = -5 }, "field report.summary.Schedules: -5 is negative"},
		{"more distinct than schedules", func(sf *ShardFile) {
			sf.Report.Summary.Distinct, sf.Report.Summary.Interleavings = 3, []uint64{1, 2, 3}
		}, "field report.summary.Distinct"},
		{"distinct not listed", func(sf *ShardFile) {
			sf.Report.Summary.Schedules, sf.Report.Summary.Distinct = 5, 2
		}, "field report.summary.Interleavings"},
		{"another shard's subtree", func(sf *ShardFile) {
			sf.Report.Strategy, sf.Report.Summary.Strategy = engine.StrategyDFS, engine.StrategyDFS
			sf.Report.Summary.Subtrees = []engine.SubtreeRuns{{ID: 0, Runs: 4}, {ID: 3, Runs: 1}}
		}, "field report.summary.Subtrees[1]: subtree 3"},
		{"a subtree twice", func(sf *ShardFile) {
			sf.Report.Strategy, sf.Report.Summary.Strategy = engine.StrategyDFS, engine.StrategyDFS
			sf.Report.Summary.Subtrees = []engine.SubtreeRuns{{ID: 2, Runs: 4}, {ID: 2, Runs: 1}}
		}, "listed twice"},
		{"not shrunk without a finding", func(sf *ShardFile) { sf.Report.NotShrunk = true },
			"field report.not_shrunk: set, yet no finding as found"},
		{"explanation without a shrunk finding", func(sf *ShardFile) {
			sf.Report.Explained = &explain.Explanation{Steps: 3}
		}, "field report.explained: an explanation without a shrunk finding"},
	} {
		// A shard of a budget of 4 schedules, interrupted before it ran
		// any: the fewest counts that hold together.
		sf := ShardFile{Format: ShardFileFormat, Build: "vcs:0123", Report: Exploration{Target: "t draft-2023", Scenario: "t", Edition: "draft-2023", Budget: "pct 4 schedules, seed 0, depth 3, max steps 100", Strategy: engine.StrategyPCT,
			Schedules: 4, ScenarioHash: "h", MaxSteps: 100, Summary: engine.Summary{Strategy: engine.StrategyPCT, Shard: 0, Shards: 2, Interrupted: true}}}
		tc.change(&sf)
		sum, err := sf.checksum()
		require.NoError(t, err)
		sf.Checksum = sum
		b, err := json.Marshal(&sf)
		require.NoError(t, err)
		_, err = ParseShardFile(b)
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
		err := checkExplained(&Exploration{Shrunk: shrunk, Explained: &tc.ex})
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

// shardSeeds returns the summaries under shardTestdata, sorted by name,
// with the one that found a finding (flr shard 1, 68 KB) cut short
// (shortFinding): the fuzz targets' seeds.
func shardSeeds(f *testing.F) [][]byte {
	f.Helper()
	files, err := filepath.Glob(filepath.Join(shardTestdata, "*.summary.json"))
	require.NoError(f, err)
	require.Len(f, files, 4)
	var seeds [][]byte
	for _, p := range files {
		b, err := os.ReadFile(p)
		require.NoError(f, err)
		if filepath.Base(p) == pctShard1 {
			b = shortFinding(f, b, shortSteps)
		}
		seeds = append(seeds, b)
	}
	return seeds
}

// shortSteps is how many steps of the finding's run shortFinding keeps.
const shortSteps = 4

// The short finding is a summary of a few KB that merges with the other
// shard of its exploration into a report with its finding.
func TestShortFinding(t *testing.T) {
	b0, err := os.ReadFile(filepath.Join(shardTestdata, strings.Replace(pctShard1, "shard-1-of-2", "shard-0-of-2", 1)))
	require.NoError(t, err)
	b1, err := os.ReadFile(filepath.Join(shardTestdata, pctShard1))
	require.NoError(t, err)
	short := shortFinding(t, b1, shortSteps)
	assert.Less(t, len(short), 8<<10, "a seed of a few KB")
	var shards []*ShardFile
	for _, b := range [][]byte{b0, short} {
		sf, err := ParseShardFile(b)
		require.NoError(t, err)
		shards = append(shards, sf)
	}
	rep, _, err := MergeShards(shards, []string{"0.summary.json", "1.summary.json"}, MergeOptions{})
	require.NoError(t, err)
	require.NotNil(t, rep.Schedule)
	assert.Len(t, rep.Schedule.Choices, shortSteps)
}

// shortFinding returns the summary b of a shard that found and shrank a
// finding with the finding's run cut to its first n steps wherever the
// summary gives it (the finding, its shrunk run, the schedule, the
// explanation's counts and one order), resealed: a summary that merge
// reads, of a few KB. The shard of testdata/shard that found one is 68 KB:
// every run of a fuzz target seeded with it took milliseconds, and Go's
// minimising of an input grown from it stalled the fuzzer.
func shortFinding(tb testing.TB, b []byte, n int) []byte {
	tb.Helper()
	sf, err := ParseShardFile(b)
	require.NoError(tb, err)
	r := &sf.Report
	require.NotNil(tb, r.Shrunk)
	require.NotNil(tb, r.Schedule)
	require.NotNil(tb, r.Explained)
	cut := func(res *engine.Result) {
		res.Choices = res.Choices[:min(n, len(res.Choices))]
		if res.Finding != nil {
			res.Finding.Step = min(res.Finding.Step, n-1)
		}
	}
	for i := range r.Summary.Findings {
		fr := &r.Summary.Findings[i]
		fr.Finding.Step = min(fr.Finding.Step, n-1)
		cut(&fr.Result)
	}
	cut(&r.Shrunk.Result)
	for _, sz := range []*engine.Size{&r.Shrunk.Before, &r.Shrunk.After} {
		sz.Steps, sz.Relevant = min(sz.Steps, n), min(sz.Relevant, n)
	}
	r.Schedule.Choices = r.Schedule.Choices[:min(n, len(r.Schedule.Choices))]
	r.Schedule.Steps = len(r.Schedule.Choices)
	if r.Schedule.Finding != nil {
		r.Schedule.Finding.Step = min(r.Schedule.Finding.Step, n-1)
	}
	r.Explained.Steps, r.Explained.Checked = n, min(r.Explained.Checked, n)
	r.Explained.Orders = []explain.Order{{Before: 0, After: n - 1, Moved: 0}}
	out, err := json.MarshalIndent(sf, "", "  ")
	require.NoError(tb, err)
	out, ok := resealShardFile(out)
	require.True(tb, ok)
	_, err = ParseShardFile(out)
	require.NoError(tb, err, "the short finding reads")
	return out
}

// resealShardFile returns b with its checksum field replaced by the
// checksum of the rest of b, and the checksum of the schedule it embeds
// (report.schedule) by that schedule's, so that a fuzzer's changes reach
// the checks behind both checksums. The second result is false when b is
// not a JSON object of shard summary fields (b is then returned as it is).
func resealShardFile(b []byte) ([]byte, bool) {
	return resealSummary(resealEmbeddedSchedule(b))
}

// resealSummary reseals the summary's own checksum only: an embedded
// schedule keeps the checksum b gives it.
func resealSummary(b []byte) ([]byte, bool) {
	return reseal.JSON(b, func(body []byte) (string, bool) {
		var sf ShardFile
		if json.Unmarshal(body, &sf) != nil {
			return "", false
		}
		sum, err := sf.checksum()
		return sum, err == nil
	})
}

// resealEmbeddedSchedule returns b with the checksum of the schedule at
// report.schedule resealed (schedfile.Reseal), or b as it is when it has
// none that reseals.
func resealEmbeddedSchedule(b []byte) []byte {
	var top, rep map[string]json.RawMessage
	if json.Unmarshal(b, &top) != nil || json.Unmarshal(top["report"], &rep) != nil || rep["schedule"] == nil {
		return b
	}
	sched, ok := schedfile.Reseal(rep["schedule"])
	if !ok {
		return b
	}
	rep["schedule"] = sched
	var err error
	if top["report"], err = json.Marshal(rep); err != nil {
		return b
	}
	out, err := json.Marshal(top)
	if err != nil {
		return b
	}
	return out
}

// The reseal helper of the fuzz targets gives what explore writes: a real
// summary, its checksum zeroed, parses again once resealed.
func TestResealShardFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(shardTestdata, "test-smoke_draft-2023.shard-1-of-2.summary.json"))
	require.NoError(t, err)
	want, err := ParseShardFile(b)
	require.NoError(t, err)
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &m))
	m["checksum"] = json.RawMessage(`"0000000000000000"`)
	zeroed, err := json.Marshal(m)
	require.NoError(t, err)
	_, err = ParseShardFile(zeroed)
	require.ErrorContains(t, err, "field checksum")
	sealed, ok := resealShardFile(zeroed)
	require.True(t, ok)
	got, err := ParseShardFile(sealed)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	for _, notObject := range []string{``, `[]`, `null`, `{"format": "x"}`} {
		out, ok := resealShardFile([]byte(notObject))
		assert.False(t, ok, notObject)
		assert.Equal(t, notObject, string(out))
	}
}

// A value of the wrong type is named by its full path, array indexes
// included (the decoder says report.explained.orders.before for every
// order), an object or an array in its place by its own path, not by the
// first value inside it, each with the byte offset of the value's first
// byte, and the JSON kind the field takes, not its Go type.
func TestShardFile_TypeErrorPath(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		at         string // the text up to the offset named
		want       string // the error before its byte offset
	}{
		{"an element of a list", `{"format": 8, "report": {"knobs": ["a", 2]}}`, `{"format": 8, "report": {"knobs": ["a", `,
			"field report.knobs[1]: got JSON number, want string"},
		{"an object in place of a list", `{"format": 8, "report": {"knobs": {"a": 1}}}`, `{"format": 8, "report": {"knobs": `,
			"field report.knobs: got JSON object, want array"},
		{"a field of the second element", `{"format": 8, "report": {"explained": {"orders": [{"before": 5, "after": 9}, {"before": "x"}]}}}`,
			`{"format": 8, "report": {"explained": {"orders": [{"before": 5, "after": 9}, {"before": `,
			"field report.explained.orders[1].before: got JSON string, want number (integer -2^63..2^63-1)"},
		{"an array in place of an element", `{"format": 8, "report": {"explained": {"orders": [{"before": 5}, [1]]}}}`,
			`{"format": 8, "report": {"explained": {"orders": [{"before": 5}, `,
			"field report.explained.orders[1]: got JSON array, want object"},
		// A schedule decodes itself: the decoder counts the offset from
		// the schedule's start, and the error still names the value.
		{"a field inside the embedded schedule", `{"format": 8, "report": {"knobs": ["a", "b", "c"], "schedule": {"format": 4, "choices": [{"i": 1}, {"i": "x"}]}}}`,
			`{"format": 8, "report": {"knobs": ["a", "b", "c"], "schedule": {"format": 4, "choices": [{"i": 1}, {"i": `,
			"field report.schedule.choices[1].i: got JSON string, want number (integer -2^63..2^63-1)"},
		{"the embedded schedule of the wrong kind", `{"format": 8, "report": {"knobs": ["a", "b", "c"], "schedule": [1]}}`,
			`{"format": 8, "report": {"knobs": ["a", "b", "c"], "schedule": `,
			"field report.schedule: got JSON array, want object"},
		// A scalar in its place: the schedule's decoder counts the offset
		// from the scalar's first byte (it was named as byte offset 0).
		{"a number in place of the embedded schedule", `{"format": 8, "report": {"knobs": ["a"], "schedule": 2}}`,
			`{"format": 8, "report": {"knobs": ["a"], "schedule": `,
			"field report.schedule: got JSON number, want object"},
		{"a boolean in place of the embedded schedule", `{"format": 8, "report": {"schedule": true}}`,
			`{"format": 8, "report": {"schedule": `,
			"field report.schedule: got JSON boolean, want object"},
		{"a string in place of the embedded schedule", `{"format": 8, "report": {"schedule": "x"}}`,
			`{"format": 8, "report": {"schedule": `,
			"field report.schedule: got JSON string, want object"},
		{"a key given twice", `{"format": 8, "report": {"knobs": ["a"], "knobs": ["b", true]}}`, `{"format": 8, "report": {"knobs": ["a"], "knobs": ["b", `,
			"field report.knobs[1]: got JSON boolean, want string"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.True(t, strings.HasPrefix(tc.text, tc.at))
			_, err := ParseShardFile([]byte(tc.text))
			require.EqualError(t, err, fmt.Sprintf("%s (byte offset %d)", tc.want, len(tc.at)))
		})
	}
	for _, tc := range []struct{ text, want string }{
		{`[]`, "array"}, {`5`, "number"}, {`"x"`, "string"}, {`true`, "boolean"},
	} {
		_, err := ParseShardFile([]byte(tc.text))
		require.EqualError(t, err, "not a JSON object: the file holds a JSON "+tc.want, tc.text)
	}
}

// FuzzParseShardFile: any input is parsed or refused, never a panic, and
// what is accepted is a shard. With reseal the input's checksum is
// recomputed first (resealShardFile), so that the checks behind it see
// the fuzzer's bytes: a resealed input is never refused for its checksum.
//
// Its seeds are the summaries of testdata/shard, the one that found a
// finding cut short (shardSeeds); TestMain bounds Go's minimising of each
// new input (internal/fuzzflags):
//
//	go test ./report -run '^$' -fuzz '^FuzzParseShardFile$'
func FuzzParseShardFile(f *testing.F) {
	f.Add([]byte(`{"format": 8, "report": {"target": "t v", "scenario": "t", "edition": "v", "budget": "b", "strategy": "pct", "scenario_hash": "h", "max_steps": 9, "summary": {"Strategy": "pct", "Shard": 0, "Shards": 2}}}`), true)
	f.Add([]byte(`{"format": 4, "schedule_name": "a.json"}`), true)
	f.Add([]byte(`[]`), false)
	// A value of the wrong kind inside the schedule a summary embeds.
	f.Add([]byte(`{"format": 8, "report": {"knobs": ["a", "b", "c"], "schedule": {"format": 4, "choices": [{"i": 1}, {"i": "x"}]}}}`), false)
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
		sf, err := ParseShardFile(b)
		if err != nil {
			if resealed && strings.HasPrefix(err.Error(), "field checksum") {
				t.Fatalf("a resealed input is refused for its checksum: %v", err)
			}
			if msg := jsonpathtest.KindWordingProblem(err.Error(), b); msg != "" {
				t.Fatalf("%s: %v\n%s", msg, err, b)
			}
			return
		}
		if sf.Report.Summary.Shards < 1 || sf.Report.Summary.Shards > MaxShards || sf.Report.Target == "" {
			t.Fatalf("accepted a summary that is not a shard: %+v", sf.Report.Summary)
		}
	})
}

// FuzzMergeShards merges shard summaries given as bytes (resealed first
// when reseal is set, as FuzzParseShardFile does): a and b when both
// parse, a alone when only it does. Nothing panics, and a merge that
// succeeds prints its report. Its seeds are FuzzParseShardFile's:
//
//	go test ./report -run '^$' -fuzz '^FuzzMergeShards$'
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
		var shards []*ShardFile
		var names []string
		for i, in := range [][]byte{a, b} {
			if reseal {
				in, _ = resealShardFile(in)
			}
			sf, err := ParseShardFile(in)
			if err != nil {
				if i == 0 {
					return
				}
				break
			}
			shards, names = append(shards, sf), append(names, fmt.Sprintf("shard-%d.summary.json", i))
		}
		rep, name, err := MergeShards(shards, names, MergeOptions{})
		if err != nil {
			return
		}
		if (rep.Schedule == nil) != (name == "") {
			t.Fatalf("merged schedule %v named %q", rep.Schedule != nil, name)
		}
		if m := rep.Summary; m.Schedules < 0 || m.Decisions < 0 || m.Executed < 0 || m.ExecutedDecisions < 0 || m.Failing < 0 || m.Pruned < 0 || m.StateHits < 0 {
			t.Fatalf("merged counts wrapped around: %+v", m)
		}
		var out bytes.Buffer
		rep.PrintSummary(&out)
		rep.PrintResult(&out, nil)
	})
}

// A shard's files carry ".shard-I-of-N" before their suffix; an unsharded
// name only changes its suffix. ShardSummaries finds the summaries of a
// directory by that suffix and refuses a directory without any.
func TestShardNames(t *testing.T) {
	assert.Equal(t, "a_draft-2023.shard-1-of-4.summary.json", ShardName("a_draft-2023.json", ".summary.json", 1, 4))
	assert.Equal(t, "a_draft-2023.shard-0-of-2.json", ShardName("a_draft-2023.json", ".json", 0, 2))
	assert.Equal(t, "a_draft-2023.shard-0-of-1.summary.json", ShardName("a_draft-2023.json", ".summary.json", 0, 1))
	assert.Equal(t, "a_draft-2023.summary.json", ShardName("a_draft-2023.json", ".summary.json", 0, 0))
	files, err := ShardSummaries([]string{shardTestdata, "shard_test.go"})
	require.NoError(t, err)
	assert.Len(t, files, 5)
	assert.Equal(t, "shard_test.go", files[4])
	_, err = ShardSummaries([]string{"testdata/fuzz"})
	assert.EqualError(t, err, "testdata/fuzz: no shard summaries (*.summary.json)")
	_, err = ShardSummaries([]string{"testdata/none.summary.json"})
	assert.EqualError(t, err, "shard summary or directory of them: stat testdata/none.summary.json: no such file or directory")
}

// A narrowed slice must fit the shrunk run it narrows: merge prints its
// steps by index.
func TestShardFile_NarrowedFitsTheRun(t *testing.T) {
	shrunk := &engine.ShrinkResult{Result: engine.Result{Choices: make([]engine.Choice, 3)}}
	for _, tc := range []struct {
		name string
		n    *explain.Narrowed
		sr   *engine.ShrinkResult
		want string
	}{
		{"fits", &explain.Narrowed{Slice: []int{0, 2}, Check: explain.SliceCheck{Kept: true}, Runs: 3}, shrunk, ""},
		{"none", nil, nil, ""},
		{"without a shrunk finding", &explain.Narrowed{Slice: []int{0}}, nil, "field report.narrowed: a narrowed slice without a shrunk finding"},
		{"step beyond the run", &explain.Narrowed{Slice: []int{0, 3}}, shrunk, "field report.narrowed.slice[1]: step 3 in a run of 3 steps"},
		{"not ascending", &explain.Narrowed{Slice: []int{2, 1}}, shrunk, "field report.narrowed.slice[1]: step 1"},
		{"twice", &explain.Narrowed{Slice: []int{1, 1}}, shrunk, "field report.narrowed.slice[1]: step 1"},
		{"negative step", &explain.Narrowed{Slice: []int{-1}}, shrunk, "field report.narrowed.slice[0]: step -1"},
		{"negative count", &explain.Narrowed{Slice: []int{1}, Runs: -2}, shrunk, "field report.narrowed: counts runs -2"},
	} {
		err := checkNarrowed(&Exploration{Shrunk: tc.sr, Narrowed: tc.n})
		if tc.want == "" {
			assert.NoError(t, err, tc.name)
			continue
		}
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
}

// WriteShardFile replaces a summary by renaming a whole new file over it,
// never by writing into the old one (which a kill mid-write would leave
// truncated): a hard link to the old summary still reads as it, and the
// directory holds no temporary file.
func TestWriteShardFile_ReplacesWhole(t *testing.T) {
	old, err := ReadShardFile(filepath.Join(shardTestdata, pctShard1))
	require.NoError(t, err)
	dir := t.TempDir()
	p := filepath.Join(dir, pctShard1)
	require.NoError(t, WriteShardFile(p, &old.Report))
	require.NoError(t, os.Link(p, filepath.Join(dir, "old")))
	rep := old.Report
	rep.Summary.Decisions++ // another run of the same exploration
	require.NoError(t, WriteShardFile(p, &rep))
	got, err := ReadShardFile(p)
	require.NoError(t, err)
	assert.Equal(t, old.Report.Summary.Decisions+1, got.Report.Summary.Decisions)
	kept, err := ReadShardFile(filepath.Join(dir, "old"))
	require.NoError(t, err)
	assert.Equal(t, old.Report.Summary.Decisions, kept.Report.Summary.Decisions, "the old file was replaced, not written into")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file left")
}
