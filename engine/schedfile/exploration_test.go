package schedfile

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/migsim/migsim/engine"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// explorationSchedule is a schedule of format 5 found by strategy in the
// exploration e.
func explorationSchedule(strategy string, e *Exploration) *Schedule {
	idx := 2
	if strategy == engine.StrategyDFS {
		idx = 0
	}
	return &Schedule{Format: Format, Edition: "draft-2023", Scenario: "x", Strategy: strategy,
		TraceHash: "0000000000000000", Seed: engine.ScheduleSeed(3, idx), BaseSeed: 3, Index: 2,
		Choices: []engine.Choice{{Index: 0, Actor: 1, Label: "a:b"}}, Steps: 1, Exploration: e}
}

// A recorded exploration is written with the fields of its strategy only
// (a dfs bound of 0 and no state pruning written all the same), reads
// back as written, and is covered by the checksum.
func TestExploration_RoundTrip(t *testing.T) {
	cases := []struct {
		strategy string
		e        Exploration
		want     string // the exploration object as the file writes it, compacted
	}{
		{engine.StrategyRandom, Exploration{Schedules: 300, MaxSteps: 20000}, `{"schedules":300,"max_steps":20000}`},
		{engine.StrategyPCT, Exploration{Schedules: 300, Depth: 3, MaxSteps: 500, ShrinkReplays: 7}, `{"schedules":300,"depth":3,"max_steps":500,"shrink_replays":7}`},
		{engine.StrategyPCT, Exploration{Schedules: 10, Depth: 1, MaxSteps: 500, WriteRun: true}, `{"schedules":10,"depth":1,"max_steps":500,"write_run":true}`},
		{engine.StrategyDFS, Exploration{Schedules: 1000, Reduction: "sleep", MaxSteps: 500, NoShrink: true}, `{"schedules":1000,"bound":0,"reduction":"sleep","states":false,"max_steps":500,"no_shrink":true}`},
		{engine.StrategyDFS, Exploration{Schedules: 1000, Bound: -1, Reduction: "none", States: true, StateCap: 4096, SplitDepth: 4, Shard: 0, Shards: 4, MaxSteps: 500},
			`{"schedules":1000,"bound":-1,"reduction":"none","states":true,"state_cap":4096,"split_depth":4,"shard":0,"shards":4,"max_steps":500}`},
	}
	for _, tc := range cases {
		t.Run(tc.want, func(t *testing.T) {
			e := tc.e
			b, err := explorationSchedule(tc.strategy, &e).Marshal()
			require.NoError(t, err)
			var doc map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(b, &doc))
			var compact strings.Builder
			require.NoError(t, json.NewEncoder(&compact).Encode(doc["exploration"]))
			assert.Equal(t, tc.want, strings.TrimSpace(compact.String()))
			got, err := Parse(b)
			require.NoError(t, err)
			assert.Equal(t, &tc.e, got.Exploration)
			// Edited, the checksum refuses it.
			edited := strings.Replace(string(b), `"max_steps": `, `"max_steps": 1`, 1)
			_, err = Parse([]byte(edited))
			assert.ErrorContains(t, err, "field checksum: the file was edited")
		})
	}
}

// A bad exploration is refused naming its field, also when the checksum
// is recomputed (Reseal); a field of another strategy's is refused, not
// dropped; an older format has none; an unknown field in it is an error.
func TestExploration_BadFieldsRefused(t *testing.T) {
	good := func(strategy string) []byte {
		e := &Exploration{Schedules: 100, MaxSteps: 500}
		switch strategy {
		case engine.StrategyPCT:
			e.Depth = 3
		case engine.StrategyDFS:
			e.Reduction, e.States = "sleep", true
		}
		b, err := explorationSchedule(strategy, e).Marshal()
		require.NoError(t, err)
		return b
	}
	edit := func(b []byte, f func(doc, ex map[string]any)) []byte {
		var doc map[string]any
		require.NoError(t, json.Unmarshal(b, &doc))
		ex, _ := doc["exploration"].(map[string]any)
		f(doc, ex)
		out, err := json.Marshal(doc)
		require.NoError(t, err)
		if sealed, ok := Reseal(out); ok { // a value of the wrong type cannot be sealed
			return sealed
		}
		return out
	}
	set := func(k string, v any) func(doc, ex map[string]any) {
		return func(_, ex map[string]any) { ex[k] = v }
	}
	del := func(k string) func(doc, ex map[string]any) {
		return func(_, ex map[string]any) { delete(ex, k) }
	}
	cases := []struct {
		name, strategy string
		edit           func(doc, ex map[string]any)
		want           string
	}{
		{"schedules 0", engine.StrategyRandom, set("schedules", 0), "field exploration.schedules: 0, want 1..1000000000"},
		{"max_steps missing", engine.StrategyRandom, del("max_steps"), "field exploration.max_steps: 0, want 1..10000000"},
		{"max_steps a string", engine.StrategyRandom, set("max_steps", "9"), "field exploration.max_steps: got JSON string, want number"},
		{"max_steps below the steps", engine.StrategyRandom, func(doc, ex map[string]any) {
			ex["max_steps"] = 1
			doc["choices"] = append(doc["choices"].([]any), map[string]any{"i": 0, "actor": 1, "label": "a:c"})
			doc["steps"] = 2
		}, "field exploration.max_steps: 1, below the schedule's 2 steps"},
		{"depth on random", engine.StrategyRandom, set("depth", 3), "field exploration.depth: pct only: the schedule's strategy is random"},
		{"bound on pct", engine.StrategyPCT, set("bound", 2), "field exploration.bound: dfs only: the schedule's strategy is pct"},
		{"pct without depth", engine.StrategyPCT, del("depth"), "field exploration.depth: 0, want 1..64 (pct's depth)"},
		{"pct depth 65", engine.StrategyPCT, set("depth", 65), "field exploration.depth: 65, want 1..64"},
		{"dfs without bound", engine.StrategyDFS, del("bound"), "field exploration.bound: missing"},
		{"dfs bound -2", engine.StrategyDFS, set("bound", -2), "field exploration.bound: -2, want -1..64"},
		{"dfs without states", engine.StrategyDFS, del("states"), "field exploration.states: missing"},
		{"dfs reduction", engine.StrategyDFS, set("reduction", "states"), `field exploration.reduction: "states", want one of ["sleep" "dpor" "none"]`},
		{"dfs states with dpor", engine.StrategyDFS, set("reduction", "dpor"), "field exploration.states: true with reduction dpor"},
		{"dfs state_cap small", engine.StrategyDFS, set("state_cap", 5), "field exploration.state_cap: 5, want 1024..67108864"},
		{"shard without shards", engine.StrategyRandom, set("shard", 1), "field exploration.shards: 0 with shard 1: give both"},
		{"shard out of range", engine.StrategyRandom, func(_, ex map[string]any) { ex["shard"], ex["shards"] = 4, 4 }, "field exploration.shard: 4, want 0..3"},
		{"no_shrink with replays", engine.StrategyRandom, func(_, ex map[string]any) { ex["no_shrink"], ex["shrink_replays"] = true, 5 }, "field exploration.no_shrink: true with shrink_replays 5"},
		{"write_run past the budget", engine.StrategyRandom, func(_, ex map[string]any) { ex["write_run"], ex["schedules"] = true, 2 }, "field exploration.write_run: schedule #2 of an exploration of 2"},
		{"write_run of dfs", engine.StrategyDFS, set("write_run", true), "field exploration.write_run: a run written as it ran"},
		{"unknown field", engine.StrategyRandom, set("jobs", 4), `unknown field "jobs" (exploration.jobs, byte offset`},
		{"format 4", engine.StrategyRandom, func(doc, _ map[string]any) { doc["format"] = FormatV4 }, "field exploration: format 4 has no such field (format 5 on)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := edit(good(tc.strategy), tc.edit)
			_, err := Parse(b)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.NotContains(t, err.Error(), "field checksum", "resealed: refused for its value")
		})
	}
}

// A file of format 4 (none recorded) and one of format 5 no exploration
// found both read, with no exploration.
func TestExploration_AbsentReads(t *testing.T) {
	for _, f := range []int{Format, FormatV4} {
		s := explorationSchedule(engine.StrategyRandom, nil)
		s.Format = f
		b, err := s.Marshal()
		require.NoError(t, err)
		assert.NotContains(t, string(b), "exploration")
		got, err := Parse(b)
		require.NoError(t, err)
		assert.Nil(t, got.Exploration)
	}
}

// explorationSeeds are schedules with the exploration of each strategy,
// FuzzParseSchedule's seeds.
func explorationSeeds(tb testing.TB) [][]byte {
	var out [][]byte
	for _, s := range []*Schedule{
		explorationSchedule(engine.StrategyRandom, &Exploration{Schedules: 300, MaxSteps: 20000, Shard: 1, Shards: 2}),
		explorationSchedule(engine.StrategyPCT, &Exploration{Schedules: 300, Depth: 3, MaxSteps: 500, WriteRun: true}),
		explorationSchedule(engine.StrategyDFS, &Exploration{Schedules: 1000, Bound: 2, Reduction: "sleep", States: true, StateCap: 2048, SplitDepth: 2, MaxSteps: 500, ShrinkReplays: 9}),
	} {
		b, err := s.Marshal()
		require.NoError(tb, err)
		out = append(out, b)
	}
	return out
}
