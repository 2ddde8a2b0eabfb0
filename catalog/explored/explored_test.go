package explored

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// TestDFSText: what a dfs search covered, in the words of the verdict
// table: exhausted, its budget spent, or interrupted and how far it got.
func TestDFSText(t *testing.T) {
	unb := scenario.Budget{Strategy: engine.StrategyDFS, Bound: -1, Schedules: 500}
	two := scenario.Budget{Strategy: engine.StrategyDFS, Bound: 2, Schedules: 500}
	for _, c := range []struct {
		name string
		b    scenario.Budget
		sum  engine.Summary
		want string
	}{
		{"unbounded, exhausted", unb, engine.Summary{Schedules: 12, Complete: true}, "exhaustive: 12 interleavings (unbounded)"},
		{"unbounded, budget spent", unb, engine.Summary{Schedules: 500}, "unbounded not exhausted: run budget of 500 spent, 500 interleavings"},
		{"bound cut", two, engine.Summary{Schedules: 12, Complete: true, BoundHit: true}, "exhaustive bound 2: 12 interleavings"},
		{"bound never cut", two, engine.Summary{Schedules: 12, Complete: true}, "exhaustive: 12 interleavings (bound 2 never cut)"},
		{"state hits", two, engine.Summary{Schedules: 40, Pruned: 3, StateHits: 7}, "bound 2 not exhausted: run budget of 500 spent, 40 interleavings (7 runs ended at states already explored)"},
		{"interrupted: how far it got, pruned runs included", two, engine.Summary{Schedules: 40, Pruned: 3, Interrupted: true},
			"bound 2 interrupted after 43 of 500 runs, 40 interleavings"},
		{"interrupted after it was exhausted", two, engine.Summary{Schedules: 12, Complete: true, BoundHit: true, Interrupted: true}, "exhaustive bound 2: 12 interleavings"},
		{"state table full", two, engine.Summary{Schedules: 400, Pruned: 100, StateHits: 90, StatesFullAt: 312, StateCap: 1024},
			"bound 2 not exhausted: run budget of 500 spent, 400 interleavings (90 runs ended at states already explored); state table full at run 312 (1024 states): later states not remembered"},
		{"known transitions full", two, engine.Summary{Schedules: 400, Pruned: 100, TransitionsFullAt: 77, StateCap: 1024},
			"bound 2 not exhausted: run budget of 500 spent, 400 interleavings; known transitions full at run 77 (1024): later ones not remembered"},
		{"both full", two, engine.Summary{Schedules: 400, Pruned: 100, StatesFullAt: 312, TransitionsFullAt: 77, StateCap: 1024},
			"bound 2 not exhausted: run budget of 500 spent, 400 interleavings; state table full at run 312, known transitions at run 77 (1024 each): later ones not remembered"},
		{"interrupted with its state table full", two, engine.Summary{Schedules: 40, Pruned: 3, Interrupted: true, StatesFullAt: 30, StateCap: 1024},
			"bound 2 interrupted after 43 of 500 runs, 40 interleavings; state table full at run 30 (1024 states): later states not remembered"},
		{"exhausted with its state table full: the cap cost runs, not coverage", two, engine.Summary{Schedules: 12, Complete: true, BoundHit: true, StatesFullAt: 5, StateCap: 1024},
			"exhaustive bound 2: 12 interleavings"},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, DFSText(c.b, c.sum))
		})
	}
}

// TestRunText: a sampling says how many schedules it ran, or, interrupted,
// how many of its budget.
func TestRunText(t *testing.T) {
	pct := scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 300}
	found := []engine.Report{{Index: 4, Finding: engine.Finding{Oracle: "live"}}}
	for _, c := range []struct {
		name string
		sum  engine.Summary
		want string
	}{
		{"whole", engine.Summary{Schedules: 300}, "pct 300 schedules"},
		{"a finding", engine.Summary{Schedules: 300, Failing: 2, Findings: found}, "pct 300 schedules, 2 failing, first at #4"},
		{"interrupted", engine.Summary{Schedules: 120, Interrupted: true}, "pct interrupted after 120 of 300 schedules"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Run{Role: RoleLine, Budget: pct, Explored: c.sum}
			assert.Equal(t, c.want, r.Text())
		})
	}
}

// TestRecordOf: the JSON record says whether a dfs search exhausted its
// bound (exhaustive, complete_within_bound), whether it ran every schedule
// with no bound cutting any (complete_unbounded) and, when not exhausted,
// why; a sampling is never complete.
func TestRecordOf(t *testing.T) {
	proof := scenario.Budget{Strategy: engine.StrategyDFS, Bound: 2, Schedules: 100}
	cases := []struct {
		name string
		run  Run
		want string
	}{
		{"exhausted proof", Run{Role: RoleProof, Budget: proof, Explored: engine.Summary{Schedules: 30, Distinct: 30, StateHits: 5, Complete: true, BoundHit: true}},
			`{"role":"proof","strategy":"dfs","bound":2,"budget":100,"runs":30,"schedules":30,"distinct":30,"state_hits":5,"exhaustive":true,"complete_within_bound":true,"complete_unbounded":false,"bound_hit":true,"interrupted":false,"failing":0,"text":"exhaustive bound 2: 30 interleavings (5 runs ended at states already explored)"}`},
		{"complete, no bound cut any schedule", Run{Role: RoleLine, Budget: proof, Explored: engine.Summary{Schedules: 12, Distinct: 12, Complete: true}},
			`{"role":"line","strategy":"dfs","bound":2,"budget":100,"runs":12,"schedules":12,"distinct":12,"exhaustive":true,"complete_within_bound":true,"complete_unbounded":true,"interrupted":false,"failing":0,"text":"exhaustive: 12 interleavings (bound 2 never cut)"}`},
		{"budget spent", Run{Role: RoleProof, Budget: proof, Explored: engine.Summary{Schedules: 90, Pruned: 10, Distinct: 90}},
			`{"role":"proof","strategy":"dfs","bound":2,"budget":100,"runs":100,"schedules":90,"distinct":90,"exhaustive":false,"complete_within_bound":false,"complete_unbounded":false,"unexhausted":"budget","interrupted":false,"failing":0,"text":"bound 2 not exhausted: run budget of 100 spent, 90 interleavings"}`},
		{"budget spent with the state table full", Run{Role: RoleProof, Budget: proof, Explored: engine.Summary{Schedules: 90, Pruned: 10, Distinct: 90, StatesFullAt: 61, TransitionsFullAt: 40, StateCap: 1024}},
			`{"role":"proof","strategy":"dfs","bound":2,"budget":100,"runs":100,"schedules":90,"distinct":90,"states_full":61,"transitions_full":40,"state_cap":1024,"exhaustive":false,"complete_within_bound":false,"complete_unbounded":false,"unexhausted":"budget","interrupted":false,"failing":0,"text":"bound 2 not exhausted: run budget of 100 spent, 90 interleavings; state table full at run 61, known transitions at run 40 (1024 each): later ones not remembered"}`},
		{"interrupted", Run{Role: RoleFallback, Budget: proof, Explored: engine.Summary{Schedules: 9, Distinct: 9, Interrupted: true}},
			`{"role":"fallback","strategy":"dfs","bound":2,"budget":100,"runs":9,"schedules":9,"distinct":9,"exhaustive":false,"complete_within_bound":false,"complete_unbounded":false,"unexhausted":"interrupted","interrupted":true,"failing":0,"text":"bound 2 interrupted after 9 of 100 runs, 9 interleavings"}`},
		{"sampling", Run{Role: RoleCross, Budget: scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 50},
			Explored: engine.Summary{Schedules: 50, Distinct: 41, Failing: 3, Findings: []engine.Report{{Index: 7, Finding: engine.Finding{Oracle: "live"}}}}},
			`{"role":"cross","strategy":"random","budget":50,"runs":50,"schedules":50,"distinct":41,"exhaustive":false,"complete_within_bound":false,"complete_unbounded":false,"interrupted":false,"failing":3,"verdicts":["live"],"text":"random 50 schedules, 3 failing, first at #7"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := json.Marshal(RecordOf(&c.run))
			require.NoError(t, err)
			assert.JSONEq(t, c.want, string(got))
		})
	}
}
