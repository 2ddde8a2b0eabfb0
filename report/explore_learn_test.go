package report

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
)

// A pct shard executes more runs than its schedules: it also runs the
// other shards' schedules among the first 256, to learn the run length.
// Its throughput line says how many, and a merge of pct shards says why
// its count of runs executed exceeds the schedules; one process, a random
// shard and a pct exploration whose learning round is its own say nothing.
func TestPrintSummary_PCTShardLearningRuns(t *testing.T) {
	const note = "other shards' schedules among the first"
	for _, tc := range []struct {
		name string
		r    Exploration
		want string // the end of the throughput line; "" for no note
	}{
		{"pct shard", Exploration{Strategy: engine.StrategyPCT, Schedules: 300, Summary: engine.Summary{Strategy: engine.StrategyPCT,
			Shard: 0, Shards: 4, Schedules: 75, Executed: 265, Memo: engine.MemoStats{Hits: 2}, Elapsed: time.Second}},
			"; 192 of the runs are other shards' schedules among the first 256, which every pct shard runs to learn the run length as one process does\n"},
		{"pct shard of a small budget", Exploration{Strategy: engine.StrategyPCT, Schedules: 10, Summary: engine.Summary{Strategy: engine.StrategyPCT,
			Shard: 1, Shards: 4, Schedules: 3, Executed: 10, Elapsed: time.Second}},
			"; 7 of the runs are other shards' schedules among the first 10, which every pct shard runs to learn the run length as one process does\n"},
		{"merged pct", Exploration{Strategy: engine.StrategyPCT, Schedules: 300, Merged: 4, Summary: engine.Summary{Strategy: engine.StrategyPCT,
			Schedules: 300, Executed: 1064, Memo: engine.MemoStats{Hits: 4}}},
			"; every pct shard also ran the other shards' schedules among the first 256, to learn the run length as one process does\n"},
		{"one process", Exploration{Strategy: engine.StrategyPCT, Schedules: 300, Summary: engine.Summary{Strategy: engine.StrategyPCT,
			Schedules: 300, Executed: 296, Memo: engine.MemoStats{Hits: 4}, Elapsed: time.Second}}, ""},
		{"random shard", Exploration{Strategy: engine.StrategyRandom, Schedules: 300, Summary: engine.Summary{Strategy: engine.StrategyRandom,
			Shard: 0, Shards: 4, Schedules: 75, Executed: 75, Elapsed: time.Second}}, ""},
		{"merged random", Exploration{Strategy: engine.StrategyRandom, Schedules: 300, Merged: 4, Summary: engine.Summary{Strategy: engine.StrategyRandom,
			Schedules: 300, Executed: 300}}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			tc.r.PrintSummary(&b)
			line := regexp.MustCompile(`(?m)^throughput: .*\n`).FindString(b.String())
			assert.NotEmpty(t, line, b.String())
			if tc.want == "" {
				assert.NotContains(t, line, note)
				return
			}
			assert.Equal(t, 1, bytes.Count([]byte(line), []byte(note)), line)
			assert.Regexp(t, regexp.QuoteMeta(tc.want)+"$", line)
		})
	}
}
