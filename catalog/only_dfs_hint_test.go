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

// TestJudge_OnlyTheFallbackOfADFSLine: proofOnlyScenario under a dfs
// explore line whose own search at bound 2 spends its run budget before
// reaching the violation, which the pct cross-check misses too and only
// the bound-0 fallback finds: the mismatch names the line's search and
// its budget, not a sampling the line does not have.
func TestJudge_OnlyTheFallbackOfADFSLine(t *testing.T) {
	src := strings.Replace(proofOnlyScenario, "EXPECT", "violation frozen-context", 1)
	src = strings.Replace(src, "explore strategy=pct schedules=20 depth=3 seed=1 proof=40",
		"explore strategy=dfs schedules=40 bound=2 seed=1 reduction=states", 1)
	s := writeScenario(t, "proof-only-dfs.scn", src)
	o, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{Jobs: 1})
	require.NoError(t, err)
	var roles []string
	for _, r := range o.Runs {
		roles = append(roles, r.Role)
	}
	require.Equal(t, []string{explored.RoleLine, explored.RoleCross, explored.RoleFallback}, roles)
	require.Equal(t, 2, o.FindingRun, "the fallback found it")
	assert.False(t, o.Match)
	assert.Equal(t, "dfs bound 2: never found frozen-context; pct 40: never found frozen-context; "+
		"only dfs bound 0 found frozen-context: the explore line's own dfs search at bound 2 spent its run budget of 40 "+
		"before reaching it (raise schedules=, or lower bound=), and the pct cross-check's 40 schedules miss it "+
		"(it samples min(schedules=, 300) from the line's seed=: another seed samples others)", o.Mismatch)
	assert.NotContains(t, o.Mismatch, "the sampling misses it")
}

// TestOnlyDFSHint: the hint of a violation row that only its last dfs
// search found names the explorations that missed it and what would let
// them reach it, for each way a row comes to such a search.
func TestOnlyDFSHint(t *testing.T) {
	pct := scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 20, Depth: 3, Seed: 1, Proof: 40}
	random := scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 20, Depth: 3, Seed: 1}
	proof, _ := ProofBudget(pct)
	dfsLine := scenario.Budget{Strategy: engine.StrategyDFS, Schedules: 500, Bound: 3, Seed: 1}
	cross := CrossBudget(dfsLine)
	fallback := func(b scenario.Budget) scenario.Budget { b.Bound = FallbackBound; return b }
	run := func(role string, b scenario.Budget) StrategyRun { return StrategyRun{Role: role, Budget: b} }
	for _, tc := range []struct {
		name string
		line scenario.Budget
		runs []StrategyRun
		want string
	}{
		{"the proof of a sampling line", pct,
			[]StrategyRun{run(explored.RoleLine, pct), run(explored.RoleCross, random), run(explored.RoleProof, proof)},
			"only dfs bound 2 found live: the sampling misses it (raise the explore line's schedules=)"},
		{"the fallback after a sampling line's proof", pct,
			[]StrategyRun{run(explored.RoleLine, pct), run(explored.RoleCross, random), run(explored.RoleProof, proof),
				run(explored.RoleFallback, fallback(proof))},
			"only dfs bound 0 found live: the sampling misses it (raise the explore line's schedules=)"},
		{"the fallback after a dfs line's own search", dfsLine,
			[]StrategyRun{run(explored.RoleLine, dfsLine), run(explored.RoleCross, cross), run(explored.RoleFallback, fallback(dfsLine))},
			"only dfs bound 0 found live: the explore line's own dfs search at bound 3 spent its run budget of 500 before " +
				"reaching it (raise schedules=, or lower bound=), and the pct cross-check's 300 schedules miss it " +
				"(it samples min(schedules=, 300) from the line's seed=: another seed samples others)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := Outcome{Budget: tc.line, Runs: tc.runs}
			assert.Equal(t, tc.want, o.onlyDFSHint("live"))
		})
	}
}
