package engine

import "github.com/migsim/migsim/engine/progress"

// Progress is a snapshot of a running exploration (progress.Snapshot).
type Progress = progress.Snapshot

func (e *explorer) progress(final bool) {
	if e.cfg.Progress == nil {
		return
	}
	total := e.cfg.Schedules
	if e.cfg.Shards > 1 && e.cfg.Strategy != StrategyDFS {
		total = (e.cfg.Schedules - e.cfg.Shard + e.cfg.Shards - 1) / e.cfg.Shards
	}
	e.cfg.Progress(Progress{
		Done: e.sum.Schedules + e.sum.Pruned, Total: total, Executed: e.sum.Executed, Pruned: e.sum.Pruned,
		Distinct: e.distinct.Len(), DistinctCapped: e.distinct.Capped(), Findings: len(e.sum.Findings),
		Elapsed: e.cfg.Clock().Sub(e.start), Final: final, Strategy: string(e.cfg.Strategy),
	})
}
