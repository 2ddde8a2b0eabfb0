package verdicttable

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
)

// A row's replay command, in the text table and in the JSON document,
// quotes the schedule's path for a POSIX shell: a --report-dir whose name
// holds a space gives a line that pastes as it prints.
func TestReplayLine_Quoted(t *testing.T) {
	row := crossCheckRow(t)
	require.NotNil(t, row.Schedule)
	reports := filepath.Join(t.TempDir(), "my reports")
	require.NoError(t, os.Mkdir(reports, 0o755))
	p := filepath.Join(reports, catalog.ScheduleRegressName(row.Schedule))
	require.NoError(t, os.WriteFile(p, []byte("{}"), 0o644))
	want := "migsim replay '" + p + "'"

	for _, tc := range []struct {
		name string
		got  func(t *testing.T) string
	}{
		{"text", func(t *testing.T) string {
			var b bytes.Buffer
			require.NoError(t, WriteText(&b, []catalog.Outcome{row}, t.TempDir(), reports))
			return b.String()
		}},
		{"json", func(t *testing.T) string {
			var b bytes.Buffer
			require.NoError(t, WriteJSON(&b, []catalog.Outcome{row}, t.TempDir(), reports))
			var doc jsonDoc
			require.NoError(t, json.Unmarshal(b.Bytes(), &doc), b.String())
			require.Len(t, doc.Rows, 1)
			return doc.Rows[0].Replay
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Contains(t, tc.got(t), want)
		})
	}
}
