package cmdprogress

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/progress"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Run names each row as the table does (knobs, settings or
// "defaults"), names the row an update comes from when rows are judged
// side by side, writes an exploration's final update only when it says
// something the row's last line did not, and its summary line counts every
// exploration of every row: the budget's, the other strategy's and the
// proof's, not only each row's last, and what an interrupted one ran.
func TestRunProgress(t *testing.T) {
	type step struct {
		row   int
		start *scenario.Expectation // the row starts
		snap  engine.Progress       // else an update of one of its explorations
	}
	defaults := &scenario.Expectation{Edition: spec.Draft2023}
	knobbed := &scenario.Expectation{Edition: spec.Draft2023, Knobs: []string{"reset-vs-mode=complete-anyway"},
		Settings: []scenario.Arg{{Key: "vfs", Value: "2"}}}
	upd := func(row, done, total, executed int, final bool) step {
		return step{row: row, snap: engine.Progress{Done: done, Total: total, Executed: executed, Final: final}}
	}
	for _, tc := range []struct {
		name    string
		rows    int
		steps   []step
		want    []string // the lines, rates and the elapsed time left out
		summary string   // the summary line's counts
	}{
		{
			name: "a final update that says nothing new is not written again", rows: 1,
			steps: []step{{row: 0, start: defaults}, upd(0, 10, 20, 10, false), upd(0, 20, 20, 18, false), upd(0, 20, 20, 18, true)},
			want: []string{
				"run: row 1/1 s draft-2023 defaults",
				"run: row 1/1 s draft-2023 defaults: 10/20 schedules (10 executed)",
				"run: row 1/1 s draft-2023 defaults: 20/20 schedules (18 executed)",
			},
			summary: "20 schedules (18 executed)",
		},
		{
			name: "a final update with new counts is written", rows: 1,
			steps: []step{{row: 0, start: knobbed}, upd(0, 10, 20, 10, false), upd(0, 15, 20, 14, true)},
			want: []string{
				"run: row 1/1 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2",
				"run: row 1/1 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2: 10/20 schedules (10 executed)",
				"run: row 1/1 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2: 15/20 schedules (14 executed)",
			},
			summary: "15 schedules (14 executed)",
		},
		{
			name: "every exploration of every row counts", rows: 2,
			steps: []step{
				{row: 1, start: defaults}, upd(1, 100, 100, 90, true), upd(1, 50, 50, 50, true), upd(1, 7, 1000, 7, true),
				{row: 0, start: knobbed}, upd(0, 3, 3, 3, true), upd(0, 2, 10, 2, false), // interrupted: no final update
			},
			want: []string{
				"run: row 1/2 s draft-2023 defaults",
				"run: row 1/2 s draft-2023 defaults: 100/100 schedules (90 executed)",
				"run: row 1/2 s draft-2023 defaults: 50/50 schedules (50 executed)",
				"run: row 1/2 s draft-2023 defaults: 7/1000 schedules (7 executed)",
				"run: row 2/2 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2",
				"run: row 2/2 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2: 3/3 schedules (3 executed)",
				"run: row 2/2 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2: 2/10 schedules (2 executed)",
			},
			summary: "162 schedules (152 executed)",
		},
		{
			name: "each exploration names its strategy; a dfs budget counts runs", rows: 1,
			steps: []step{
				{row: 0, start: defaults},
				{row: 0, snap: engine.Progress{Done: 20, Total: 20, Executed: 20, Final: true, Strategy: "random"}},
				{row: 0, snap: engine.Progress{Done: 20, Total: 20, Executed: 20, Final: true, Strategy: "pct"}},
				{row: 0, snap: engine.Progress{Done: 300, Total: 1000, Executed: 120, Pruned: 290, Final: true, Strategy: "dfs"}},
			},
			want: []string{
				"run: row 1/1 s draft-2023 defaults",
				"run: row 1/1 s draft-2023 defaults: random 20/20 schedules (20 executed)",
				"run: row 1/1 s draft-2023 defaults: pct 20/20 schedules (20 executed)",
				"run: row 1/1 s draft-2023 defaults: dfs 300/1000 runs (120 executed)",
			},
			summary: "40 schedules and 300 dfs runs (160 executed)",
		},
		{
			name: "dfs explorations alone count runs, an interrupted one's too", rows: 1,
			steps: []step{
				{row: 0, start: defaults},
				{row: 0, snap: engine.Progress{Done: 300, Total: 1000, Executed: 120, Pruned: 290, Final: true, Strategy: "dfs"}},
				{row: 0, snap: engine.Progress{Done: 1, Total: 500, Executed: 1, Strategy: "dfs"}}, // interrupted
			},
			want: []string{
				"run: row 1/1 s draft-2023 defaults",
				"run: row 1/1 s draft-2023 defaults: dfs 300/1000 runs (120 executed)",
				"run: row 1/1 s draft-2023 defaults: dfs 1/500 runs (1 executed)",
			},
			summary: "301 dfs runs (121 executed)",
		},
		{
			name: "one schedule, one dfs run", rows: 1,
			steps: []step{
				{row: 0, start: defaults},
				{row: 0, snap: engine.Progress{Done: 1, Total: 1, Executed: 1, Final: true, Strategy: "random"}},
				{row: 0, snap: engine.Progress{Done: 1, Total: 1, Executed: 1, Final: true, Strategy: "dfs"}},
			},
			want: []string{
				"run: row 1/1 s draft-2023 defaults",
				"run: row 1/1 s draft-2023 defaults: random 1/1 schedules (1 executed)",
				"run: row 1/1 s draft-2023 defaults: dfs 1/1 runs (1 executed)",
			},
			summary: "1 schedule and 1 dfs run (2 executed)",
		},
		{
			name: "rows side by side each name their own updates", rows: 2,
			steps: []step{
				{row: 0, start: defaults}, {row: 1, start: knobbed},
				upd(0, 5, 10, 5, false), upd(1, 4, 8, 4, false), upd(0, 5, 10, 5, true), upd(1, 8, 8, 8, true),
			},
			want: []string{
				"run: row 1/2 s draft-2023 defaults",
				"run: row 2/2 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2",
				"run: row 1/2 s draft-2023 defaults: 5/10 schedules (5 executed)",
				"run: row 2/2 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2: 4/8 schedules (4 executed)",
				"run: row 2/2 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2: 8/8 schedules (8 executed)",
			},
			summary: "13 schedules (13 executed)",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			w, err := progress.ForMode("always", &b)
			require.NoError(t, err)
			p := NewRun(w, time.Now())
			for _, s := range tc.steps {
				if s.start != nil {
					p.Row(s.row, tc.rows, &scenario.Scenario{Name: "s"}, *s.start)
					continue
				}
				p.Explore(s.row, s.snap)
			}
			p.Done(nil)
			lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
			require.NotEmpty(t, lines)
			rate := regexp.MustCompile(`, \d+/s, .*$`)
			var got []string
			for _, l := range lines[:len(lines)-1] {
				got = append(got, rate.ReplaceAllString(l, ""))
			}
			assert.Equal(t, tc.want, got)
			assert.Regexp(t, `^run: 0 rows judged in \S+: `+regexp.QuoteMeta(tc.summary)+`, 0 mismatched$`, lines[len(lines)-1])
		})
	}
}
