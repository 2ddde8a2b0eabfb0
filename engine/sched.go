package engine

import (
	"slices"
	"strings"
	"time"

	"github.com/migsim/migsim/engine/dfs"
)

// VTime is virtual time in nanoseconds since the start of a run. Only the
// scheduler moves it, and only when nothing is enabled (docs/engine.md).
type VTime int64

// String renders the time as a Go duration (0s, 100ms, 1.5s).
func (t VTime) String() string { return time.Duration(t).String() }

// Step is one step a system offers to run next.
type Step struct {
	// Actor is a small dense id (0, 1, 2, …) naming who runs the step.
	Actor int
	// ID is system-defined and passed back to Execute untouched.
	ID int
	// Label names the step stably across runs, for traces, replay and
	// divergence reports ("guest0:mmio-write common_cfg.queue_desc_lo").
	// Systems should build labels once, not per call.
	Label string
	// Footprint is the shared state the step touches.
	Footprint Footprint
}

// Independent reports whether s and t commute: different actors and
// non-conflicting footprints.
func (s Step) Independent(t Step) bool {
	return s.Actor != t.Actor && !s.Footprint.Conflicts(t.Footprint)
}

// Finding is an oracle violation. It stops the run.
type Finding struct {
	// Oracle names the violated oracle (docs/oracles.md), "live" or "panic".
	Oracle string `json:"oracle"`
	// Reqs are the requirement IDs the oracle checks; the catalog's judge
	// replaces them with the requirements the finding breaks or involves
	// (docs/oracles.md, "Impact of a finding").
	Reqs []string `json:"reqs,omitempty"`
	// ReqsBroken are the IDs of Reqs a check judged broken (the rule an
	// oracle saw broken, a rule the host saw broken); the others are
	// involved: the finding's run exercised what they are about, and no
	// check judged them. The catalog's judge sets it.
	ReqsBroken []string `json:"reqs_broken,omitempty"`
	// Step is the index (from 0) of the step after which the violation was
	// seen; the scheduler sets it. Output shows it as ShownStep(Step).
	Step int `json:"step"`
	// CauseStep is, when Caused is set, the index of the step a finding
	// reported later comes from, -1 when it came before the first step:
	// a flow error (`error:NAME`) is reported when the run ends, whichever
	// actor took the last step, and comes from the hypervisor's step that
	// got the error (or from its program's start, as the world was built).
	// The causal slice and the explain package's slices start from it
	// (From). A replay sets them again: no output writes them.
	CauseStep int  `json:"-"`
	Caused    bool `json:"-"`
	// Actors names the actors involved.
	Actors []string `json:"actors,omitempty"`
	// Message says what was wrong.
	Message string `json:"message"`
	// Stack holds the first frames of a panic.
	Stack string `json:"stack,omitempty"`
	// MemberContract marks a panic finding whose value was a MemberBreach:
	// a member broke the contract the system runs it under, which the
	// conformance kit charges to the device rather than the simulator.
	MemberContract bool `json:"member_contract,omitempty"`
	// DeviceError marks a panic finding whose value was a DeviceFailure:
	// an external device's failure under its protocol, of the kind the
	// value names ("protocol", "fault", …: conformance/extdevice), which
	// the conformance kit tells from the simulator's panics by this mark,
	// never by the message's text. "" for any other finding.
	DeviceError string `json:"device_error,omitempty"`
	// Impact says whether harm reached the guest ("guest-visible") or only
	// a rule broke ("rule-only"), or the flow stopped ("flow-error"); the
	// catalog's judge sets it (docs/oracles.md, "Impact of a finding"),
	// ImpactWhy its evidence. The engine never reads them.
	Impact    string `json:"impact,omitempty"`
	ImpactWhy string `json:"impact_why,omitempty"`
}

// From returns the index of the step a finding's causal slice starts
// from: CauseStep when Caused is set and it is no later than Step (-1:
// the finding came before the first step), else Step.
func (f *Finding) From() int {
	if f.Caused && f.CauseStep <= f.Step {
		return max(f.CauseStep, -1)
	}
	return f.Step
}

// ReqsText renders the finding's requirements as outputs list them, those
// a check judged broken apart from those only involved: "broken DP-DRV-01;
// involved DP-DEV-09 DP-DEV-10" ("" for none).
func (f *Finding) ReqsText() string {
	var broken, involved []string
	for _, id := range f.Reqs {
		if slices.Contains(f.ReqsBroken, id) {
			broken = append(broken, id)
		} else {
			involved = append(involved, id)
		}
	}
	var parts []string
	if len(broken) > 0 {
		parts = append(parts, "broken "+strings.Join(broken, " "))
	}
	if len(involved) > 0 {
		parts = append(parts, "involved "+strings.Join(involved, " "))
	}
	return strings.Join(parts, "; ")
}

// ShownStep is the number a user sees for the scheduler step at index i of
// a run: i+1, the step its trace events carry (docs/traces.md, "Step
// numbering"; step 0 is the host's boot, before the first scheduler step).
func ShownStep(i int) int { return i + 1 }

// Oracle names the scheduler itself reports.
const (
	// OracleLive is reported when nothing is enabled, no timer is pending
	// and the system is not done, or when the step bound is exceeded.
	OracleLive = "live"
	// OraclePanic is reported when the system (or a chooser) panics.
	OraclePanic = "panic"
)

// System is what the scheduler drives: a fresh one per run, built by a
// Factory. Every method must be deterministic given the streams the system
// was built from and the steps executed so far.
type System interface {
	// Enabled appends the steps enabled now to buf and returns it, in a
	// deterministic order.
	Enabled(buf []Step) []Step
	// Execute runs one step of the most recent Enabled list and returns an
	// oracle violation, or nil.
	Execute(s Step) *Finding
	// NextTimer returns the earliest pending timer, if any.
	NextTimer() (VTime, bool)
	// Advance moves the clock to now; timers due at or before now expire
	// and their steps become enabled.
	Advance(now VTime)
	// Done reports whether the run is complete.
	Done() bool
	// Finish runs the end-of-run oracles once Done reports true.
	Finish() *Finding
	// ActorName names an actor for traces ("guest0").
	ActorName(actor int) string
}

// Factory builds a fresh System for one run from the run's streams.
type Factory func(Streams) (System, error)

// Choice is one recorded pick among the enabled steps.
type Choice struct {
	// Index is the position of the pick in the enabled list; a negative
	// index in a replayed list means "continue the previous actor".
	Index int `json:"i"`
	// Actor is the picked step's actor.
	Actor int `json:"actor"`
	// Label is the picked step's label, so a replay can detect divergence.
	Label string `json:"label"`
	// Footprint is kept for shrinking; it is not part of schedule files.
	Footprint Footprint `json:"-"`
	// Preempt is set when the pick switched away from a previous actor that
	// was still enabled.
	Preempt bool `json:"-"`
}

// Decision is what a Chooser sees at each pick.
type Decision struct {
	// Index is the number of steps executed so far in this run.
	Index int
	// Now is the virtual time.
	Now VTime
	// Enabled lists the enabled steps; the chooser must not keep it. Their
	// footprints are zero where the chooser does not need them (a
	// LazyFootprinter system: decisions dfs replays, and every decision of
	// a footprintBlind chooser).
	Enabled []Step
	// Prev is the actor of the previous step, -1 at the start.
	Prev int
	// Advances counts the clock advances so far in the run. Every step
	// before an advance happens before every step after it: an advance
	// comes only when nothing was enabled.
	Advances int
	// State is the system's state hash (StateHasher) when HasState is set;
	// the runner computes it only for choosers that ask (dfs with state
	// pruning), when the chooser calls StateHash (a state hash can cost
	// more than a step), and at the first decision of a run of a system
	// that needs it to start tracking its state and is no StateTracker.
	State    uint64
	HasState bool
	// PrevFinished is set when the previous actor has finished: it has no
	// step now and will never have one (Finisher). Unset when the system
	// cannot tell.
	PrevFinished bool
	// hasher computes State on demand; stateDone is set once it did.
	hasher    StateHasher
	stateDone bool
	// judger computes the judge hash on demand (JudgeHash).
	judger    JudgeHasher
	judgeDone bool
	// keyer gives the actors' keys across runs (ActorKey), with hasher.
	keyer    ActorKeyer
	judge    uint64
	hasJudge bool
}

// StateHash returns the system's state hash at this decision, computing
// it on the first call (choosers that want states only).
func (d *Decision) StateHash() (uint64, bool) {
	if !d.stateDone && d.hasher != nil {
		d.State, d.HasState = d.hasher.StateHash()
		d.stateDone = true
	}
	return d.State, d.HasState
}

// JudgeHash returns the system's judge hash at this decision (JudgeHasher),
// computing it on the first call; ok is false when the system has none.
func (d *Decision) JudgeHash() (uint64, bool) {
	if !d.judgeDone && d.judger != nil {
		d.judge, d.hasJudge = d.judger.JudgeHash()
		d.judgeDone = true
	}
	return d.judge, d.hasJudge
}

// ActorKey returns the key of actor across runs (ActorKeyer), or the
// actor itself for a system without keys or a chooser that wants no states.
func (d *Decision) ActorKey(actor int) int {
	if d.keyer == nil || actor < 0 {
		return actor
	}
	return d.keyer.ActorKey(actor)
}

// PrevEnabled reports whether the previous actor has an enabled step, in
// which case picking another actor is a preemption.
func (d *Decision) PrevEnabled() bool {
	return d.Prev >= 0 && firstOfActor(d.Enabled, d.Prev) >= 0
}

// Continue returns the default pick: the previous actor's first enabled
// step, else index 0.
func (d *Decision) Continue() int {
	if d.Prev >= 0 {
		if i := firstOfActor(d.Enabled, d.Prev); i >= 0 {
			return i
		}
	}
	return 0
}

func firstOfActor(steps []Step, actor int) int {
	for i := range steps {
		if steps[i].Actor == actor {
			return i
		}
	}
	return -1
}

// Chooser picks one step per decision. An error abandons the run.
type Chooser interface {
	Choose(d *Decision) (int, error)
}

// StateHasher is implemented by systems that can hash their whole state:
// everything that determines what they do next (shared state, each actor's
// position and what it has received so far, pending timers, the clock).
// Two states with equal hashes must behave the same under the same
// choices; ok is false when the system cannot tell right now. Depth-first
// search uses it to skip a state it has already explored with at least the
// same remaining preemption budget (ExploreConfig.States).
type StateHasher interface {
	StateHash() (hash uint64, ok bool)
}

// JudgeHasher is implemented by systems whose checks keep, from one step
// to the next, state that StateHash leaves out (what an oracle remembers
// to judge later steps with). JudgeHash hashes it: two decisions with equal
// state and judge hashes judge the same step the same way. ok is false
// when the system cannot tell (a check keeps something it cannot hash).
// Depth-first search with state pruning skips a decision only when an
// earlier visit had the same state and judge hashes: two paths that reach
// one state having shown the checks different things are both explored
// (a decision whose judge hash is not ok is never skipped). It prunes a
// run without running it only when its pick ran before from a decision
// with the same state and judge hashes and found nothing (known
// transitions, DFS.Virtual); a system without a JudgeHasher never has a
// run pruned that way, and its state hash is taken to hold its checks.
type JudgeHasher interface {
	JudgeHash() (hash uint64, ok bool)
}

// Finisher is implemented by systems that can tell a finished actor (no
// step now, none ever again) from one that is blocked (no step now, but a
// later step of another actor may enable one). Depth-first search under a
// preemption bound needs the difference: switching away from a blocked
// actor is free, and a reordering that moves a step ahead of that switch
// may unblock the actor and make the switch a preemption (see
// dfs.Search.Choose). Without it every actor with no step counts as blocked.
type Finisher interface {
	Finished(actor int) bool
}

// ActorKeyer is implemented by state hashers whose actor ids depend on the
// path that created the actors: the world numbers its device pseudo-actors
// in the order they first had work, so two paths that reach one state may
// give one device two ids. ActorKey returns, for an actor of the running
// system, a key that names the same actor whatever path created it (a
// non-negative int32, unique among the run's actors). State pruning compares
// what a visit remembers of its actors (its previous actor, its sleeping
// steps, a known transition's pick) by these keys, so the state hash may
// leave the ids out: a state reached under other ids then covers this one
// as it would under the same ids. Without it the keys are the ids.
type ActorKeyer interface {
	ActorKey(actor int) int
}

// Staller is implemented by systems that can say why they are stuck: when
// nothing is enabled and no timer is pending, the runner appends Stalled's
// text to the deadlock finding's message (the world names each blocked
// actor, what it waits for and its scenario line). "" adds nothing.
type Staller interface {
	Stalled() string
}

// StateTracker is implemented by state hashers that must be told before
// their first step that their state will be asked for (the world starts
// keeping its actors' chains). Without it the runner asks for the first
// decision's hash, which a chooser replaying that decision never reads.
type StateTracker interface {
	TrackState()
}

// LazyFootprinter is implemented by systems whose footprints cost to
// compute. The runner lists the enabled steps without footprints at the
// decisions whose choosers do not need them, and gives only the step it
// runs its footprint: a chooser replaying a path it has walked before
// (dfs) already knows its pick and the footprints of the steps it saw
// there, and gives the footprint it kept from the run that made the
// decision (the state there is the same); a chooser that never reads
// footprints (random, pct, replay: footprintBlind) has none, and the
// runner asks StepFootprint for the step it runs.
type LazyFootprinter interface {
	// EnabledBare appends the enabled steps as Enabled does, but with zero
	// footprints.
	EnabledBare(buf []Step) []Step
	// StepFootprint returns the footprint Enabled would give s, in the
	// state Enabled or EnabledBare listed it in.
	StepFootprint(s Step) Footprint
}

// replayer is a chooser that can tell a decision whose pick it knows from
// an earlier run (dfs replaying its path) and that needs no footprints
// there (replays), and a decision whose step an earlier run executed from
// the same path and went on past without a finding (judged: the decisions
// before the one the run branches at).
type replayer interface {
	replays(index int) bool
	judged(index int) bool
	// footprint returns the footprint of pick i at a decision the
	// chooser replays, as the earlier run that made the decision computed
	// it (the state there is the same), so a replay need not compute it.
	footprint(index, i int) (Footprint, bool)
}

// footprintBlind is implemented by choosers that never read the enabled
// steps' footprints (random, pct, replay, byte-driven): with a
// LazyFootprinter the runner lists the steps without them and gives only
// the step it runs its footprint (Execute gets it, and the run's choices
// keep it for shrinking).
type footprintBlind interface {
	footprintBlind()
}

// footprintOf returns the footprint a replayer kept for pick i at the
// decision at index (none without a replayer).
func footprintOf(rep replayer, index, i int) (Footprint, bool) {
	if rep == nil {
		return Footprint{}, false
	}
	return rep.footprint(index, i)
}

// ReplayAware is implemented by systems that can leave out, on a step an
// earlier run already judged, the checks that judge a step on its own.
// Before every step the runner calls Replayed: true when the chooser
// replays a path and an earlier run of the same search executed this very
// step after the same steps and went on past it without a finding (dfs
// re-running the path to the decision it branches at). The system is
// deterministic (dfs checks that every replayed decision offers the same
// steps), so such a step changes the state as it did then and a check
// that looks at the step alone says what it said then. The system must
// still make every change of state, and keep running the checks that
// carry something from one step to the next.
type ReplayAware interface {
	Replayed(judged bool)
}

// Epocher is implemented by systems with a state change that is neither a
// step nor a clock move but, like a clock advance, happens only when nothing
// is enabled (the world's "stalled": blocked waits give up). When nothing is
// enabled and no timer is pending, the runner calls Epoch; true means the
// system changed state and the runner looks at the enabled steps again.
// The epoch counts as a clock advance for partial-order reduction (every
// step before it happens before every step after it, Decision.Advances)
// but leaves no trace record and does not move the clock, so trace hashes
// do not change. Epoch must return false once nothing more can change, or
// the run would never end.
type Epocher interface {
	Epoch() bool
}

// stateChooser is a chooser that wants Decision.State filled in.
type stateChooser interface {
	wantsState() bool
}

// ErrPruned is returned by a chooser that abandons a run because it cannot
// lead anywhere new (dfs with sleep sets and a preemption bound:
// dfs.ErrPruned).
var ErrPruned = dfs.ErrPruned

// Result is the outcome of one run.
type Result struct {
	// Seed is the run's seed (set by Run; Runner.Run leaves it zero).
	Seed uint64
	// Choices lists every pick, one per executed step.
	Choices []Choice
	// Preemptions counts picks that switched away from an enabled actor.
	Preemptions int
	// Now is the virtual time at the end.
	Now VTime
	// Finding is the violation that stopped the run, or nil.
	Finding *Finding
	// TraceHash hashes every trace record (step index, time, actor,
	// label, clock jumps); equal traces have equal hashes.
	TraceHash uint64
	// Interleaving hashes the label sequence alone.
	Interleaving uint64
}

// Steps returns the number of executed steps.
func (r *Result) Steps() int { return len(r.Choices) }
