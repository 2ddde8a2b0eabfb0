package catalog

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
)

// ExploreFlags renders the exploration sc records (sc.Exploration, not
// nil; its strategy and base seed sc's) as migsim explore's flags, each
// after a space: every parameter that changes the schedule it finds,
// defaults included, but the step bound, state table and shrink bound
// when they are the command line's defaults; --write-run names sc's
// index.
func ExploreFlags(sc *schedfile.Schedule) string {
	strategy, seed, index, e := sc.Strategy, sc.BaseSeed, sc.Index, sc.Exploration
	var b strings.Builder
	fmt.Fprintf(&b, " --strategy %s", strategy)
	switch strategy {
	case engine.StrategyPCT:
		fmt.Fprintf(&b, " --depth %d", e.Depth)
	case engine.StrategyDFS:
		fmt.Fprintf(&b, " --bound %d --reduction %s", e.Bound, e.Reduction)
		if e.States {
			b.WriteString(" --states")
		} else {
			b.WriteString(" --states=false") // explore's default for a scenario explored otherwise is true
		}
		if e.States && e.StateCap != 0 && e.StateCap != engine.DefaultStateCap {
			fmt.Fprintf(&b, " --state-cap %d", e.StateCap)
		}
		if e.SplitDepth != 0 {
			fmt.Fprintf(&b, " --split-depth %d", e.SplitDepth)
		}
	}
	fmt.Fprintf(&b, " --schedules %d --seed %d", e.Schedules, seed)
	if e.Shards != 0 {
		fmt.Fprintf(&b, " --shard %d/%d", e.Shard, e.Shards)
	}
	if e.MaxSteps != DefaultJudgeMaxSteps {
		fmt.Fprintf(&b, " --max-steps %d", e.MaxSteps)
	}
	switch {
	case e.NoShrink:
		b.WriteString(" --no-shrink")
	case e.ShrinkReplays != 0 && e.ShrinkReplays != engine.DefaultShrinkReplays:
		fmt.Fprintf(&b, " --shrink-replays %d", e.ShrinkReplays)
	}
	if e.WriteRun {
		fmt.Fprintf(&b, " --write-run %d", index)
	}
	return b.String()
}
