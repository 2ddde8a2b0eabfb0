package report

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The schedule a shard summary embeds keeps its own checksum, and reading
// the summary checks it: a schedule edited inside a summary whose own
// checksum was then recomputed (by hand, or by a writer with a bug) is
// refused, with an error naming the file and the field. The summary's
// checksum alone cannot tell: it covers the schedule as it encodes again,
// sealed anew.
func TestShardFile_EmbeddedScheduleChecksum(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(sched map[string]json.RawMessage)
		want   string // "": accepted
	}{
		{"as written", func(map[string]json.RawMessage) {}, ""},
		{"checksum replaced", func(sched map[string]json.RawMessage) {
			sched["checksum"] = json.RawMessage(`"0123456789abcdef"`)
		}, `field report.schedule.checksum: "0123456789abcdef", but the schedule's fields hash to`},
		{"a choice's label edited", func(sched map[string]json.RawMessage) {
			var choices []map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(sched["choices"], &choices))
			choices[0]["label"] = json.RawMessage(`"edited"`)
			b, err := json.Marshal(choices)
			require.NoError(t, err)
			sched["choices"] = b
		}, "field report.schedule.checksum"},
		{"trace hash edited", func(sched map[string]json.RawMessage) {
			sched["trace_hash"] = json.RawMessage(`"00000000000000ff"`)
		}, "the schedule was changed after explore wrote it"},
	} {
		b := tamperedSchedule(t, pctShard1, tc.change)
		path := filepath.Join(t.TempDir(), pctShard1)
		require.NoError(t, os.WriteFile(path, b, 0o644))
		sf, err := ReadShardFile(path)
		if tc.want == "" {
			require.NoError(t, err, tc.name)
			assert.NotNil(t, sf.Report.Schedule, tc.name)
			continue
		}
		require.Error(t, err, tc.name)
		assert.Contains(t, err.Error(), "shard summary "+path+": ", tc.name)
		assert.Contains(t, err.Error(), tc.want, tc.name)
	}
}

// tamperedSchedule returns the shard summary at name under shardTestdata
// with its embedded schedule changed by change and the summary's own
// checksum recomputed, so that only the schedule's checksum can tell.
func tamperedSchedule(t *testing.T, name string, change func(sched map[string]json.RawMessage)) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(shardTestdata, name))
	require.NoError(t, err)
	var top, rep, sched map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &top))
	require.NoError(t, json.Unmarshal(top["report"], &rep))
	require.NoError(t, json.Unmarshal(rep["schedule"], &sched))
	change(sched)
	rep["schedule"] = mustMarshal(t, sched)
	top["report"] = mustMarshal(t, rep)
	out, ok := resealSummary(mustMarshal(t, top))
	require.True(t, ok)
	return out
}

func mustMarshal(t *testing.T, v any) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}
