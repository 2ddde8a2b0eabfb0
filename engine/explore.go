package engine

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"golang.org/x/sync/errgroup"
)

// exploreRound is how many schedules run between two aggregation points.
// Results are aggregated, pct's k is updated and progress is reported per
// round, so everything but elapsed time is independent of Jobs.
const exploreRound = 256

// ExploreConfig configures Explore.
type ExploreConfig struct {
	// Factory builds the system for each run.
	Factory Factory
	// Strategy is random, pct or dfs.
	Strategy string
	// Schedules is the number of schedules (for dfs: the run budget,
	// pruned runs included).
	Schedules int
	// Seed is the base seed; schedule i runs with ScheduleSeed(Seed, i).
	// dfs runs every path with ScheduleSeed(Seed, 0).
	Seed uint64
	// Jobs bounds parallel runs; zero means GOMAXPROCS. dfs runs
	// sequentially.
	Jobs int
	// Shard and Shards select the schedules with index ≡ Shard (mod
	// Shards); Shards ≤ 1 runs them all. dfs cannot be sharded.
	Shard, Shards int
	// PCTDepth is pct's d; PCTSteps its initial k (zero: defaults).
	PCTDepth, PCTSteps int
	// Bound is dfs's preemption bound (negative: unbounded).
	Bound int
	// MaxSteps bounds each run.
	MaxSteps int
	// StopOnFinding ends the exploration after the round in which the
	// first finding appears.
	StopOnFinding bool
	// Shrink shrinks every reported finding (sequentially, after the
	// exploration) with this configuration, when non-nil.
	Shrink *ShrinkConfig
	// Progress, when set, is called after every round and once at the
	// end (Final set). See TerminalProgress.
	Progress func(Progress)
	// Clock measures elapsed time for throughput; nil means time.Now. It
	// never influences a schedule.
	Clock func() time.Time
}

// Report is a finding with the schedule that produced it.
type Report struct {
	// Index is the schedule's index in the exploration; Seed its seed.
	Index int
	Seed  uint64
	// Finding is the violation.
	Finding Finding
	// Result is the failing run (it owns its choices).
	Result Result
	// Shrunk is the shrunk run, when ExploreConfig.Shrink was set.
	Shrunk *ShrinkResult
}

// Summary is the outcome of an exploration. Every field except Elapsed is
// a function of the configuration alone, whatever Jobs is.
type Summary struct {
	Strategy string
	Seed     uint64
	// Schedules counts completed runs; Pruned counts dfs runs abandoned.
	Schedules, Pruned int
	// Decisions sums the steps of every run.
	Decisions int64
	// Distinct counts distinct interleavings (label sequences).
	Distinct int
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
	// Elapsed is wall-clock time, for throughput only.
	Elapsed time.Duration
}

// SchedulesPerSecond returns the throughput.
func (s *Summary) SchedulesPerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Schedules+s.Pruned) / s.Elapsed.Seconds()
}

// NsPerDecision returns wall-clock nanoseconds per decision (system work
// included).
func (s *Summary) NsPerDecision() float64 {
	if s.Decisions == 0 {
		return 0
	}
	return float64(s.Elapsed.Nanoseconds()) / float64(s.Decisions)
}

// runOut is one schedule's outcome inside a round.
type runOut struct {
	res   Result
	steps int
	err   error
}

type explorer struct {
	cfg      ExploreConfig
	sum      Summary
	distinct map[uint64]struct{}
	oracles  map[string]bool
	lenSum   int64
	start    time.Time
}

// Explore runs cfg.Schedules schedules and collects findings. It returns
// the summary so far together with an error when a run cannot be built or
// ctx is cancelled.
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
	if cfg.Shards > 1 && cfg.Strategy == StrategyDFS {
		return Summary{}, errors.New("engine: explore: dfs cannot be sharded")
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
	e := &explorer{cfg: cfg, distinct: map[uint64]struct{}{}, oracles: map[string]bool{}, start: cfg.Clock()}
	e.sum = Summary{Strategy: cfg.Strategy, Seed: cfg.Seed, PCTSteps: cfg.PCTSteps}
	var err error
	if cfg.Strategy == StrategyDFS {
		err = e.dfs(ctx)
	} else {
		err = e.rounds(ctx)
	}
	if err == nil && cfg.Shrink != nil {
		err = e.shrink()
	}
	e.sum.Elapsed = cfg.Clock().Sub(e.start)
	e.progress(true)
	return e.sum, err
}

// indices returns this shard's schedule indices.
func (e *explorer) indices() []int {
	var idx []int
	for i := 0; i < e.cfg.Schedules; i++ {
		if e.cfg.Shards <= 1 || i%e.cfg.Shards == e.cfg.Shard {
			idx = append(idx, i)
		}
	}
	return idx
}

func (e *explorer) rounds(ctx context.Context) error {
	idx := e.indices()
	runners := make(chan *Runner, e.cfg.Jobs)
	for range e.cfg.Jobs {
		runners <- NewRunner(RunConfig{MaxSteps: e.cfg.MaxSteps})
	}
	outs := make([]runOut, exploreRound)
	for lo := 0; lo < len(idx); lo += exploreRound {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("engine: explore: %w", err)
		}
		round := idx[lo:min(lo+exploreRound, len(idx))]
		k := e.sum.PCTSteps
		var g errgroup.Group
		g.SetLimit(e.cfg.Jobs)
		for j, i := range round {
			g.Go(func() error {
				r := <-runners
				outs[j] = e.runOne(r, i, k)
				runners <- r
				return nil
			})
		}
		_ = g.Wait() // runs report through outs
		for j, i := range round {
			if err := e.add(i, outs[j]); err != nil {
				return err
			}
			outs[j] = runOut{}
		}
		if e.cfg.Strategy == StrategyPCT {
			e.sum.PCTSteps = max(1, int((e.lenSum+int64(e.sum.Schedules)-1)/int64(e.sum.Schedules)))
		}
		e.progress(false)
		if e.cfg.StopOnFinding && len(e.sum.Findings) > 0 {
			break
		}
	}
	return nil
}

// runOne runs schedule i.
func (e *explorer) runOne(r *Runner, i, k int) runOut {
	seed := ScheduleSeed(e.cfg.Seed, i)
	rng := NewStream(seed, StreamSchedule)
	var ch Chooser
	if e.cfg.Strategy == StrategyPCT {
		ch = NewPCT(rng, e.cfg.PCTDepth, k)
	} else {
		ch = NewRandom(rng)
	}
	res, err := r.RunSeed(e.cfg.Factory, seed, ch)
	return keep(res, err)
}

// keep detaches a result from its Runner's buffer: a failing run keeps a
// copy of its choices, a passing one only their count.
func keep(res Result, err error) runOut {
	n := len(res.Choices)
	if res.Finding != nil {
		res.Choices = slices.Clone(res.Choices)
	} else {
		res.Choices = nil
	}
	return runOut{res: res, steps: n, err: err}
}

// add aggregates one run, in schedule order.
func (e *explorer) add(i int, o runOut) error {
	if o.err != nil {
		return fmt.Errorf("engine: explore: schedule %d: %w", i, o.err)
	}
	e.sum.Schedules++
	n := o.steps
	e.sum.Decisions += int64(n)
	e.lenSum += int64(n)
	e.distinct[o.res.Interleaving] = struct{}{}
	e.sum.Distinct = len(e.distinct)
	if f := o.res.Finding; f != nil {
		e.sum.Failing++
		if !e.oracles[f.Oracle] {
			e.oracles[f.Oracle] = true
			e.sum.Findings = append(e.sum.Findings, Report{Index: i, Seed: o.res.Seed, Finding: *f, Result: o.res})
		}
	}
	return nil
}

func (e *explorer) dfs(ctx context.Context) error {
	s := NewDFS(e.cfg.Bound)
	seed := ScheduleSeed(e.cfg.Seed, 0)
	r := NewRunner(RunConfig{MaxSteps: e.cfg.MaxSteps})
	defer func() { e.sum.Complete, e.sum.BoundHit = s.Done(), s.BoundHit() }()
	for n := 0; n < e.cfg.Schedules; n++ {
		if n%exploreRound == 0 {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("engine: explore: %w", err)
			}
			e.progress(false)
		}
		res, err := r.RunSeed(e.cfg.Factory, seed, s)
		pruned := errors.Is(err, ErrPruned)
		if pruned {
			e.sum.Pruned++
		} else {
			if err := e.add(s.Runs(), keep(res, err)); err != nil {
				return err
			}
			if e.cfg.StopOnFinding && len(e.sum.Findings) > 0 {
				return nil
			}
		}
		if !s.Next(pruned) {
			return nil
		}
	}
	return nil
}

func (e *explorer) shrink() error {
	for i := range e.sum.Findings {
		rep := &e.sum.Findings[i]
		cfg := *e.cfg.Shrink
		if cfg.MaxSteps == 0 {
			cfg.MaxSteps = e.cfg.MaxSteps
		}
		sr, err := Shrink(e.cfg.Factory, rep.Seed, rep.Result.Choices, rep.Finding.Oracle, cfg)
		if err != nil {
			return fmt.Errorf("engine: explore: schedule %d: %w", rep.Index, err)
		}
		rep.Shrunk = &sr
	}
	return nil
}
