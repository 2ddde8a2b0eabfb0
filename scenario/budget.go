package scenario

import "github.com/migsim/migsim/spec"

// DefaultBudget is the exploration of a scenario that states none for an
// edition: 100 random schedules from seed 1.
var DefaultBudget = Budget{Strategy: "random", Schedules: 100, Depth: 3, Seed: 1}

// BudgetFor returns the scenario's exploration budget for an edition: the
// first `explore` line for that edition, else the first for every edition,
// else DefaultBudget.
func (s *Scenario) BudgetFor(ed spec.Edition) Budget {
	for _, b := range s.Explore {
		if b.Edition == ed {
			return b
		}
	}
	for _, b := range s.Explore {
		if b.Edition == 0 {
			return b
		}
	}
	return DefaultBudget
}
