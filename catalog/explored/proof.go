package explored

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/engine"
)

// Proved reports whether one of runs is a dfs search that ran every
// schedule within a preemption bound of at least bound, or every schedule
// at all: a search with no bound, or one whose bound cut no schedule.
func Proved(runs []Run, bound int) bool {
	for i := range runs {
		r := &runs[i]
		if r.Budget.Strategy != engine.StrategyDFS || !r.Explored.Complete {
			continue
		}
		if r.Budget.Bound < 0 || r.Budget.Bound >= bound || !r.Explored.BoundHit {
			return true
		}
	}
	return false
}

// ProofShortfall says why runs do not prove a row at preemption bound
// bound (Proved), "" when they do: "no dfs search exhausted bound 2 or
// more: bound 2 not exhausted: run budget of 100 spent, …; exhaustive
// bound 0: 4 interleavings", each dfs search as the verdict table words
// it, or "no dfs search ran".
func ProofShortfall(runs []Run, bound int) string {
	if Proved(runs, bound) {
		return ""
	}
	var searches []string
	for i := range runs {
		if runs[i].Budget.Strategy == engine.StrategyDFS {
			searches = append(searches, runs[i].Text())
		}
	}
	if len(searches) == 0 {
		return fmt.Sprintf("no dfs search ran (a proof needs one that exhausts bound %d or more)", bound)
	}
	return fmt.Sprintf("no dfs search exhausted bound %d or more: %s", bound, strings.Join(searches, "; "))
}
