package engine

import (
	"context"
	"errors"
	"fmt"
)

// dfs explores the tree depth-first, sequentially: every run replays the
// current path with the seed of schedule 0.
func (e *explorer) dfs(ctx context.Context) error {
	s := NewSearch(DFSConfig{Bound: e.cfg.Bound, Reduction: e.cfg.Reduction, SplitDepth: e.cfg.SplitDepth,
		Shard: e.cfg.Shard, Shards: e.cfg.Shards, States: e.cfg.States, StateCap: e.cfg.StateCap})
	seed := ScheduleSeed(e.cfg.Seed, 0)
	r := NewRunner(RunConfig{MaxSteps: e.cfg.MaxSteps})
	maxSteps := r.cfg.MaxSteps
	var forks *forkCache
	if e.cfg.Fork {
		forks = newForkCache()
	}
	defer func() {
		if forks != nil {
			forks.drop()
			st := forks.stats
			e.sum.Fork = &st
		}
		e.sum.Complete, e.sum.BoundHit, e.sum.StateHits = s.Done(), s.BoundHit(), s.StateHits()
		e.sum.StatesFullAt, e.sum.TransitionsFullAt = s.StatesFullAt(), s.TransitionsFullAt()
		if e.sum.StatesFullAt > 0 || e.sum.TransitionsFullAt > 0 {
			e.sum.StateCap = s.StateCap()
		}
		if e.cfg.MergeData {
			e.sum.Subtrees = s.SubtreeRuns()
		}
	}()
	// subStart is the number of complete runs before the current subtree.
	subStart, curSub := 0, -1
	for n := 0; n < e.cfg.Schedules; {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("engine: explore: %w", err)
		}
		if n%exploreRound == 0 {
			e.progress(false)
		}
		var res Result
		var err error
		virtual := s.Virtual(maxSteps)
		if virtual {
			err = ErrPruned // a known transition to a covered state: not run
		} else {
			if forks != nil {
				res, err = r.runForked(e.cfg.Factory, seed, s, forks)
			} else {
				res, err = r.RunSeed(e.cfg.Factory, seed, s)
			}
			if e.cfg.AfterRun != nil {
				e.cfg.AfterRun(res, err)
			}
			e.sum.Executed++
			e.sum.ExecutedDecisions += int64(len(res.Choices))
		}
		if err != nil && !errors.Is(err, ErrForeign) && !errors.Is(err, ErrPruned) {
			return fmt.Errorf("engine: explore: dfs run %d: %w", s.Runs(), err)
		}
		index := s.Runs()
		more := s.Next(&res, err)
		switch sub, kind := s.LastRun(); kind {
		case RunForeign: // a run above the split, executed to find this shard's subtrees
			if !virtual {
				n++
			}
		case RunPruned:
			n++
			e.sum.Pruned++
		case RunComplete:
			n++
			if sub != curSub {
				curSub, subStart = sub, index
			}
			if err := e.add(index, e.keep(res, nil)); err != nil {
				return err
			}
			if k := len(e.sum.Findings); k > 0 && e.sum.Findings[k-1].Index == index {
				rep := &e.sum.Findings[k-1]
				rep.Subtree, rep.SubtreeIndex = sub, index-subStart
			}
			if e.cfg.StopOnFinding && len(e.sum.Findings) > 0 {
				return nil
			}
		}
		if !more {
			return nil
		}
	}
	return nil
}
