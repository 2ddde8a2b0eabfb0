package engine

// Forking a dfs run at its branch point (ExploreConfig.Fork). A dfs run
// replays the path to the decision it branches at; with a system that can
// copy itself (Forker), the search keeps a copy of the system at each
// decision it created and starts a later run that shares the path up to
// such a decision from a copy of it, with the runner's state at that
// decision (step index, clock, preemptions, trace and interleaving
// hashes, the choices so far), instead of building the system and
// replaying the path. The runs, their results and the search's counts are
// the same either way (TestFork_SameSearch); a system that cannot copy
// itself at a decision is replayed (ForkStats.Replayed).

// Forker is implemented by a system that can copy itself between steps.
// Fork returns an independent system in exactly the state the receiver is
// in (everything that decides what it offers, does and reports from now
// on, including whether it tracks its state for StateHash), or false when
// it cannot copy itself here. Neither system may change the other
// afterwards. A copy that holds resources implements Closer.
type Forker interface {
	Fork() (System, bool)
}

// Taker is implemented by a Forker's copy that can turn itself into the
// system Fork would return, without copying itself again, when the search
// will not ask it for another copy. After a successful Take the receiver
// is the returned system's and is not closed; after a refusal its Fork
// may refuse too (the search then tries a shallower copy).
type Taker interface {
	Take() (System, bool)
}

// LastForker is implemented by a Forker's copy that can return the
// system Fork would return without what that system would need to copy
// itself (a record of its past): the search will not ask it for a copy.
// Random and pct runs start from such copies (fork_sampled.go).
type LastForker interface {
	ForkLast() (System, bool)
}

// ForkStats counts what the fork did in an exploration: dfs's copies at
// its branch points, or random's and pct's at the first choice point
// (Taken: one per worker that kept one; Restored, Replayed and
// SkippedDecisions as in dfs).
type ForkStats struct {
	// Taken counts the copies kept at decisions; Restored the runs that
	// started from one; Replayed the runs that replayed from the start
	// because no copy of a decision on their path was kept (the first
	// run, a system that is not a Forker or refused to copy itself, or
	// the cap on kept copies).
	Taken, Restored, Replayed int
	// SkippedDecisions sums the decisions the restored runs did not
	// replay.
	SkippedDecisions int64
	// TakenOver counts the restored runs that started from the kept copy
	// itself (Taker), the last run to need it.
	TakenOver int
	// Refused counts, in a random or pct exploration (fork_sampled.go),
	// the copies the system refused at the first choice point and the
	// runs from a kept copy that refused to copy itself: those runs
	// started from the start.
	Refused int `json:",omitempty"`
	// NotBranching counts the decisions the runs created where no copy
	// was kept because the search cannot branch there: one enabled step,
	// or no pick left to explore (asleep, beyond the preemption bound).
	NotBranching int
}

// DefaultForkCap bounds the copies a search keeps at once: one per
// decision of the current path at most, so a path deeper than this keeps
// copies of its first DefaultForkCap new decisions.
const DefaultForkCap = 4096

// ForkSizer is implemented by a Forker's kept copy that can say how many
// bytes it holds. The search then also keeps copies only while they hold
// about DefaultForkBytes in all, by the size of the last copy it measured
// (the first, then every forkSizeEvery-th): a large system (a VM of
// hundreds of VFs, whose every copy holds every VF's member on every host)
// keeps fewer copies and replays more, the same runs either way.
type ForkSizer interface {
	ForkBytes() int64
}

// DefaultForkBytes bounds the bytes of the copies a search keeps at once.
const DefaultForkBytes = 128 << 20

// forkSizeEvery is how often the search measures a kept copy's size.
const forkSizeEvery = 64

// forkSnap is a copy of the system at decision step of the current path,
// with the runner's state there.
type forkSnap struct {
	sys          System
	now          VTime
	trace, inter uint64
	preempts     int
	advances     int
}

// forkCache keeps the copies of the current path's decisions, indexed by
// decision; a run restores the deepest one at or above its branch point.
type forkCache struct {
	snaps []forkSnap // snaps[i].sys nil: no copy of decision i
	kept  int
	cap   int
	// copyBytes is the size of the last copy measured (ForkSizer), 0
	// before one was; maxBytes bounds kept × copyBytes.
	copyBytes, maxBytes int64
	stats               ForkStats
	// takeFrom is the first decision of the current run whose copy is
	// kept (the decisions the search creates); -1 keeps none.
	takeFrom int
	// prefix is the scratch the restored run's first choices are built in.
	prefix []Choice
	// search is the dfs search whose runs the cache serves.
	search *DFS
}

func newForkCache() *forkCache {
	return &forkCache{cap: DefaultForkCap, maxBytes: DefaultForkBytes, takeFrom: -1}
}

// trim drops the copies of decisions at or below depth: the search changed
// the pick at depth, so the copies below it are of other paths. The copy
// at depth itself is of the state before its pick and stays.
func (c *forkCache) trim(depth int) {
	for i := depth + 1; i < len(c.snaps); i++ {
		if s := c.snaps[i].sys; s != nil {
			closeKept(s)
			c.snaps[i] = forkSnap{}
			c.kept--
		}
	}
	if depth+1 < len(c.snaps) {
		c.snaps = c.snaps[:max(depth+1, 0)]
	}
}

// drop releases every copy.
func (c *forkCache) drop() { c.trim(-1) }

// deepest returns the deepest decision at or above depth with a copy.
func (c *forkCache) deepest(depth int) (int, bool) {
	for i := min(depth, len(c.snaps)-1); i > 0; i-- {
		if c.snaps[i].sys != nil {
			return i, true
		}
	}
	return 0, false
}

// keep stores a copy of decision i, unless one is kept or the cap is
// reached. Decision 0 is not kept: a run starts there anyway.
func (c *forkCache) keep(i int, sys System, s forkSnap) {
	if c.takeFrom < 0 || i < c.takeFrom || i == 0 || c.kept >= c.cap || int64(c.kept+1)*c.copyBytes > c.maxBytes {
		return
	}
	for len(c.snaps) <= i {
		c.snaps = append(c.snaps, forkSnap{})
	}
	if c.snaps[i].sys != nil {
		return
	}
	cp, ok := fork(sys)
	if !ok {
		return
	}
	if sz, ok := cp.(ForkSizer); ok && c.stats.Taken%forkSizeEvery == 0 {
		c.copyBytes = sz.ForkBytes()
	}
	s.sys = cp
	c.snaps[i] = s
	c.kept++
	c.stats.Taken++
}

// keepIfBranching keeps a copy of decision i, which the search has just
// chosen at (the system still in the state before the pick), when a later
// run of the search may pick another step there: only such a decision can
// be a run's branch point (dfs.Search.MayBranch).
func (c *forkCache) keepIfBranching(i int, sys System, s forkSnap) {
	if _, ok := sys.(Forker); ok && c.search != nil && !c.search.s.MayBranch() {
		c.stats.NotBranching++
		return
	}
	c.keep(i, sys, s)
}

// forget drops the copy of decision i (the search pruned it there, so it
// is not on the path).
func (c *forkCache) forget(i int) {
	if i < len(c.snaps) && c.snaps[i].sys != nil {
		closeKept(c.snaps[i].sys)
		c.snaps[i] = forkSnap{}
		c.kept--
	}
}

// fork copies sys when it is a Forker that can copy itself now. A panic
// in Fork counts as a refusal: the run that needs the copy replays instead,
// and meets whatever made it panic as it would without the fork.
func fork(sys System) (cp System, ok bool) {
	f, isForker := sys.(Forker)
	if !isForker {
		return nil, false
	}
	defer func() {
		if p := recover(); p != nil {
			cp, ok = nil, false
		}
	}()
	return f.Fork()
}

// forkLast copies a kept copy that no run will ask for a copy: ForkLast
// when it has one, else Fork; a panic is a refusal, as in fork.
func forkLast(sys System) (cp System, ok bool) {
	f, isLast := sys.(LastForker)
	if !isLast {
		return fork(sys)
	}
	defer func() {
		if p := recover(); p != nil {
			cp, ok = nil, false
		}
	}()
	return f.ForkLast()
}

// take turns a kept copy into a runnable system when it is a Taker; a
// panic is a refusal, as in fork.
func take(sys System) (cp System, ok bool) {
	t, isTaker := sys.(Taker)
	if !isTaker {
		return nil, false
	}
	defer func() {
		if p := recover(); p != nil {
			cp, ok = nil, false
		}
	}()
	return t.Take()
}

// forkCloseBy and closeBy name the Close of a system in a panic finding's
// stack ("resumed by …"): a forked copy's, and one RunSeed built.
const (
	forkCloseBy = "the Close of the system's forked copy"
	closeBy     = "the system's Close"
)

func closeSystem(s System) {
	if c, ok := s.(Closer); ok {
		c.Close()
	}
}

// closeKept closes a copy the search kept and drops without running it. A
// panic there is ignored: the copy ran no step of any run, and a Close
// that panics does so in the runs' own systems too, which report it.
func closeKept(s System) {
	defer func() { _ = recover() }()
	closeSystem(s)
}

// forkStart is where a run starts: a copy of the system at decision step
// with the runner's state there, the choices of the path before it.
type forkStart struct {
	step   int
	snap   forkSnap
	prefix []Choice
	// forced, for a random or pct run, is what its chooser saw at the
	// decisions before step, which it is shown again (replayForced).
	forced []forcedDecision
}

// runForked runs the dfs search's next run: from a copy of the deepest
// decision at or above its branch point that the cache keeps, else from
// the start (RunSeed). It keeps copies of the decisions the run creates.
func (r *Runner) runForked(f Factory, seed uint64, s *DFS, c *forkCache) (res Result, err error) {
	branch := s.s.First()
	c.trim(branch)
	c.takeFrom = s.s.Depth()
	c.search = s
	r.fork = c
	defer func() { r.fork = nil }()
	// The deepest copy that copies itself now; one that refuses (or
	// panics) is dropped, and the next shallower one is tried before the
	// run replays from the start.
	var sys System
	var start forkSnap
	j, ok := c.deepest(branch)
	for ok {
		// The copy at the branch point, when the search takes its last
		// pick there, is dropped after this run: it is taken over.
		if j == branch && s.s.LastPick(j) {
			if sys, ok = take(c.snaps[j].sys); ok {
				start = c.snaps[j]
				c.snaps[j] = forkSnap{}
				c.kept--
				c.stats.TakenOver++
				break
			}
		}
		if sys, ok = fork(c.snaps[j].sys); ok {
			start = c.snaps[j]
			break
		}
		c.forget(j)
		j, ok = c.deepest(j - 1)
	}
	if !ok {
		c.stats.Replayed++
		return r.RunSeed(f, seed, s)
	}
	c.stats.Restored++
	c.stats.SkippedDecisions += int64(j)
	c.prefix = c.prefix[:0]
	for i := 0; i < j; i++ {
		st, chosen, pre := s.s.PathStep(i)
		c.prefix = append(c.prefix, Choice{Index: chosen, Actor: st.Actor, Label: st.Label, Footprint: st.Footprint, Preempt: pre})
	}
	r.start = &forkStart{step: j, snap: start, prefix: c.prefix}
	// by names what a panic interrupted, as RunSeed's does: Run turns the
	// run's own panics into findings, so what is left here is the copy's
	// Close.
	by := ""
	defer func() {
		r.start = nil
		if p := recover(); p != nil {
			res = Result{Seed: seed, Finding: panicFinding(p, 0, by)}
			err = nil
		}
	}()
	defer func() {
		by = forkCloseBy
		closeSystem(sys)
	}()
	res, err = r.Run(sys, s)
	res.Seed = seed
	return res, err
}
