package catalog

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// TestQuestionsCatalog judges every expectation of every scenario of the
// embedded catalog but the compatibility ones (TestCompatScenarios): each
// verdict must match its `expect` line under both explorations of the row,
// and every violation or error must come with a shrunk schedule that
// replays to the same oracle. With -short (the race detector's run) the
// budgets shrink: a pass row explores at most shortBudget schedules, and a
// violation or error row replays its regression schedule instead of
// searching for it again.
func TestQuestionsCatalog(t *testing.T) {
	ss, err := Catalog()
	require.NoError(t, err)
	for _, s := range ss {
		if strings.HasPrefix(s.Name, "compat-") {
			continue // TestCompatScenarios
		}
		for _, e := range s.Expect {
			name := s.Name + "/" + e.Edition.String()
			if len(e.Knobs) > 0 || len(e.Settings) > 0 {
				name += "/" + strings.Join(append(append([]string{}, e.Knobs...), SettingStrings(e.Settings)...), ",")
			}
			t.Run(name, func(t *testing.T) {
				if testing.Short() {
					judgeShort(t, s, e)
					return
				}
				// Rows judge in parallel: a row's reference run and shrinking
				// run on one core, and the other row keeps the second busy.
				// (Not under -short: the race detector's memory grows with
				// the work in flight.)
				t.Parallel()
				o := judgedRow(t, s, e)
				msg := ""
				if o.Finding != nil {
					msg = o.Finding.Message
				}
				t.Logf("%s: %s (%s) %s", name, VerdictText(o.Got, o.GotOracle), o.ExploredText(), msg)
				assert.Empty(t, o.Defect)
				assert.True(t, o.Match, "%s:%d: expected %s, got %s (%s): %s", s.File, e.Line,
					VerdictText(o.Expected, o.ExpectedOracle), VerdictText(o.Got, o.GotOracle), o.ExploredText(), msg)
				if o.Got == scenario.VerdictViolation || o.Got == scenario.VerdictError {
					require.NotNil(t, o.Schedule, "a finding without a shrunk schedule")
					res, err := ReplaySchedule(o.Schedule, engine.RunConfig{})
					require.NoError(t, err)
					require.NotNil(t, res.Finding, "the shrunk schedule no longer finds anything")
					got, oracle := VerdictOf(res.Finding)
					assert.Equal(t, VerdictText(o.Got, o.GotOracle), VerdictText(got, oracle))
				}
			})
		}
	}
}

// judged keeps the outcome of every catalog row judgedRow judged, so that
// the tests that look at the same row's finding
// (TestQuestionsFindingMessages) do not judge it a second time.
var judged struct {
	sync.Mutex
	m map[string]Outcome
}

// judgedRow judges row e of s once per test process, as migsim run does
// by default: its dfs searches' runs start from copies of the world
// (JudgeConfig.Fork, migsim run --fork). Outcomes do not depend on the
// fork (world's TestFork_RealSameSearch runs the same searches both
// ways on rows of every kind); replaying every run from the start instead
// took this test and TestQuestionsFindingMessages almost twice the CPU
// (354 s against 185 s on 2 shared cores, a third of all of go test's).
func judgedRow(t *testing.T, s *scenario.Scenario, e scenario.Expectation) Outcome {
	t.Helper()
	key := s.File + ":" + strconv.Itoa(e.Line)
	judged.Lock()
	o, ok := judged.m[key]
	judged.Unlock()
	if ok {
		return o
	}
	o, err := Judge(context.Background(), s, e, JudgeConfig{Fork: true})
	require.NoError(t, err)
	judged.Lock()
	defer judged.Unlock()
	if judged.m == nil {
		judged.m = map[string]Outcome{}
	}
	judged.m[key] = o
	return o
}

// shortBudget caps the schedules of a pass row under -short.
const shortBudget = 10

// judgeShort is TestQuestionsCatalog's row under -short: a pass row is
// judged with at most shortBudget schedules; a violation or error row's
// regression schedule must replay to the expected verdict.
func judgeShort(t *testing.T, s *scenario.Scenario, e scenario.Expectation) {
	switch e.Verdict {
	case scenario.VerdictNA:
		o, err := Judge(context.Background(), s, e, JudgeConfig{})
		require.NoError(t, err)
		assert.True(t, o.Match, "%s:%d: n/a does not hold: %s", s.File, e.Line, o.Mismatch)
		return
	case scenario.VerdictPass:
		o, err := Judge(context.Background(), s, e, JudgeConfig{MaxRuns: shortBudget})
		require.NoError(t, err)
		assert.True(t, o.Match, "%s:%d: expected pass, got %s: %v", s.File, e.Line, VerdictText(o.Got, o.GotOracle), o.Finding)
		return
	}
	got, oracle := VerdictOf(regressFinding(t, s, e))
	assert.Equal(t, VerdictText(e.Verdict, e.Oracle), VerdictText(got, oracle))
}

// regressFinding replays the regression schedule of a violation or error
// row and returns the finding it ends in.
func regressFinding(t *testing.T, s *scenario.Scenario, e scenario.Expectation) *engine.Finding {
	t.Helper()
	r, err := spec.ParseRules(e.Edition, e.Knobs)
	require.NoError(t, err)
	p := filepath.Join("testdata", "regress", RegressName(s.Name, e.Edition, r.Diff(e.Edition), SettingStrings(e.Settings)))
	rr := replayedRegress(t, p)
	require.NoError(t, rr.readErr, "a %s row has a regression schedule", e.Verdict)
	require.NoError(t, rr.replayErr)
	res := rr.res
	require.NotNil(t, res.Finding)
	return res.Finding
}
