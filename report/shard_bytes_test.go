package report

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// A shard summary holds what the exploration found, not how this process
// got there: its wall-clock time and what --fork's copies did (which
// depend on --fork and, for random and pct, on --jobs: one copy a job)
// stay out, so that the same shard run with other --jobs or --fork writes
// the same bytes (docs/scale.md).
func TestWriteShardFile_SameBytesWhateverTheProcess(t *testing.T) {
	sf, err := ReadShardFile(filepath.Join(shardTestdata, pctShard1))
	require.NoError(t, err)
	dir := t.TempDir()
	want := filepath.Join(dir, "plain.summary.json")
	require.NoError(t, WriteShardFile(want, &sf.Report))
	wantBytes, err := os.ReadFile(want)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		edit func(s *engine.Summary)
	}{
		{"elapsed", func(s *engine.Summary) { s.Elapsed = 3 * time.Second }},
		{"fork on one job", func(s *engine.Summary) {
			s.Fork = &engine.ForkStats{Taken: 1, Restored: 29, Replayed: 1, SkippedDecisions: 2465}
		}},
		{"fork on two jobs", func(s *engine.Summary) {
			s.Fork = &engine.ForkStats{Taken: 2, Restored: 28, Replayed: 2, SkippedDecisions: 2380}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep := sf.Report
			tc.edit(&rep.Summary)
			p := filepath.Join(dir, tc.name+".summary.json")
			require.NoError(t, WriteShardFile(p, &rep))
			got, err := os.ReadFile(p)
			require.NoError(t, err)
			assert.Equal(t, string(wantBytes), string(got))
			edited := sf.Report
			tc.edit(&edited.Summary)
			assert.Equal(t, edited.Summary, rep.Summary, "the caller's report is left as it was (explore prints its fork counts)")
		})
	}
}
