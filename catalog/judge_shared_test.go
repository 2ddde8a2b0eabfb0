package catalog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
)

// flrJudged is judgeFLRScenario written once for the test process, and
// the outcomes of its rows judged by judgeFLR.
var flrJudged struct {
	sync.Mutex
	dir string
	s   *scenario.Scenario
	m   map[string]Outcome
}

// flrScenario returns judgeFLRScenario loaded from a file of the test
// process's, so that schedules recorded from it name a file that exists
// while the package's tests run (TestMain removes it).
func flrScenario(t *testing.T) *scenario.Scenario {
	t.Helper()
	flrJudged.Lock()
	defer flrJudged.Unlock()
	if flrJudged.s != nil {
		return flrJudged.s
	}
	dir, err := os.MkdirTemp("", "catalog-test-")
	require.NoError(t, err)
	flrJudged.dir = dir
	p := filepath.Join(dir, "flr.scn")
	require.NoError(t, os.WriteFile(p, []byte(judgeFLRScenario), 0o644))
	s, err := LoadScenarioFile(p)
	require.NoError(t, err)
	flrJudged.s = s
	return s
}

// removeFLRScenario removes flrScenario's file once the tests ran.
func removeFLRScenario() {
	if flrJudged.dir != "" {
		os.RemoveAll(flrJudged.dir)
	}
}

// judgeFLR judges row e of flrScenario with cfg once per test process: the
// judge tests that look at the same row under the same configuration
// (TestJudge_Expectations, TestJudge_JobsDoNotChangeTheOutcome,
// TestJudge_JobsDoNotChangeAPassRowsProof, TestMemo_JudgeSameOutcome,
// TestJudge_OracleSet, TestJudge_ProofRunsRaisesTheProof)
// assert on one outcome instead of judging the row again. A judged row is
// deterministic (TestJudge_JobsDoNotChangeTheOutcome). cfg holds no
// callbacks, members or oracles: it is told apart by its printed values.
// The caller gets its own copy of what it may change (the runs and the
// shrink).
func judgeFLR(t *testing.T, e scenario.Expectation, cfg JudgeConfig) Outcome {
	t.Helper()
	require.True(t, cfg.Member == nil && cfg.NetMember == nil && cfg.Oracles == nil && cfg.Progress == nil &&
		cfg.RowStart == nil && cfg.RowProgress == nil && cfg.ShrinkCtx == nil, "judgeFLR keys a plain configuration")
	s := flrScenario(t)
	key := fmt.Sprintf("%+v|%+v", e, cfg)
	flrJudged.Lock()
	o, ok := flrJudged.m[key]
	flrJudged.Unlock()
	if !ok {
		var err error
		o, err = Judge(context.Background(), s, e, cfg)
		require.NoError(t, err)
		flrJudged.Lock()
		if flrJudged.m == nil {
			flrJudged.m = map[string]Outcome{}
		}
		flrJudged.m[key] = o
		flrJudged.Unlock()
	}
	o.Runs = slices.Clone(o.Runs)
	if o.Shrunk != nil {
		sh := *o.Shrunk
		o.Shrunk = &sh
	}
	return o
}
