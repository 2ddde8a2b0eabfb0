package report

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
)

// Search is how an exploration searches beyond its budget (the flags of
// `migsim explore` that the header names): shards, and for dfs the
// reduction, the split depth and state pruning (with its cap when not the
// default); and the step bound of each run.
type Search struct {
	Shards     int
	Reduction  engine.Reduction
	SplitDepth int
	States     bool
	// StateCap is the states state pruning remembers (0: the default,
	// engine.DefaultStateCap).
	StateCap int
	MaxSteps int
}

// BudgetText renders an exploration's budget as its header says it: "pct
// 2000 schedules, seed 1, depth 3", then the step bound of each run when
// it is not the default. It is the same in every shard of an exploration
// (MergeShards compares it); a dfs run budget is each shard's, and says so
// when there are several. A dfs search without a preemption bound (-1)
// says "unbounded", as a catalog row does (explored.BoundText).
func BudgetText(b scenario.Budget, s Search) string {
	text := budgetBase(b, s)
	if s.MaxSteps != catalog.DefaultJudgeMaxSteps {
		text += fmt.Sprintf(", max steps %d", s.MaxSteps)
	}
	return text
}

func budgetBase(b scenario.Budget, s Search) string {
	switch b.Strategy {
	case engine.StrategyDFS:
		text := fmt.Sprintf("dfs up to %d runs, seed %d, %s", b.Schedules, b.Seed, explored.BoundText(b.Bound))
		if s.Shards > 1 {
			text = fmt.Sprintf("dfs up to %d runs per shard, seed %d, %s", b.Schedules, b.Seed, explored.BoundText(b.Bound))
		}
		if s.Reduction != engine.ReductionSleep {
			text += ", reduction " + s.Reduction.String()
		}
		if d := engine.EffectiveSplitDepth(s.SplitDepth, s.Shards); d > 0 {
			text += fmt.Sprintf(", split depth %d", d)
		}
		if s.States && s.Reduction != engine.ReductionDPOR { // dpor ignores state pruning
			text += ", state pruning"
			if s.StateCap > 0 && s.StateCap != engine.DefaultStateCap {
				text += fmt.Sprintf(" up to %d states", s.StateCap)
			}
		}
		return text
	case engine.StrategyPCT:
		return fmt.Sprintf("pct %s, seed %d, depth %d", plural.Count(b.Schedules, "schedule"), b.Seed, b.Depth)
	}
	return fmt.Sprintf("%s %s, seed %d", b.Strategy, plural.Count(b.Schedules, "schedule"), b.Seed)
}

// checkBudgetText checks a shard summary's budget text against the fields
// it renders (BudgetText): the strategy, run budget, seed, bound, step
// bound, shards and, for dfs, the reduction, split depth and state pruning
// with its cap when a table filled. Merge prints the text as the header,
// and the fields below it, so a summary whose text says another
// exploration than its fields is refused. The fields do not hold pct's
// depth, nor the state cap when no table filled: those are read from the
// text itself.
func checkBudgetText(r *Exploration) error {
	sum := &r.Summary
	b := scenario.Budget{Strategy: r.Strategy, Schedules: r.Schedules, Seed: sum.Seed, Bound: r.Bound}
	s := Search{Shards: sum.Shards, Reduction: sum.Reduction, SplitDepth: sum.SplitDepth, States: r.States,
		StateCap: sum.StateCap, MaxSteps: r.MaxSteps}
	if _, after, ok := strings.Cut(r.Budget, ", depth "); ok {
		_, _ = fmt.Sscanf(after, "%d", &b.Depth) // without a number the text renders otherwise below
	}
	if _, after, ok := strings.Cut(r.Budget, ", state pruning up to "); ok && s.StateCap == 0 {
		_, _ = fmt.Sscanf(after, "%d", &s.StateCap) // as above
	}
	if want := BudgetText(b, s); r.Budget != want {
		return fmt.Errorf("field report.budget: %q, but the fields it names (strategy, schedules, seed, bound, max_steps, shards, reduction, split depth, states) say %q",
			r.Budget, want)
	}
	// The values the text alone holds must be ones explore takes, as
	// the fields' are (ParseShardFile).
	if r.Strategy == engine.StrategyPCT && (b.Depth < 1 || b.Depth > scenario.MaxDepth) {
		return fmt.Errorf("field report.budget: %q: depth %d, want 1..%d (--depth)", r.Budget, b.Depth, scenario.MaxDepth)
	}
	if s.StateCap != 0 && (s.StateCap < engine.MinStateCap || s.StateCap > engine.MaxStateCap) {
		return fmt.Errorf("field report.budget: %q: a state cap of %d, want %d..%d (--state-cap)", r.Budget, s.StateCap, engine.MinStateCap, engine.MaxStateCap)
	}
	return nil
}
