package engine

import "fmt"

// Forking random and pct runs at their first choice point
// (ExploreConfig.Fork with ExploreConfig.SeedFree). Every run of a system
// that does not depend on its seed goes the same way up to the first
// decision with more than one enabled step: its decisions before it are
// forced. Each worker's Runner keeps a copy of the system there, taken in
// the first run that reaches it, with the runner's state and what the
// chooser saw at every forced decision; a later run starts from a copy of
// it, shows its chooser the forced decisions again (pct draws an actor's
// priority when it first sees the actor and counts decisions for its
// change points) and runs on from the choice point. The runs and their
// results are the same either way (TestSampledFork_Same).

// sampledFork is a Runner's copy of the system at the first choice point
// of its runs, or what it records to keep one.
type sampledFork struct {
	// want is set until a copy is kept, or the system refused one.
	want bool
	// kept is the copy, with where a run from it starts: the choices and
	// the forced decisions before the choice point, the runner's state
	// there (kept.snap, whose sys is the kept copy).
	kept forkStart
	// decisions records what the chooser saw at the forced decisions of
	// the run that keeps the copy.
	decisions []forcedDecision
	stats     ForkStats
}

// forcedDecision is what the chooser saw at a decision with one enabled
// step: Decision's fields, and the step before its footprint was given.
type forcedDecision struct {
	now          VTime
	prev, adv    int
	prevFinished bool
	step         Step
}

// newSampledFork returns the state of a Runner that keeps a copy at the
// first choice point of its runs.
func newSampledFork() *sampledFork { return &sampledFork{want: true} }

// record notes a forced decision of a run that looks for the choice point.
func (sf *sampledFork) record(d *Decision) {
	sf.decisions = append(sf.decisions, forcedDecision{now: d.Now, prev: d.Prev, adv: d.Advances,
		prevFinished: d.PrevFinished, step: d.Enabled[0]})
}

// keep copies sys at the choice point, decision step, whose runner state
// is snap and whose choices before it are choices. A system that refuses,
// or drew from its streams before (drew: the memo's log saw it; a
// seed-free system does not), is not asked again: its runs start from the
// start.
func (sf *sampledFork) keep(step int, sys System, drew bool, snap forkSnap, choices []Choice) {
	sf.want = false
	cp, ok := System(nil), false
	if !drew && len(sf.decisions) == step {
		cp, ok = fork(sys)
	}
	if !ok {
		sf.stats.Refused++
		return
	}
	snap.sys = cp
	sf.kept = forkStart{step: step, snap: snap, prefix: append([]Choice(nil), choices...), forced: sf.decisions}
	sf.decisions = nil
	sf.stats.Taken++
}

// restore returns a runnable copy of the kept copy and points r at where
// its run starts, or false when there is no copy or it refused (it is
// then dropped, and the run is built).
func (sf *sampledFork) restore(r *Runner) (System, bool) {
	if sf.kept.snap.sys == nil {
		return nil, false
	}
	sys, ok := forkLast(sf.kept.snap.sys)
	if !ok {
		sf.drop()
		sf.stats.Refused++
		return nil, false
	}
	sf.stats.Restored++
	sf.stats.SkippedDecisions += int64(sf.kept.step)
	r.start = &sf.kept
	return sys, true
}

// drop closes the kept copy.
func (sf *sampledFork) drop() {
	if s := sf.kept.snap.sys; s != nil {
		closeKept(s)
	}
	sf.kept = forkStart{}
}

// replayForced shows ch the forced decisions before a restored run's
// choice point, as a run from the start would: the chooser must pick the
// one step each time, and a memo log records them.
func (r *Runner) replayForced(ch Chooser, forced []forcedDecision, prefix []Choice) error {
	d := &r.forcedD // one Decision a Runner reuses: &d escapes to the chooser
	for k := range forced {
		fd := &forced[k]
		r.enabled = append(r.enabled[:0], fd.step)
		*d = Decision{Index: k, Now: fd.now, Enabled: r.enabled, Prev: fd.prev, Advances: fd.adv, PrevFinished: fd.prevFinished}
		i, err := ch.Choose(d)
		if err == nil && i != 0 {
			err = fmt.Errorf("engine: step %d: chooser picked %d of 1 enabled steps", ShownStep(k), i)
		}
		if err != nil {
			r.choices = r.choices[:k]
			return err
		}
		if r.log != nil {
			d.Enabled[0].Footprint = prefix[k].Footprint // as the run gave the step it ran
			r.log.decision(d, 0)
		}
	}
	d.Enabled = nil
	return nil
}

// sampledStats sums the workers' counts.
func sampledStats(workers []*worker) *ForkStats {
	var st ForkStats
	for _, w := range workers {
		if sf := w.r.sampled; sf != nil {
			sf.drop()
			st.Taken += sf.stats.Taken
			st.Restored += sf.stats.Restored
			st.Replayed += sf.stats.Replayed
			st.SkippedDecisions += sf.stats.SkippedDecisions
			st.Refused += sf.stats.Refused
		}
	}
	return &st
}
