package dfs

import "github.com/migsim/migsim/engine/visited"

// Known transitions (with state pruning): a run that branches at decision
// p with pick i replays the path to p, runs the pick, and most often ends
// right there, at a state an earlier visit covers. Such a run does two
// things: it judges the pick (and the clock advances before the next
// decision), and it finds the state covered. The system is deterministic
// and its state hash stands for its whole state, so a pick run from a
// state leads to one state whatever path reached the first; and its judge
// hash (engine.JudgeHasher) stands for what its checks keep beyond that state, so
// the pick, run from a decision with the same state and judge hashes, is
// judged as it was then. The search remembers, for every pick it ran from
// a decision with both hashes and that found nothing, the state it led to
// and what the decision there needs to know of the pick's actor (enabled
// still, or finished). When the next run's pick is such a known transition
// from equal hashes and the state it leads to is covered (seen, with the
// node the run would build there: its preemptions, its sleep set, its
// previous actor), that run would find nothing and be pruned at its first
// new decision: the search prunes it without running it (Virtual), with
// every count and every later decision as if it had run.
//
// Not for a system without a judge hash (its checks may keep what the
// state hash leaves out, and judge the pick differently), above a split
// (shards and split depths number the subtrees from the decisions they
// see) nor with DPOR (its race analysis reads the runs).

// stepKey identifies a step of a state: its actor's key across runs
// (Step.Key) and its label.
func stepKey(st Step) uint64 { return visited.StepKey(st.Key, st.Label) }

// transitions reports whether the search keeps and uses known transitions.
// Never in a split tree: the report counts the runs known transitions
// pruned as the runs counted less those executed (report.KnownRuns),
// which a shard's runs into other shards' subtrees would make wrong.
func (s *Search) transitions() bool {
	return s.cfg.States && s.cfg.Reduction != ReductionDPOR && s.cfg.Shards <= 1 && s.cfg.SplitDepth == 0
}

// learn records that the pick p.chosen, run from p's state, led to the
// state with key child, where its actor had a step enabled (prevOn) or had
// finished.
func (s *Search) learn(p *node, child visited.Key, prevOn, prevFinished bool) {
	if !p.hasState || !p.hasJudge || !s.transitions() {
		return
	}
	if s.trans.Full() {
		return
	}
	s.trans.Learn(p.state, stepKey(p.enabled[p.chosen]), visited.Transition{Child: child, PrevOn: prevOn, PrevFinished: prevFinished})
	if s.trans.Full() {
		// learn runs during a run, which Next has not counted yet.
		s.transFullAt = s.ended() + 1
	}
}

// inherit fills in what node n, reached from p by pick i, takes from p:
// its preemptions and the sleeping steps that stay asleep past the pick.
// It records in p whether the pick's actor is still enabled at n.
func (s *Search) inherit(n, p *node, i int) {
	c := p.enabled[i]
	p.after[i] = 0
	if n.prevOn {
		p.after[i] = 1
	}
	n.preempts = p.preempts
	if p.isPreemption(i) {
		n.preempts++
	}
	if s.cfg.Reduction != ReductionNone {
		for _, z := range p.sleep {
			if z.Independent(c) {
				n.sleep = append(n.sleep, z)
			}
		}
		for _, t := range p.tried {
			if z := p.enabled[t]; z.Independent(c) && s.maySleep(p, t, c) {
				n.sleep = append(n.sleep, z)
			}
		}
	}
}

// wakeAll empties n's sleep set when its previous actor is blocked under a
// bound. The previous actor is blocked, so switching away from it here is
// free. A sleeping step z stands for the paths that run it later, covered
// by ones that run it first; but z, run first, may be what unblocks this
// actor, and then the covering path pays a preemption here that this one
// does not. So nothing sleeps past a blocked previous actor.
func (s *Search) wakeAll(n *node, prevFinished bool) {
	if s.cfg.Bound >= 0 && !n.prevOn && !prevFinished {
		n.sleep = nil
	}
}

// Virtual reports whether the run the search wants next (Next returned
// true) is pruned at its first new decision by a known transition: its pick
// leads to a state an earlier visit covers. Then the caller does not run it
// and passes ErrPruned to Next, which counts it as a pruned run. maxSteps
// is the runs' step bound (a run that reached it would end there instead).
func (s *Search) Virtual(maxSteps int) bool {
	k := len(s.stack) - 1
	if k < 0 || !s.transitions() || k+1 >= maxSteps {
		return false
	}
	p := &s.stack[k]
	if !p.hasState || !p.hasJudge || p.chosen < 0 {
		return false
	}
	tr, ok := s.trans.Lookup(p.state, stepKey(p.enabled[p.chosen]))
	if !ok {
		return false
	}
	c := p.enabled[p.chosen]
	n := node{prev: c.Actor, prevKey: c.Key, prevOn: tr.PrevOn, bounded: s.cfg.Bound >= 0}
	s.inherit(&n, p, p.chosen)
	s.wakeAll(&n, tr.PrevFinished)
	n.state, n.hasState, n.hasJudge = tr.Child, true, true
	if !s.seen(&n) {
		p.after[p.chosen] = -1 // the run will learn it
		return false
	}
	s.stateHits++
	s.virtualRuns++
	if n.cut {
		p.cut = true
	}
	return true
}

// VirtualRuns counts the runs Virtual pruned without running them.
func (s *Search) VirtualRuns() int { return s.virtualRuns }
