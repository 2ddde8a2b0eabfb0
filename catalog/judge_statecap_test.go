package catalog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// TestJudge_StateCapReachesTheProof: JudgeConfig.StateCap (migsim run
// --state-cap) is the cap of the dfs searches a row runs with state
// pruning: with the least cap the pass row's proof fills its state table
// and says so with that cap, in its summary and its EXPLORED text; with
// the default cap the same budget fills nothing. A cap out of range is an
// error, not a judged row.
func TestJudge_StateCapReachesTheProof(t *testing.T) {
	s := writeScenario(t, "flr.scn", judgeFLRScenario)
	proof := func(o Outcome) engine.Summary {
		t.Helper()
		for _, r := range o.Runs {
			if r.Budget.Strategy == engine.StrategyDFS && r.Budget.Bound == 2 {
				return r.Explored
			}
		}
		require.Fail(t, "no dfs proof at bound 2", "%+v", o.Runs)
		return engine.Summary{}
	}
	for _, c := range []struct {
		name     string
		stateCap int
		wantFull bool
	}{
		{"the least cap fills", engine.MinStateCap, true},
		{"the default cap does not", 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			o, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{Jobs: 1, MaxRuns: 200, StateCap: c.stateCap})
			require.NoError(t, err)
			sum := proof(o)
			t.Logf("proof: %d runs, states full at %d, transitions at %d", sum.Schedules+sum.Pruned, sum.StatesFullAt, sum.TransitionsFullAt)
			assert.Equal(t, c.wantFull, sum.StatesFullAt > 0 || sum.TransitionsFullAt > 0, "a table filled")
			if c.wantFull {
				assert.Equal(t, c.stateCap, sum.StateCap)
			} else {
				assert.Zero(t, sum.StateCap)
			}
		})
	}
	_, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{Jobs: 1, MaxRuns: 10, StateCap: engine.MinStateCap - 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "state cap")
}
