package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/migsim/migsim/engine/distinct"
)

// exploreRound is how many schedules run between two aggregation points.
// Results are aggregated, the memo grows and progress is reported per
// round, so everything but elapsed time is independent of Jobs.
const exploreRound = 256

// PCTLearnSchedules is how many schedules pct learns k from: the first
// round, which every shard runs in full (and counts only its own of).
const PCTLearnSchedules = exploreRound

// ExploreConfig configures Explore.
type ExploreConfig struct {
	// Factory builds the system for each run.
	Factory Factory
	// Strategy is random, pct or dfs.
	Strategy string
	// Schedules is the number of schedules (for dfs: the run budget of
	// this shard, pruned runs and the runs it executes into other shards'
	// subtrees included).
	Schedules int
	// Seed is the base seed; schedule i runs with ScheduleSeed(Seed, i).
	// dfs runs every path with ScheduleSeed(Seed, 0).
	Seed uint64
	// Jobs bounds parallel runs; zero means GOMAXPROCS. dfs runs
	// sequentially.
	Jobs int
	// Shard and Shards split the exploration: random and pct run the
	// schedules with index ≡ Shard (mod Shards), dfs the subtrees of its
	// split (DFSConfig.SplitDepth) numbered ≡ Shard. Shards ≤ 1 runs all.
	Shard, Shards int
	// PCTDepth is pct's d; PCTSteps its initial k (zero: defaults).
	PCTDepth, PCTSteps int
	// Bound is dfs's preemption bound (negative: unbounded).
	Bound int
	// Reduction is dfs's partial-order reduction (default sleep sets).
	Reduction Reduction
	// SplitDepth is dfs's split depth (DFSConfig.SplitDepth: zero means
	// none, or DefaultSplitDepth when sharded).
	SplitDepth int
	// States turns on dfs's state pruning for systems that implement
	// StateHasher (DFSConfig.States).
	States bool
	// StateCap caps the states dfs's state pruning remembers, and its
	// known transitions, each (DFSConfig.StateCap; zero: DefaultStateCap,
	// else MinStateCap..MaxStateCap). Summary.StatesFullAt says when a
	// search reached it.
	StateCap int
	// MaxSteps bounds each run.
	MaxSteps int
	// StopOnFinding ends the exploration after the round in which the
	// first finding appears (dfs: after that run).
	StopOnFinding bool
	// Memo, when set, remembers executed runs of random and pct and reuses
	// their results (see MemoConfig for when that is sound).
	Memo *MemoConfig
	// MergeData keeps in the Summary what merge.Summaries (package engine/merge) needs: the
	// interleaving hashes and dfs's runs per subtree.
	MergeData bool
	// Shrink shrinks every reported finding (sequentially, after the
	// exploration) with this configuration, when non-nil.
	Shrink *ShrinkConfig
	// DistinctCap bounds the distinct interleavings the exploration keeps
	// (zero: DefaultDistinctCap); past it Summary.Distinct is a lower
	// bound and Summary.DistinctCapped is set.
	DistinctCap int
	// Progress, when set, is called after every round and once at the
	// end (Final set). See progress.Line.
	Progress func(Progress)
	// Clock measures elapsed time for throughput; nil means time.Now. It
	// never influences a schedule.
	Clock func() time.Time
	// Fork starts each dfs run from a copy of the system at the deepest
	// decision of its path the search kept one of, instead of replaying
	// the path from the start, when the system is a Forker (fork.go).
	// Off by default; Summary.Fork counts what it did. With SeedFree it
	// starts random and pct runs from a copy too (fork_sampled.go).
	Fork bool
	// SeedFree declares that the factory's systems do not depend on
	// their seed: built from any seed, they behave the same under the same
	// choices (they neither read Streams.Seed nor draw from the streams).
	// Every run is then the same up to its first decision with more than
	// one enabled step, and with Fork each worker keeps a copy of the
	// system there and starts its later random and pct runs from a copy
	// of it, showing the chooser the forced decisions before it as a run
	// from the start would. The engine cannot tell: a caller that sets it
	// for a system that depends on its seed gets every run but a worker's
	// first as if built from that first run's seed. A target whose runs
	// without migration are the same at two seeds
	// (catalog.Target.FactoryInfo) declares it, as it does for the memo.
	SeedFree bool
	// AfterRun, when set, sees every run a dfs exploration executes, in
	// order, with its result (its choices alias the runner's buffer until
	// the next run) and error, and every schedule of a random or pct one,
	// in schedule order (a memo hit's result as the memo gives it): tests
	// compare two explorations run by run.
	AfterRun func(Result, error)
}

// Report is a finding with the schedule that produced it.
type Report struct {
	// Index is the schedule's index in the exploration (dfs: the number
	// of complete runs before it, in depth-first order); Seed its seed.
	Index int
	Seed  uint64
	// Subtree and SubtreeIndex place a dfs finding in its subtree of the
	// split (for merging shards): Index counts the runs of the earlier
	// subtrees plus SubtreeIndex.
	Subtree, SubtreeIndex int
	// Finding is the violation.
	Finding Finding
	// Result is the failing run (it owns its choices).
	Result Result
	// Shrunk is the shrunk run, when ExploreConfig.Shrink was set.
	Shrunk *ShrinkResult
}

// Summary is the outcome of an exploration. Every field except Elapsed,
// Executed, ExecutedDecisions, Memo and Fork is a function of the
// configuration alone, whatever Jobs is and whether the memo and the fork
// are on (the fork changes none of Executed and ExecutedDecisions either).
type Summary struct {
	Strategy string
	Seed     uint64
	// Shard and Shards are the configuration's (Shards ≤ 1: everything).
	Shard, Shards int
	// Schedules counts completed runs; Pruned counts dfs runs abandoned.
	Schedules, Pruned int
	// Decisions sums the steps of every run.
	Decisions int64
	// Distinct counts distinct interleavings (label sequences): all of
	// them, or, with DistinctCapped set, the first ExploreConfig.DistinctCap
	// in schedule order, a lower bound of the count.
	Distinct int
	// DistinctCapped is set when an interleaving was left out of Distinct
	// (and Interleavings) because the exploration held DistinctCap of
	// them already.
	DistinctCapped bool `json:",omitempty"`
	// Failing counts runs that ended in a finding.
	Failing int
	// Findings holds the first finding of each oracle (lowest schedule
	// index), ordered by index.
	Findings []Report
	// PCTSteps is pct's final estimate of k.
	PCTSteps int
	// Complete is set when dfs exhausted its space; BoundHit when the
	// preemption bound cut at least one pick.
	Complete, BoundHit bool
	// Reduction and SplitDepth are dfs's; StateHits counts dfs decisions
	// pruned because their state had been explored.
	Reduction  Reduction
	SplitDepth int
	StateHits  int
	// StatesFullAt is set when dfs's table of the states it explored
	// reached its cap (ExploreConfig.StateCap): the run, counted as the
	// run budget counts them from 1, at whose end it did. From then on the
	// search remembered no more states and pruned no run at a state it
	// explored later: still sound, but a run that would have ended at such
	// a state ran to its end. TransitionsFullAt is the run in which the
	// known transitions reached the same cap (from then on runs they would
	// have pruned without running were run). StateCap is that cap, set
	// when either is. All three are left out of JSON when zero: no table
	// was full.
	StatesFullAt      int `json:",omitempty"`
	TransitionsFullAt int `json:",omitempty"`
	StateCap          int `json:",omitempty"`
	// Interrupted is set when the context ended the exploration early.
	Interrupted bool
	// Executed counts runs of the system: schedules not answered by the
	// memo, memo checks, and dfs's runs into other shards' subtrees; not
	// the dfs runs a known transition pruned without running them.
	Executed int
	// ExecutedDecisions sums the steps of the runs Executed counts (left
	// out of JSON when zero: an exploration that executed nothing).
	ExecutedDecisions int64 `json:",omitempty"`
	// Memo describes the memo's work.
	Memo MemoStats
	// Interleavings (sorted: those Distinct counts) and Subtrees are kept
	// with MergeData.
	Interleavings []uint64
	Subtrees      []SubtreeRuns
	// Elapsed is wall-clock time, for throughput only.
	Elapsed time.Duration
	// Fork counts the copies a dfs exploration with ExploreConfig.Fork
	// (or a random or pct one with SeedFree too) kept and started runs
	// from (nil without it).
	Fork *ForkStats `json:",omitempty"`
}

// SchedulesPerSecond returns the throughput in schedules (memo hits
// included).
func (s *Summary) SchedulesPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Schedules+s.Pruned) / s.Elapsed.Seconds()
}

// ExecutedPerSecond returns the throughput in runs of the system.
func (s *Summary) ExecutedPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Executed) / s.Elapsed.Seconds()
}

// NsPerDecision returns wall-clock nanoseconds per decision of an executed
// run (system work included): schedules the memo answered and dfs runs a
// known transition pruned cost next to nothing and are not counted.
func (s *Summary) NsPerDecision() float64 {
	if s.ExecutedDecisions == 0 {
		return 0
	}
	return float64(s.Elapsed.Nanoseconds()) / float64(s.ExecutedDecisions)
}

// runOut is one schedule's outcome inside a round.
type runOut struct {
	res   Result
	steps int
	err   error
	ran   bool // the schedule was run (false: cancelled before)
	// executed: the system ran; hit/verified: the memo answered (and the
	// answer was checked); path/at: the run's events for the memo to
	// insert, or memoErr: the memo's error inserting them as the run ended.
	executed, hit, verified bool
	path                    *eventLog
	at                      *memoNode
	memoErr                 error
}

type explorer struct {
	cfg      ExploreConfig
	sum      Summary
	distinct *distinct.Set
	oracles  map[string]bool
	lenSum   int64
	start    time.Time
	memo     *memo
	// walk and todo are runRound's buffers; paths holds event logs free
	// to keep its misses' runs in (as many as a round has had misses).
	walk  memoWalk
	todo  []task
	paths []*eventLog
}

// worker is one job's reusable state.
type worker struct {
	r   *Runner
	log eventLog
}

// Explore runs cfg.Schedules schedules and collects findings. It returns
// the summary so far together with an error when a run cannot be built or
// ctx ends (Summary.Interrupted; findings found so far are kept, and are
// shrunk only when ctx has not ended).
func Explore(ctx context.Context, cfg ExploreConfig) (Summary, error) {
	if cfg.Factory == nil {
		return Summary{}, errors.New("engine: explore: no factory")
	}
	if _, err := ParseStrategy(cfg.Strategy); err != nil || cfg.Strategy == StrategyReplay {
		return Summary{}, fmt.Errorf("engine: explore: strategy %q: want random, pct or dfs", cfg.Strategy)
	}
	if cfg.Shards > 1 && (cfg.Shard < 0 || cfg.Shard >= cfg.Shards) {
		return Summary{}, fmt.Errorf("engine: explore: shard %d/%d out of range", cfg.Shard, cfg.Shards)
	}
	if err := CheckStateCap(cfg.StateCap); err != nil {
		return Summary{}, err
	}
	return exploreAnyCap(ctx, cfg)
}

// exploreAnyCap is Explore with any positive ExploreConfig.StateCap: this
// package's tests fill tables smaller than MinStateCap.
func exploreAnyCap(ctx context.Context, cfg ExploreConfig) (Summary, error) {
	if cfg.Shards < 1 {
		cfg.Shards = 1
	}
	if cfg.Jobs <= 0 {
		cfg.Jobs = runtime.GOMAXPROCS(0)
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.PCTSteps <= 0 {
		cfg.PCTSteps = DefaultPCTSteps
	}
	e := &explorer{cfg: cfg, distinct: distinct.New(cfg.DistinctCap), oracles: map[string]bool{}, start: cfg.Clock()}
	e.sum = Summary{Strategy: cfg.Strategy, Seed: cfg.Seed, Shard: cfg.Shard, Shards: cfg.Shards, PCTSteps: cfg.PCTSteps}
	if cfg.Memo != nil && cfg.Strategy != StrategyDFS {
		e.memo = newMemo(*cfg.Memo)
	}
	var err error
	if cfg.Strategy == StrategyDFS {
		e.sum.Reduction, e.sum.SplitDepth = cfg.Reduction, EffectiveSplitDepth(cfg.SplitDepth, cfg.Shards)
		err = e.dfs(ctx)
	} else {
		err = e.rounds(ctx)
	}
	// Interrupted only when the context cut the exploration: one that
	// ends after the last schedule ran (or the search ended) cut nothing.
	if cerr := ctx.Err(); cerr != nil && err != nil && errors.Is(err, cerr) {
		e.sum.Interrupted = true
	}
	if err == nil && cfg.Shrink != nil {
		err = e.shrink(ctx)
	}
	if e.memo != nil {
		e.sum.Memo.Nodes, e.sum.Memo.Full = e.memo.nodes, e.memo.full
	}
	if cfg.MergeData {
		e.sum.Interleavings = e.distinct.Sorted()
	}
	e.sum.Elapsed = cfg.Clock().Sub(e.start)
	e.progress(true)
	return e.sum, err
}

// owned reports whether schedule i belongs to this shard.
func (e *explorer) owned(i int) bool { return e.cfg.Shards <= 1 || i%e.cfg.Shards == e.cfg.Shard }

// roundIndices returns the schedule indices round r runs and whether each
// is this shard's. pct's first round runs in full in every shard: k is
// learnt from it, the same way in every shard.
func (e *explorer) roundIndices(lo int, idx []int) []int {
	idx = idx[:0]
	for i := lo; i < min(lo+exploreRound, e.cfg.Schedules); i++ {
		if e.owned(i) || (lo == 0 && e.cfg.Strategy == StrategyPCT) {
			idx = append(idx, i)
		}
	}
	return idx
}

// keep detaches a result from its Runner's buffer: a failing run keeps a
// copy of its choices when add may report it, any other only their count.
func (e *explorer) keep(res Result, err error) runOut {
	n := len(res.Choices)
	if e.mayReport(res.Finding) || e.cfg.AfterRun != nil {
		res.Choices = slices.Clone(res.Choices)
	} else {
		res.Choices = nil
	}
	return runOut{res: res, steps: n, err: err, ran: true}
}

// mayReport reports whether add may report a run with finding f: add
// reports only the first run of each oracle. Jobs call it while a round
// runs, when nothing changes e.oracles.
func (e *explorer) mayReport(f *Finding) bool { return f != nil && !e.oracles[f.Oracle] }

// remember counts a run's cost and adds it to the memo (unless it is
// there already), in schedule order.
func (e *explorer) remember(o runOut) error {
	if o.executed {
		e.sum.Executed++
		e.sum.ExecutedDecisions += int64(o.steps)
	}
	if o.hit {
		e.sum.Memo.Hits++
	}
	if o.verified {
		e.sum.Memo.Verified++
	}
	switch {
	case o.err != nil:
		return exploreAdvice(o.err)
	case o.memoErr != nil:
		return exploreAdvice(o.memoErr)
	case o.path == nil:
		return nil
	}
	return exploreAdvice(e.memo.insert(o.at, o.path))
}

// add aggregates one run, in schedule order.
func (e *explorer) add(i int, o runOut) error {
	if o.err != nil {
		return fmt.Errorf("engine: explore: schedule %d: %w", i, exploreAdvice(o.err))
	}
	e.sum.Schedules++
	n := o.steps
	e.sum.Decisions += int64(n)
	e.lenSum += int64(n)
	e.distinct.Add(o.res.Interleaving)
	e.sum.Distinct, e.sum.DistinctCapped = e.distinct.Len(), e.distinct.Capped()
	if f := o.res.Finding; f != nil {
		e.sum.Failing++
		if !e.oracles[f.Oracle] {
			e.oracles[f.Oracle] = true
			e.sum.Findings = append(e.sum.Findings, Report{Index: i, Seed: o.res.Seed, Finding: *f, Result: o.res})
		}
	}
	return nil
}

func (e *explorer) shrink(ctx context.Context) error {
	if ctx.Err() != nil {
		return nil
	}
	for i := range e.sum.Findings {
		rep := &e.sum.Findings[i]
		cfg := *e.cfg.Shrink
		cfg.JustRan = true
		if cfg.MaxSteps == 0 {
			cfg.MaxSteps = e.cfg.MaxSteps
		}
		sr, err := ShrinkContext(ctx, e.cfg.Factory, rep.Seed, rep.Result.Choices, rep.Finding.Oracle, cfg)
		if err != nil {
			return fmt.Errorf("engine: explore: schedule %d: %w", rep.Index, err)
		}
		rep.Shrunk = &sr
	}
	return nil
}
