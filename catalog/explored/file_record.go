package explored

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/scenario"
)

// FileRecord records an exploration under budget b for the schedule file of
// what it found (schedfile.Exploration), with the fields of its strategy:
// red and states are a dfs search's reduction and state pruning (none
// with dpor), stateCap its state table (0: engine.DefaultStateCap),
// maxSteps the step bound of every run and shrinkReplays the bound of
// the shrinking's replays (0: engine.DefaultShrinkReplays). Defaults are
// recorded as their values, so that a later default does not change what
// the file says. The caller sets SplitDepth, Shard and Shards, NoShrink
// and WriteRun where they apply.
func FileRecord(b scenario.Budget, red engine.Reduction, states bool, stateCap, maxSteps, shrinkReplays int) *schedfile.Exploration {
	e := &schedfile.Exploration{Schedules: b.Schedules, MaxSteps: maxSteps, ShrinkReplays: shrinkReplays}
	if e.ShrinkReplays <= 0 {
		e.ShrinkReplays = engine.DefaultShrinkReplays
	}
	switch b.Strategy {
	case engine.StrategyPCT:
		e.Depth = b.Depth
	case engine.StrategyDFS:
		e.Bound, e.Reduction, e.States = b.Bound, red.String(), states && red != engine.ReductionDPOR
		if e.States {
			e.StateCap = stateCap
			if e.StateCap <= 0 {
				e.StateCap = engine.DefaultStateCap
			}
		}
	}
	return e
}
