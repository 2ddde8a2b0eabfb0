package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// TestUnproved: JudgeConfig.RequireProof marks a matched pass row without
// an exhaustive dfs search at the bound asked as unproved (Status
// StatusUnproved), and leaves every other row alone.
func TestUnproved(t *testing.T) {
	spent := explored.Run{Role: explored.RoleProof, Budget: scenario.Budget{Strategy: engine.StrategyDFS, Schedules: 100, Bound: 2},
		Explored: engine.Summary{Schedules: 3, BoundHit: true}}
	proved := spent
	proved.Explored.Complete = true
	row := func(expected, got scenario.Verdict, match, interrupted bool, runs ...explored.Run) Outcome {
		return Outcome{Expected: expected, Got: got, Match: match, Interrupted: interrupted, Runs: runs}
	}
	pass, violation := scenario.VerdictPass, scenario.VerdictViolation
	cases := []struct {
		name    string
		require int
		o       Outcome
		status  string
	}{
		{"not asked", 0, row(pass, pass, true, false, spent), StatusMatch},
		{"asked, unproved", 2, row(pass, pass, true, false, spent), StatusUnproved},
		{"asked, proved", 2, row(pass, pass, true, false, proved), StatusMatch},
		{"a violation row needs no proof", 2, row(violation, violation, true, false), StatusMatch},
		{"a mismatch stays one", 2, row(pass, violation, false, false), StatusMismatch},
		{"an interrupted row stays interrupted", 2, row(pass, pass, false, true, spent), StatusInterrupted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := c.o
			o.Unproved = JudgeConfig{RequireProof: c.require}.unproved(&o)
			assert.Equal(t, c.status, o.Status())
			assert.Equal(t, c.status == StatusUnproved, o.Unproved != "", o.Unproved)
		})
	}
}
