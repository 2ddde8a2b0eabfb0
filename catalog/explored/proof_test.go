package explored

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

func TestProofShortfall(t *testing.T) {
	dfs := func(bound int, complete, boundHit bool) Run {
		return Run{Role: RoleProof, Budget: scenario.Budget{Strategy: engine.StrategyDFS, Schedules: 100, Bound: bound},
			Explored: engine.Summary{Schedules: 7, Complete: complete, BoundHit: boundHit}}
	}
	pct := Run{Role: RoleLine, Budget: scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 20}, Explored: engine.Summary{Schedules: 20}}
	cases := []struct {
		name  string
		runs  []Run
		bound int
		want  string
	}{
		{"exhausted at the bound", []Run{pct, dfs(2, true, true)}, 2, ""},
		{"exhausted above it", []Run{pct, dfs(3, true, true)}, 2, ""},
		{"exhausted below it, the bound cut some", []Run{pct, dfs(2, true, true)}, 3,
			"no dfs search exhausted bound 3 or more: exhaustive bound 2: 7 interleavings"},
		{"exhausted below it, the bound cut none", []Run{pct, dfs(1, true, false)}, 3, ""},
		{"unbounded", []Run{dfs(-1, true, false)}, 5, ""},
		{"budget spent, then the fallback exhausted bound 0", []Run{pct, dfs(2, false, true), dfs(0, true, true)}, 2,
			"no dfs search exhausted bound 2 or more: bound 2 not exhausted: run budget of 100 spent, 7 interleavings; exhaustive bound 0: 7 interleavings"},
		{"no search", []Run{pct}, 2, "no dfs search ran (a proof needs one that exhausts bound 2 or more)"},
		{"sampling only counts for nothing", []Run{pct, pct}, 1, "no dfs search ran (a proof needs one that exhausts bound 1 or more)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, ProofShortfall(c.runs, c.bound))
			assert.Equal(t, c.want == "", Proved(c.runs, c.bound))
		})
	}
}
