package catalog

import (
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
)

// BudgetReduction returns the dfs reduction of an explore line
// (`reduction=`): sleep sets when it names none, and whether states
// already explored are pruned (`reduction=states`: sleep sets with state
// pruning).
func BudgetReduction(b scenario.Budget) (engine.Reduction, bool, error) {
	if b.Reduction == "states" {
		return engine.ReductionSleep, true, nil
	}
	if b.Reduction == "" {
		return engine.ReductionSleep, false, nil
	}
	r, err := engine.ParseReduction(b.Reduction)
	if err != nil {
		return 0, false, fmt.Errorf("catalog: explore line %d: %w", b.Line, err)
	}
	return r, false, nil
}

// boundText renders a dfs preemption bound for a reader: "bound 2", or
// "unbounded" for a negative bound (none), which files keep as -1.
func boundText(bound int) string {
	if bound < 0 {
		return "unbounded"
	}
	return fmt.Sprintf("bound %d", bound)
}

// dfsText describes what a dfs exploration covered: "exhaustive bound 2:
// 980 interleavings (670 runs ended at states already explored)", or,
// when the run budget ran out or the exploration was interrupted first,
// how far it got.
func dfsText(b scenario.Budget, sum engine.Summary) string {
	var s string
	switch {
	case sum.Interrupted && !sum.Complete:
		s = interruptedText(b, sum)
	case sum.Complete && sum.BoundHit:
		s = fmt.Sprintf("exhaustive %s: %s", boundText(b.Bound), plural.Count(sum.Schedules, "interleaving"))
	case sum.Complete && b.Bound < 0:
		s = fmt.Sprintf("exhaustive: %s (unbounded)", plural.Count(sum.Schedules, "interleaving"))
	case sum.Complete:
		s = fmt.Sprintf("exhaustive: %s (bound %d never cut)", plural.Count(sum.Schedules, "interleaving"), b.Bound)
	default:
		s = fmt.Sprintf("%s not exhausted: run budget of %d spent, %s", boundText(b.Bound), b.Schedules, plural.Count(sum.Schedules, "interleaving"))
	}
	if sum.StateHits > 0 {
		s += fmt.Sprintf(" (%s ended at states already explored)", plural.Count(sum.StateHits, "run"))
	}
	return s
}

// interruptedText describes an exploration that ctx ended before its end:
// "pct interrupted after 120 of 300 schedules", "bound 2 interrupted after
// 5000 of 1000000 runs, 420 interleavings".
func interruptedText(b scenario.Budget, sum engine.Summary) string {
	if b.Strategy != engine.StrategyDFS {
		return fmt.Sprintf("%s interrupted after %d of %s", b.Strategy, sum.Schedules, plural.Count(b.Schedules, "schedule"))
	}
	return fmt.Sprintf("%s interrupted after %d of %s, %s", boundText(b.Bound), dfsRuns(sum), plural.Count(b.Schedules, "run"),
		plural.Count(sum.Schedules, "interleaving"))
}

// dfsRuns is the part of its run budget a dfs exploration spent: its
// complete runs and the runs it pruned.
func dfsRuns(sum engine.Summary) int {
	return sum.Schedules + sum.Pruned
}
