package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// runProgress names each row as the table does (knobs, settings or
// "defaults"), writes each exploration's final update only when it says
// something the last line did not, and its summary line counts every
// exploration of every row: the budget's, the other strategy's and the
// proof's, not only each row's last.
func TestRunProgress(t *testing.T) {
	type step struct {
		row  *scenario.Expectation // a row starts
		snap engine.Progress       // else an exploration's update
	}
	defaults := &scenario.Expectation{Edition: spec.Draft2023}
	knobbed := &scenario.Expectation{Edition: spec.Draft2023, Knobs: []string{"reset-vs-mode=complete-anyway"},
		Settings: []scenario.Arg{{Key: "vfs", Value: "2"}}}
	upd := func(done, total, executed int, final bool) step {
		return step{snap: engine.Progress{Done: done, Total: total, Executed: executed, Final: final}}
	}
	for _, tc := range []struct {
		name    string
		steps   []step
		want    []string // the lines, rates and the elapsed time left out
		summary string   // the summary line's counts
	}{
		{
			name:  "a final update that says nothing new is not written again",
			steps: []step{{row: defaults}, upd(10, 20, 10, false), upd(20, 20, 18, false), upd(20, 20, 18, true)},
			want: []string{
				"run: row 1/1 s draft-2023 defaults",
				"run: row 1/1 s draft-2023 defaults: 10/20 schedules (10 executed)",
				"run: row 1/1 s draft-2023 defaults: 20/20 schedules (18 executed)",
			},
			summary: "20 schedules (18 executed)",
		},
		{
			name:  "a final update with new counts is written",
			steps: []step{{row: knobbed}, upd(10, 20, 10, false), upd(15, 20, 14, true)},
			want: []string{
				"run: row 1/1 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2",
				"run: row 1/1 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2: 10/20 schedules (10 executed)",
				"run: row 1/1 s draft-2023 reset-vs-mode=complete-anyway set:vfs=2: 15/20 schedules (14 executed)",
			},
			summary: "15 schedules (14 executed)",
		},
		{
			name: "every exploration of every row counts",
			steps: []step{
				{row: defaults}, upd(100, 100, 90, true), upd(50, 50, 50, true), upd(7, 1000, 7, true),
				{row: knobbed}, upd(3, 3, 3, true), upd(2, 10, 2, false), // interrupted: no final update yet
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
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			w, err := progressWriter("always", &b)
			require.NoError(t, err)
			p := &runProgress{w: w, start: time.Now()}
			rows := 0
			for _, s := range tc.steps {
				if s.row != nil {
					rows++
				}
			}
			for _, s := range tc.steps {
				if s.row != nil {
					p.row(0, rows, &scenario.Scenario{Name: "s"}, *s.row)
					continue
				}
				p.explore(s.snap)
			}
			p.done(nil)
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
