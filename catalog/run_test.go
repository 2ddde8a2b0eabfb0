package catalog

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

func TestRowOrder(t *testing.T) {
	cases := []struct {
		name  string
		costs []int
		want  []int
	}{
		{"empty", nil, []int{}},
		{"longest first", []int{5, 50, 20}, []int{1, 2, 0}},
		{"ties keep table order", []int{7, 9, 7, 9}, []int{1, 3, 0, 2}},
		{"already sorted", []int{3, 2, 1}, []int{0, 1, 2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, rowOrder(c.costs))
		})
	}
}

// TestRowRuns: a row's cost is the sum of its explorations' budgets, the
// proof's included, and follows ProofRuns and MaxRuns.
func TestRowRuns(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	e := s.Expect[0]
	b := s.RowBudget(e)
	require.Positive(t, b.Proof, "smoke-migrate's pass rows are proved")
	assert.Equal(t, 2*b.Schedules+b.Proof, JudgeConfig{}.rowRuns(s, e), "the sampling, its cross-check and the proof")
	assert.Equal(t, 2*b.Schedules+b.Proof+1000, JudgeConfig{ProofRuns: b.Proof + 1000}.rowRuns(s, e))
	assert.Equal(t, 3*min(b.Schedules, 7), JudgeConfig{MaxRuns: 7}.rowRuns(s, e))
}

// rowKey names a row as the verdict table's lines under it do.
func rowKey(r Outcome) string {
	return r.Scenario + " " + r.Edition.String() + " " + strings.Join(r.Knobs, ",") + " " + strings.Join(SettingStrings(r.Settings), ",")
}

// interruptScenarios are catalog scenarios with rows cheap enough to judge
// a few of under a small run budget.
func interruptScenarios(t *testing.T) (scens []*scenario.Scenario, rows []string) {
	for _, n := range []string{"compat-net-mq8-to-4", "resize-in-freeze-only", "pf-flr-with-admin-outstanding", "smoke-migrate"} {
		s, err := CatalogScenario(n)
		require.NoError(t, err)
		scens = append(scens, s)
		for _, e := range s.Expect {
			rows = append(rows, rowKey(Outcome{Scenario: s.Name, Edition: e.Edition, Knobs: e.Knobs, Settings: e.Settings}))
		}
	}
	return scens, rows
}

// TestJudgeAll_Interrupted: when ctx ends while rows run, JudgeAll returns
// every row selected exactly once, in table order (the order of an
// uninterrupted run, whatever the order the rows started in): those judged
// to the end, the interrupted ones and those that never started (NotRun)
// in their places, with the context's error.
func TestJudgeAll_Interrupted(t *testing.T) {
	scens, all := interruptScenarios(t)
	for _, stopAt := range []int{1, 3} {
		ctx, cancel := context.WithCancel(context.Background())
		started := 0
		cfg := JudgeConfig{Jobs: 2, MaxRuns: 20, Shrink: shortShrink(), RowStart: func(int, int, *scenario.Scenario, scenario.Expectation) {
			started++
			if started == stopAt {
				cancel()
			}
		}}
		rows, err := JudgeAll(ctx, scens, 0, cfg, io.Discard)
		cancel()
		require.ErrorIs(t, err, context.Canceled, "stop at row %d", stopAt)
		cut := false
		for _, r := range rows {
			cut = cut || r.Interrupted
		}
		assert.True(t, cut, "stop at row %d: the rows running when ctx ended are interrupted", stopAt)
		assert.Equal(t, all, keys(rows), "stop at row %d: every row selected, in table order", stopAt)
	}
}

func keys(rows []Outcome) []string {
	var out []string
	for _, r := range rows {
		out = append(out, rowKey(r))
	}
	return out
}

// TestJudgeAll_NotRun: rows ctx kept from starting are returned as such,
// in table order with the one it cut (the costliest, which started first)
// in its place: no verdict (GotNone, not pass), no
// exploration, what they expect, and the status the table marks them with.
func TestJudgeAll_NotRun(t *testing.T) {
	scens, all := interruptScenarios(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := JudgeConfig{Jobs: 1, MaxRuns: 20, Shrink: shortShrink(),
		RowStart: func(int, int, *scenario.Scenario, scenario.Expectation) { cancel() }}
	rows, err := JudgeAll(ctx, scens, 0, cfg, io.Discard)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, all, keys(rows), "every row selected, in table order")
	cut := 0
	for _, r := range rows {
		if !r.NotRun {
			assert.True(t, r.Interrupted, "the one row started, %s, is cut short", rowKey(r))
			cut++
			continue
		}
		assert.False(t, r.Interrupted || r.Match, rowKey(r))
		assert.Equal(t, StatusNotRun, r.Status(), rowKey(r))
		assert.Equal(t, GotNone, r.GotVerdict(), rowKey(r))
		assert.Equal(t, NotRunText, r.ExploredText(), rowKey(r))
		assert.NotZero(t, r.Line, rowKey(r))
		assert.NotZero(t, r.Budget.Schedules+len(r.Budget.Strategy), rowKey(r))
		assert.Nil(t, r.Finding, rowKey(r))
	}
	assert.Equal(t, 1, cut, "one row started (one job)")
}

// TestJudgeAll_RowProgress: with rows judged side by side, each progress
// update comes with its own row: every row started gets the updates of
// its explorations, each ending with a final one, and Progress is not
// called in their place.
func TestJudgeAll_RowProgress(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	rows := len(s.Expect)
	require.Greater(t, rows, 1, "rows to judge side by side")
	started := map[int]bool{}
	var order []int
	finals, open := map[int]int{}, map[int]bool{}
	cfg := JudgeConfig{Jobs: 2, MaxRuns: 20, Shrink: shortShrink(),
		RowStart: func(row, n int, _ *scenario.Scenario, _ scenario.Expectation) {
			assert.Equal(t, rows, n)
			started[row] = true
			order = append(order, row)
		},
		RowProgress: func(row int, p engine.Progress) {
			assert.True(t, started[row], "an update of row %d before it started", row)
			if p.Final {
				finals[row]++
				open[row] = false
			} else {
				open[row] = true
			}
		},
		Progress: func(engine.Progress) { t.Error("Progress called although RowProgress is set") },
	}
	out, err := JudgeAll(context.Background(), []*scenario.Scenario{s}, 0, cfg, io.Discard)
	require.NoError(t, err)
	require.Len(t, out, rows)
	for row := range rows {
		assert.Positive(t, finals[row], "row %d: no exploration ended", row)
		assert.False(t, open[row], "row %d: an exploration without its final update", row)
	}
	// The rows start in the order JudgeAll feeds them (rowOrder), whichever
	// worker takes each first: migsim run numbers them as they start.
	costs := make([]int, rows)
	for i, e := range s.Expect {
		costs[i] = cfg.rowRuns(s, e)
	}
	assert.Equal(t, rowOrder(costs), order, "the rows' start order")
}
