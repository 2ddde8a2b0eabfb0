package catalog

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// TestJudge_InterruptedAfterACertainMismatch: a row whose finished
// exploration already disagrees with what it expects is a mismatch when a
// signal cuts a later exploration short (nothing the rest could find
// would make it match), and says it was interrupted too; a row whose
// finished explorations agree so far proves nothing.
func TestJudge_InterruptedAfterACertainMismatch(t *testing.T) {
	const knobs = "flr-vs-mode=complete-anyway mode-after-flr=keep"
	for _, tc := range []struct {
		name, expect string
		status       string
		mismatch     string
	}{
		{"pass row whose sampling found a violation", "pass", StatusMismatch,
			"pct 300: found frozen-context; random 300 (interrupted after 256): found frozen-context"},
		{"violation row whose sampling found it", "violation frozen-context", StatusInterrupted, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var lines []string
			for _, l := range strings.Split(judgeFLRScenario, "\n") {
				if !strings.HasPrefix(l, "expect ") {
					lines = append(lines, l)
				}
			}
			src := strings.Join(append(lines, "expect draft-2023 "+knobs+" "+tc.expect), "\n")
			s := writeScenario(t, "flr.scn", src)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ended := false // the line's exploration ran to its end
			cfg := JudgeConfig{Jobs: 1, Shrink: shortShrink(), Progress: func(p engine.Progress) {
				if ended && p.Done < p.Total {
					cancel() // within the cross-check
				}
				ended = ended || p.Done == p.Total
			}}
			o, err := Judge(ctx, s, s.Expect[0], cfg)
			require.ErrorIs(t, err, context.Canceled)
			require.True(t, o.Interrupted)
			require.Len(t, o.Runs, 2)
			assert.Equal(t, explored.RoleCross, o.Runs[1].Role)
			assert.False(t, o.Runs[0].Explored.Interrupted, "the line's exploration ran to its end")
			assert.True(t, o.Runs[1].Explored.Interrupted)
			assert.False(t, o.Match)
			assert.Equal(t, scenario.VerdictViolation, o.Got)
			assert.Equal(t, "frozen-context", o.GotOracle)
			assert.Equal(t, tc.mismatch, o.Mismatch)
			assert.Equal(t, tc.status, o.Status())
		})
	}
}

// TestMismatchReason: what an exploration's verdicts say against the
// verdict a row wants; an exploration a signal cut short disagrees only
// by what it found, since what it did not find yet it might have.
func TestMismatchReason(t *testing.T) {
	pct := scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 300, Depth: 3}
	run := func(cut bool, oracles ...string) StrategyRun {
		sum := engine.Summary{Schedules: 120, Interrupted: cut}
		for i, o := range oracles {
			sum.Findings = append(sum.Findings, engine.Report{Index: i, Finding: engine.Finding{Oracle: o}})
		}
		return StrategyRun{Role: explored.RoleLine, Budget: pct, Explored: sum}
	}
	for _, tc := range []struct {
		name string
		run  StrategyRun
		want string
		why  string
	}{
		{"pass, nothing found", run(false), "", ""},
		{"pass, a finding", run(false, "live"), "", "pct 300: found live"},
		{"violation found alone", run(false, "live"), "live", ""},
		{"violation never found", run(false), "live", "pct 300: never found live"},
		{"violation found besides another", run(false, "live", "transparent"), "live", "pct 300: found transparent besides live"},
		{"cut short before anything", run(true), "live", ""},
		{"cut short, the wanted one so far", run(true, "live"), "live", ""},
		{"cut short, another", run(true, "transparent"), "live", "pct 300 (interrupted after 120): found transparent"},
		{"cut short, another besides", run(true, "live", "transparent"), "live", "pct 300 (interrupted after 120): found transparent besides live"},
		{"cut short, a pass row's finding", run(true, "live"), "", "pct 300 (interrupted after 120): found live"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.why, mismatchReason(&tc.run, tc.want))
		})
	}
}
