package engine

import (
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/migsim/migsim/internal/runtrace"
)

// DefaultMaxSteps bounds a run when RunConfig.MaxSteps is zero.
const DefaultMaxSteps = 100_000

// RunConfig configures one run.
type RunConfig struct {
	// MaxSteps bounds the run; exceeding it is a "live" finding. Zero means
	// DefaultMaxSteps.
	MaxSteps int
	// Trace, when set, receives the text trace, one line per step.
	Trace io.Writer
}

// Runner runs systems under choosers. It keeps its buffers between runs, so
// a worker that runs many schedules allocates almost nothing per step. A
// Runner is not safe for concurrent use.
type Runner struct {
	cfg RunConfig
	// fork keeps copies of the system at the decisions of a dfs run
	// (fork.go); start, when set, is where the next Run starts.
	fork  *forkCache
	start *forkStart
	// sampled, when set, keeps a copy of the system at the first choice
	// point of the runs RunSeed builds and starts later ones from it
	// (fork_sampled.go).
	sampled *sampledFork
	forcedD Decision
	enabled []Step
	choices []Choice
	tw      runtrace.Writer
	// log, when set, records the run's decisions and stream draws for the
	// memo (see memo.go).
	log *eventLog
	// blindNoFootprints: a memo run of a footprint-blind strategy keeps only
	// its picks' footprints (random and pct runs are replayed before any read).
	blindNoFootprints bool
	// labels hashes the picked steps' labels, most of them seen in runs before.
	labels runtrace.Labels
}

// NewRunner returns a Runner with the given configuration.
func NewRunner(cfg RunConfig) *Runner {
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = DefaultMaxSteps
	}
	return &Runner{cfg: cfg, tw: runtrace.NewWriter(cfg.Trace)}
}

// Run builds a system from seed and runs it under ch with a fresh Runner.
// The returned Result owns its Choices.
func Run(f Factory, seed uint64, ch Chooser, cfg RunConfig) (Result, error) {
	r := NewRunner(cfg)
	res, err := r.RunSeed(f, seed, ch)
	res.Choices = append([]Choice(nil), res.Choices...)
	return res, err
}

// Closer is implemented by systems that hold resources (coroutines) to
// release after a run; RunSeed calls Close on the systems it builds.
type Closer interface{ Close() }

// RunSeed builds a system from seed with f, runs it, and closes it. Result.Choices
// aliases the Runner's buffer until the next run. A Runner of a random or
// pct exploration that forks (fork_sampled.go) starts the run from its
// copy at the first choice point instead, when it keeps one.
func (r *Runner) RunSeed(f Factory, seed uint64, ch Chooser) (res Result, err error) {
	by := "the system's build" // or its Close: what a panic here interrupted
	defer func() {
		if p := recover(); p != nil {
			res = Result{Seed: seed, Finding: panicFinding(p, 0, by)}
			err = nil
		}
	}()
	if r.log != nil {
		r.log.reset()
	}
	sys, restored := System(nil), false
	if sf := r.sampled; sf != nil {
		// A copy of the system at the first choice point, when the
		// Runner keeps one; else the system built and, while no copy is
		// kept, the decisions up to there recorded to keep one.
		if sys, restored = sf.restore(r); !restored {
			sf.stats.Replayed++
			sf.decisions = sf.decisions[:0]
		}
	}
	if !restored {
		st := NewStreams(seed)
		if r.log != nil {
			st = r.log.streams(seed)
		}
		sys, err = f(st)
		if err != nil {
			return Result{Seed: seed}, fmt.Errorf("engine: seed %d: build system: %w", seed, err)
		}
	}
	if c, ok := sys.(Closer); ok {
		defer func() {
			by = closeBy
			c.Close()
		}()
	}
	res, err = r.Run(sys, ch)
	if r.log != nil {
		r.log.close() // draws after the run (in Close) change nothing
	}
	res.Seed = seed
	return res, err
}

// Run drives sys under ch until it is done, a finding stops it, the step
// bound is hit or the chooser abandons the run (the error). A panic in the
// system or the chooser becomes a "panic" finding. Result.Choices aliases
// the Runner's buffer until the next run.
func (r *Runner) Run(sys System, ch Chooser) (res Result, err error) {
	r.choices = r.choices[:0]
	res.TraceHash, res.Interleaving = runtrace.Seed, runtrace.Seed
	step := 0
	d := Decision{Prev: -1}
	if st := r.start; st != nil {
		r.start = nil
		step = st.step
		res.Now, res.TraceHash, res.Interleaving, res.Preemptions = st.snap.now, st.snap.trace, st.snap.inter, st.snap.preempts
		d.Advances = st.snap.advances
		r.choices = append(r.choices, st.prefix...)
		if step > 0 { // a random or pct run's copy may be of its first decision
			d.Prev = r.choices[step-1].Actor
		}
		if st.forced != nil {
			if err := r.replayForced(ch, st.forced, st.prefix); err != nil {
				return res, err
			}
		}
	}
	// running is the label of the step being executed: a panic names it
	// as the step that resumed the actor whose body broke.
	running := ""
	defer func() {
		if p := recover(); p != nil {
			by := ""
			if running != "" {
				by = fmt.Sprintf("step %d (%s)", ShownStep(step), running)
			}
			res.Finding = panicFinding(p, step, by)
			err = nil
		}
		res.Choices = r.choices
		if r.tw.Err() != nil && err == nil {
			err = fmt.Errorf("engine: write trace: %w", r.tw.Err())
		}
	}()
	tracing := r.cfg.Trace != nil
	var hasher StateHasher
	var judger JudgeHasher
	var keyer ActorKeyer
	if sc, ok := ch.(stateChooser); ok && sc.wantsState() {
		hasher, _ = sys.(StateHasher)
		judger, _ = sys.(JudgeHasher)
		keyer, _ = sys.(ActorKeyer)
	}
	epocher, _ := sys.(Epocher)
	finisher, _ := sys.(Finisher)
	lazy, _ := sys.(LazyFootprinter)
	rep, _ := ch.(replayer)
	_, blind := ch.(footprintBlind)
	if pc, ok := ch.(*prefixChooser); ok && r.blindNoFootprints {
		_, blind = pc.ch.(footprintBlind) // the memo's walk, then the strategy
	}
	aware, _ := sys.(ReplayAware)
	if r.log != nil && !(blind && r.blindNoFootprints) {
		lazy = nil // the memo keeps every decision's footprints
	}
	advanced := false // the clock moved and no step ran since
	for {
		if sys.Done() {
			if f := sys.Finish(); f != nil {
				f.Step = step - 1
				res.Finding = f
			}
			return res, nil
		}
		if step >= r.cfg.MaxSteps {
			res.Finding = &Finding{Oracle: OracleLive, Step: step - 1,
				Message: fmt.Sprintf("%s%d exceeded", stepBoundMessage, r.cfg.MaxSteps)}
			return res, nil
		}
		bare := lazy != nil && (blind || rep != nil && rep.replays(step))
		var en []Step
		if bare {
			en = lazy.EnabledBare(r.enabled[:0])
		} else {
			en = sys.Enabled(r.enabled[:0])
		}
		r.enabled = en
		if len(en) == 0 {
			t, ok := sys.NextTimer()
			if !ok && epocher != nil && epocher.Epoch() {
				d.Advances++
				continue
			}
			if !ok {
				msg := "deadlock: nothing enabled, no timer pending, system not done"
				if st, ok := sys.(Staller); ok {
					if why := st.Stalled(); why != "" {
						msg += ": " + why
					}
				}
				res.Finding = &Finding{Oracle: OracleLive, Step: step - 1, Message: msg}
				return res, nil
			}
			if advanced && t <= res.Now {
				res.Finding = &Finding{Oracle: OracleLive, Step: step - 1,
					Message: fmt.Sprintf("timer at %s stays pending after the clock reached it", t)}
				return res, nil
			}
			res.Now = max(res.Now, t)
			sys.Advance(res.Now)
			advanced = true
			d.Advances++
			res.TraceHash = runtrace.Mix(runtrace.Mix(res.TraceHash, runtrace.ClockMark), uint64(res.Now))
			if tracing {
				r.tw.Clock(time.Duration(res.Now))
			}
			continue
		}
		advanced = false
		d.Index, d.Now, d.Enabled = step, res.Now, en
		d.PrevFinished = finisher != nil && d.Prev >= 0 && finisher.Finished(d.Prev)
		if hasher != nil {
			// The first hash of a run is taken eagerly: a system may need
			// it to start tracking its state (the world's actor chains).
			d.hasher, d.stateDone, d.State, d.HasState = hasher, false, 0, false
			d.judger, d.judgeDone, d.judge, d.hasJudge = judger, false, 0, false
			d.keyer = keyer
			if step == 0 {
				if tr, ok := hasher.(StateTracker); ok {
					tr.TrackState()
				} else {
					d.StateHash()
				}
			}
		}
		// A copy of a decision the run creates is taken after the dfs
		// search chose at it, where the system is still in the state
		// before the pick, and only when the search may branch there
		// (forkCache.keepIfBranching).
		var snap forkSnap
		keep := r.fork != nil && step >= r.fork.takeFrom
		if keep {
			snap = forkSnap{now: res.Now, trace: res.TraceHash, inter: res.Interleaving,
				preempts: res.Preemptions, advances: d.Advances}
		}
		if sf := r.sampled; sf != nil && sf.want && blind {
			if len(en) == 1 {
				sf.record(&d)
			} else {
				sf.keep(step, sys, r.log != nil && r.log.drew(), forkSnap{now: res.Now, trace: res.TraceHash, inter: res.Interleaving,
					preempts: res.Preemptions, advances: d.Advances}, r.choices)
			}
		}
		i, cerr := ch.Choose(&d)
		if cerr != nil {
			return res, cerr
		}
		if i < 0 || i >= len(en) {
			return res, fmt.Errorf("engine: step %d: chooser picked %d of %d enabled steps", ShownStep(step), i, len(en))
		}
		if keep {
			r.fork.keepIfBranching(step, sys, snap)
		}
		if bare {
			if fp, ok := footprintOf(rep, step, i); ok {
				en[i].Footprint = fp
			} else {
				en[i].Footprint = lazy.StepFootprint(en[i])
			}
		}
		s := en[i]
		pre := d.Prev >= 0 && s.Actor != d.Prev && firstOfActor(en, d.Prev) >= 0
		if pre {
			res.Preemptions++
		}
		r.choices = append(r.choices, Choice{Index: i, Actor: s.Actor, Label: s.Label, Footprint: s.Footprint, Preempt: pre})
		if r.log != nil {
			r.log.decision(&d, i)
		}
		lh := r.labels.String(s.Label)
		res.Interleaving = runtrace.Mix(res.Interleaving, lh)
		res.TraceHash = runtrace.Mix(runtrace.Mix(runtrace.Mix(runtrace.Mix(res.TraceHash, uint64(step)), uint64(res.Now)), uint64(s.Actor)), lh)
		if tracing {
			r.tw.Step(ShownStep(step), time.Duration(res.Now), sys.ActorName(s.Actor), s.Label)
		}
		if aware != nil {
			aware.Replayed(rep != nil && rep.judged(step))
		}
		running = s.Label
		f := sys.Execute(s)
		running = ""
		step++
		d.Prev = s.Actor
		if f != nil {
			f.Step = step - 1
			res.Finding = f
			return res, nil
		}
	}
}

// stepBoundMessage starts the message of the live finding a run that
// reached its step bound ends with.
const stepBoundMessage = "step bound "

// StepBound reports whether f is the live finding of a run that reached
// its step bound (RunConfig.MaxSteps).
func (f *Finding) StepBound() bool {
	return f != nil && f.Oracle == OracleLive && strings.HasPrefix(f.Message, stepBoundMessage)
}

// stackCarrier is a panic value that carries the frames it was raised
// in, which the recovering stack no longer shows: an actor's body that
// broke on its coroutine (engine/coro.Panic) crossed from the worker
// goroutine to the scheduler's.
type stackCarrier interface {
	PanicValue() any
	PanicStack() string
}

// panicFinding turns a recovered panic into a finding whose stack keeps the
// first frames below the panic, without goroutine ids, so that it is the
// same however many workers ran. A panic of an actor's body (stackCarrier)
// shows the body's frames, up to the body function, then what resumed it:
// by (the step being executed, or the system's build that started the
// actor) and the first frames on the scheduler's side, the coroutine's
// own machinery left out. A MemberBreach value marks the finding
// MemberContract, a DeviceFailure value DeviceError.
func panicFinding(p any, step int, by string) *Finding {
	c, ok := p.(stackCarrier)
	if !ok {
		_, breach := p.(MemberBreach)
		return &Finding{Oracle: OraclePanic, Step: step, Message: fmt.Sprint(p), Stack: stackHead(string(debug.Stack()), 4), MemberContract: breach,
			DeviceError: deviceErrorOf(p)}
	}
	stack := c.PanicStack()
	if by == "" {
		by = "the scheduler"
	}
	stack += "\nresumed by " + by + ":"
	if here := stackHead(string(debug.Stack()), 4, "iter.", "runtime.", "github.com/migsim/migsim/engine/coro."); here != "" {
		stack += "\n" + here
	}
	_, breach := c.PanicValue().(MemberBreach)
	return &Finding{Oracle: OraclePanic, Step: step, Message: fmt.Sprint(c.PanicValue()), Stack: stack, MemberContract: breach,
		DeviceError: deviceErrorOf(c.PanicValue())}
}

// DeviceFailure is implemented by a panic value that is an external
// device's failure under the protocol the system runs it with
// (conformance/extdevice.Error): DeviceErrorKind names its kind, which
// marks the finding it becomes (Finding.DeviceError).
type DeviceFailure interface{ DeviceErrorKind() string }

// deviceErrorOf returns the kind of the device failure panic value p is,
// "" when it is none.
func deviceErrorOf(p any) string {
	if d, ok := p.(DeviceFailure); ok {
		return d.DeviceErrorKind()
	}
	return ""
}

// MemberBreach is implemented by a panic value that says a member broke
// the contract its system runs it under (world/guard.ContractError): the
// finding it becomes is marked (Finding.MemberContract).
type MemberBreach interface{ BrokeMemberContract() }

// stackHead returns the first n frames after the panic call of a
// debug.Stack dump, function names only (file lines carry offsets that
// change with unrelated edits), but those whose name starts with one of
// skip.
func stackHead(stack string, n int, skip ...string) string {
	lines := strings.Split(stack, "\n")
	var out []string
	seenPanic := false
	for _, l := range lines {
		if l == "" || strings.HasPrefix(l, "\t") || strings.HasPrefix(l, "goroutine ") {
			continue
		}
		if !seenPanic {
			seenPanic = strings.HasPrefix(l, "panic(")
			continue
		}
		fn := l
		if i := strings.LastIndexByte(fn, '('); i > 0 {
			fn = fn[:i]
		}
		if slices.ContainsFunc(skip, func(prefix string) bool { return strings.HasPrefix(fn, prefix) }) {
			continue
		}
		out = append(out, fn)
		if len(out) == n {
			break
		}
	}
	return strings.Join(out, "\n")
}
