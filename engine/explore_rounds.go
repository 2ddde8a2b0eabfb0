package engine

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
)

func (e *explorer) rounds(ctx context.Context) error {
	workers := make([]*worker, e.cfg.Jobs)
	for i := range workers {
		workers[i] = &worker{r: NewRunner(RunConfig{MaxSteps: e.cfg.MaxSteps})}
		workers[i].r.blindNoFootprints = true // a finding's run is shrunk by replaying it
		if e.cfg.Fork && e.cfg.SeedFree {
			workers[i].r.sampled = newSampledFork()
		}
	}
	if e.cfg.Fork && e.cfg.SeedFree {
		defer func() { e.sum.Fork = sampledStats(workers) }()
	}
	outs := make([]runOut, exploreRound)
	var idx []int
	// cut is set when the context ended a round before all its schedules
	// ran: a context that ends after the last schedule ran cut nothing.
	cut := false
	for lo := 0; lo < e.cfg.Schedules; lo += exploreRound {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("engine: explore: %w", err)
		}
		idx = e.roundIndices(lo, idx)
		k := e.sum.PCTSteps
		e.runRound(ctx, workers, idx, k, outs)
		var lenSum int64
		roundCut := false
		for j, i := range idx {
			o := outs[j]
			outs[j] = runOut{}
			if !o.ran {
				roundCut = true
				continue
			}
			lenSum += int64(o.steps)
			if e.cfg.AfterRun != nil {
				e.cfg.AfterRun(o.res, o.err)
			}
			if err := e.remember(o); err != nil {
				return fmt.Errorf("engine: explore: schedule %d: %w", i, err)
			}
			if !e.owned(i) {
				continue
			}
			if err := e.add(i, o); err != nil {
				return err
			}
		}
		cut = cut || roundCut
		if lo == 0 && e.cfg.Strategy == StrategyPCT && len(idx) > 0 && !roundCut {
			// k: the mean run length of the first round.
			e.sum.PCTSteps = max(1, int((lenSum+int64(len(idx))-1)/int64(len(idx))))
		}
		e.dropMemo(workers)
		e.progress(false)
		if e.cfg.StopOnFinding && len(e.sum.Findings) > 0 {
			break
		}
	}
	if err := ctx.Err(); err != nil && cut {
		return fmt.Errorf("engine: explore: %w", err)
	}
	return nil
}

// dropMemo drops the memo at the end of a round when it answered none of
// the schedules run so far and they are MemoConfig.DropAfter or more: a
// function of the hits, which do not depend on Jobs, so neither does
// which schedules run without it. The tree and the runs' logs are freed
// (the workers' too).
func (e *explorer) dropMemo(workers []*worker) {
	if e.memo == nil || !e.memo.dropAfter(e.sum.Executed+e.sum.Memo.Hits-e.sum.Memo.Verified, e.sum.Memo.Hits) {
		return
	}
	e.sum.Memo.Nodes, e.sum.Memo.Full, e.sum.Memo.Dropped = e.memo.nodes, e.memo.full, true
	e.memo, e.paths = nil, nil
	for i := range e.todo {
		e.todo[i].path = nil
	}
	for _, w := range workers {
		w.log = eventLog{}
	}
}

// runRound runs the round's schedules idx into outs. With the memo, the
// walks come first, in this goroutine (a walk costs microseconds, a run
// hundreds): hits are answered at once, and only the runs to execute —
// misses and memo checks — go to the jobs. The jobs are one goroutine
// each, taking the next run until none is left: no goroutine or channel
// handoff per schedule, and none at all for a round of hits or with one
// job (waking another thread costs more than a hit on a busy machine).
// Jobs running side by side keep each miss's run in a path of its own,
// which the memo takes after the round and the next round reuses; runs
// that go one at a time go into the tree as they end (runInOrder).
func (e *explorer) runRound(ctx context.Context, workers []*worker, idx []int, k int, outs []runOut) {
	for _, t := range e.todo {
		if t.path != nil {
			e.paths = append(e.paths, t.path) // the last round's: inserted
		}
	}
	todo := e.todo[:0]
	for j, i := range idx {
		if ctx.Err() != nil {
			break
		}
		seed := ScheduleSeed(e.cfg.Seed, i)
		t := task{j: j, i: i, seed: seed, ch: e.chooser(seed, k)}
		if e.memo != nil {
			leaf, at, ev, err := e.memo.walk(&e.walk, seed, t.ch)
			switch {
			case err != nil:
				outs[j] = runOut{err: err, ran: true}
				continue
			case leaf != nil:
				outs[j] = runOut{res: leaf.result(seed, e.memo, &e.walk, e.mayReport(leaf.finding)), steps: leaf.steps, ran: true, hit: true}
				if !e.memo.verify(i) {
					continue
				}
				t.check = leaf
			}
			t.picks, t.at, t.ev = slices.Clone(e.walk.picks), at, ev
			t.record = t.check == nil && !e.memo.full
		}
		todo = append(todo, t)
	}
	e.todo = todo
	n := min(len(workers), len(todo))
	if n <= 1 {
		e.runInOrder(ctx, workers[0], todo, outs)
		return
	}
	for j := range todo {
		if todo[j].record {
			todo[j].path = e.freePath()
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for _, w := range workers[:n] {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				n := int(next.Add(1) - 1)
				if n >= len(todo) || ctx.Err() != nil {
					return
				}
				e.execute(w, &todo[n], outs, false)
			}
		}()
	}
	wg.Wait()
}

// runInOrder runs the round's tasks on w one after the other, in schedule
// order, and inserts each miss into the tree as soon as it has run,
// straight from w's log: remember would insert it at the same point of
// the round, and nothing inserted earlier in the round changes what the
// later tasks do (their walks are done, and whether they are recorded
// was decided there). As remember stops at the first schedule that
// failed, nothing past it is inserted.
func (e *explorer) runInOrder(ctx context.Context, w *worker, todo []task, outs []runOut) {
	failed := len(outs) // the first schedule of the round that failed
	for j := range outs {
		if outs[j].err != nil {
			failed = j // its walk failed
			break
		}
	}
	for k := range todo {
		if ctx.Err() != nil {
			return
		}
		t := &todo[k]
		e.execute(w, t, outs, t.j < failed)
		if o := &outs[t.j]; o.err != nil || o.memoErr != nil {
			failed = min(failed, t.j)
		}
	}
}

// task is one run to execute in a round: a schedule the memo did not
// answer (picks: the walk's, at/ev: where it left the tree, record: the
// run is recorded for the memo as the tree was not full, path: where it
// is kept until the round ends, when jobs run side by side), or a memo
// hit to check (check: the remembered result).
type task struct {
	j, i   int
	seed   uint64
	ch     Chooser
	picks  []int
	at     *memoNode
	ev     int
	record bool
	path   *eventLog
	check  *memoLeaf
}

// freePath returns an event log no task of this round keeps its run in.
func (e *explorer) freePath() *eventLog {
	if n := len(e.paths); n > 0 {
		l := e.paths[n-1]
		e.paths = e.paths[:n-1]
		return l
	}
	return &eventLog{}
}

// chooser returns schedule seed's chooser.
func (e *explorer) chooser(seed uint64, k int) Chooser {
	rng := NewStream(seed, StreamSchedule)
	if e.cfg.Strategy == StrategyPCT {
		return NewPCT(rng, e.cfg.PCTDepth, k)
	}
	return NewRandom(rng)
}

// execute runs a task on worker w and stores its outcome in outs. A
// recorded miss is kept in the task's path for remember, or else inserted
// into the tree now when insert is set.
func (e *explorer) execute(w *worker, t *task, outs []runOut, insert bool) {
	switch {
	case t.check != nil:
		out := &outs[t.j]
		out.executed, out.verified = true, true
		_, out.err = recheck(w.r, e.cfg.Factory, t.seed, t.picks, t.check)
		return
	case e.memo == nil:
		outs[t.j] = e.keep(w.r.RunSeed(e.cfg.Factory, t.seed, t.ch))
	default:
		var log *eventLog
		if t.record {
			log = &w.log
		}
		res, path, err := e.memo.runMiss(w.r, log, e.cfg.Factory, t.seed, t.picks, t.ch, t.at, t.ev)
		out := &outs[t.j]
		*out = e.keep(res, err)
		switch {
		case path == nil:
		case t.path != nil:
			t.path.copyPath(path)
			out.at, out.path = t.at, t.path
		case insert:
			out.memoErr = e.memo.insert(t.at, path)
		}
	}
	outs[t.j].executed = true
}
