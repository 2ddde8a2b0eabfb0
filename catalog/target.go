package catalog

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// DefaultJudgeMaxSteps bounds every run of a judged exploration when
// JudgeConfig.MaxSteps is zero.
const DefaultJudgeMaxSteps = 200_000

// Target is one scenario under one edition, knob set and world settings:
// everything a world factory needs besides the run's streams.
type Target struct {
	Scenario *scenario.Scenario
	Edition  spec.Edition
	Rules    spec.Rules
	// Settings override the scenario's `set` lines.
	Settings []scenario.Arg
	// Member builds member devices; nil means the world's default.
	Member member.Factory
	// NetMember builds the members of a world of virtio-net VFs; nil
	// means the reference virtio-net.
	NetMember member.Factory
	// MaxSteps bounds the reference run (zero: DefaultJudgeMaxSteps).
	MaxSteps int
	// Oracles are the checks every world of the target runs; nil means
	// the whole registry (oracle.All), an empty non-nil list none.
	Oracles []observe.Oracle
	// CheckReplays runs every check on the steps a dfs search replays too
	// (world.WorldConfig.CheckReplays).
	CheckReplays bool
	// RecordActors gives every world's actors a record of what their code
	// received (world.WorldConfig.RecordActors), for copies that rebuild
	// them.
	RecordActors bool

	// refs, when set, remembers Reference's runs by seed, so that the
	// runs of one judged row (FactoryInfo's, the impact's, the run facts',
	// the race check's) run each seed's reference once. Only a target
	// whose other fields no longer change may carry it: Judge's, and the
	// copy FactoryInfo's worlds keep.
	refs *referenceLogs
}

// oracles returns the target's oracles (the registry when nil).
func (t Target) oracles() []observe.Oracle {
	if t.Oracles == nil {
		return oracle.All()
	}
	return t.Oracles
}

// NewTarget builds a target from an edition, "key=value" knobs and
// "key=value" settings, after checking them and the scenario's programs
// under the edition (CheckTarget): the semantic check runs before any
// schedule. Errors name the bad knob, setting or line.
func NewTarget(s *scenario.Scenario, ed spec.Edition, knobs, settings []string) (Target, error) {
	if s == nil {
		return Target{}, fmt.Errorf("catalog: target: no scenario")
	}
	args, err := ParseSettings(settings)
	if err != nil {
		return Target{}, fmt.Errorf("catalog: target %s %s: %w", s.Name, ed, err)
	}
	if err := CheckTarget(s, ed, knobs, args); err != nil {
		return Target{}, fmt.Errorf("catalog: target %s %s: %w", s.Name, ed, err)
	}
	rules, err := spec.ParseRules(ed, knobs)
	if err != nil {
		return Target{}, fmt.Errorf("catalog: target %s %s: %w", s.Name, ed, err)
	}
	return Target{Scenario: s, Edition: ed, Rules: rules, Settings: args}, nil
}

// ParseSettings parses "key=value" world settings; an entry without '=' or
// with an empty key is an error naming its index.
func ParseSettings(kvs []string) ([]scenario.Arg, error) {
	var out []scenario.Arg
	for i, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("setting %d %q: want key=value", i, kv)
		}
		out = append(out, scenario.Arg{Key: k, Value: v})
	}
	return out, nil
}

// SettingStrings renders settings as "key=value" strings.
func SettingStrings(args []scenario.Arg) []string {
	out := make([]string, 0, len(args))
	for _, a := range args {
		out = append(out, a.Key+"="+a.Value)
	}
	return out
}

// Knobs returns the knobs that differ from the edition's defaults, sorted.
func (t Target) Knobs() []string { return t.Rules.Diff(t.Edition) }

// StepBound is the step bound Judge runs the target's worlds under:
// MaxSteps, or DefaultJudgeMaxSteps when it is zero.
func (t Target) StepBound() int { return t.maxSteps() }

func (t Target) maxSteps() int {
	if t.MaxSteps > 0 {
		return t.MaxSteps
	}
	return DefaultJudgeMaxSteps
}

// continueChooser always continues the previous actor, else picks the first
// enabled step: the fixed schedule of reference runs.
type continueChooser struct{}

func (continueChooser) Choose(d *engine.Decision) (int, error) { return d.Continue(), nil }

// Reference runs the target without migration (WorldConfig.Reference) from
// seed under the fixed continue-the-previous-actor schedule and returns the
// guest log the transparent oracle compares with. A finding in the
// reference run is returned as an error: without migration no oracle may
// fire, so the scenario (or the world) is broken.
func (t Target) Reference(seed uint64) ([]string, error) {
	if t.refs != nil {
		return t.refs.get(t, seed)
	}
	log, _, err := t.ReferenceTrouble(seed)
	return log, err
}

// ReferenceTrouble is Reference that also returns the lines of the guest
// log that tell of trouble, as the guests' drivers recorded them
// (world.World.GuestTrouble): what the conformance kit judges of a row's
// run without migration (oracle.DeviceTrouble).
func (t Target) ReferenceTrouble(seed uint64) ([]string, []guest.Trouble, error) {
	res, w, err := t.ReferenceRun(seed, engine.RunConfig{}, false)
	if err != nil {
		return nil, nil, err
	}
	if res.Finding != nil {
		return nil, nil, t.referenceError(seed, *res.Finding)
	}
	return slices.Clone(w.GuestLog()), w.GuestTrouble(), nil
}

// referenceError is the ReferenceError of a finding in the reference run
// from seed. When the run was cut by a step bound below
// DefaultJudgeMaxSteps, the run is made again under DefaultJudgeMaxSteps
// to learn how many steps it needs (Needs), so that the user is told what
// bound to give rather than to guess: the error path alone pays for it.
func (t Target) referenceError(seed uint64, f engine.Finding) *ReferenceError {
	e := &ReferenceError{Scenario: t.Scenario.Name, Edition: t.Edition, Finding: f}
	if !f.StepBound() || t.maxSteps() >= DefaultJudgeMaxSteps {
		return e
	}
	t.MaxSteps = DefaultJudgeMaxSteps
	res, _, err := t.ReferenceRun(seed, engine.RunConfig{}, false)
	if err == nil && res.Finding == nil {
		e.Needs = res.Steps()
	}
	return e
}

// ReferenceErrorOf is the error a finding f of the reference run from seed
// is reported as (a *ReferenceError): for a run cut by a step bound below
// DefaultJudgeMaxSteps, with the steps the run needs when it ends within
// DefaultJudgeMaxSteps.
func (t Target) ReferenceErrorOf(seed uint64, f engine.Finding) error {
	return t.referenceError(seed, f)
}

// ReferenceRun is the run Reference makes, returned whole: the target
// without migration (WorldConfig.Reference) from seed under the fixed
// continue-the-previous-actor schedule, judged by the target's oracles,
// with the trace recorded when record is set (WorldConfig.Record, which
// changes no step). cfg's Trace receives the step lines; a zero
// cfg.MaxSteps is the target's bound. The world has no reference log, so
// the oracles that compare with one (transparent, gave-up) stay silent. A
// finding is the result's, not an error: what Reference reports as a
// ReferenceError. The world holds the guest log and the recorded events.
func (t Target) ReferenceRun(seed uint64, cfg engine.RunConfig, record bool) (engine.Result, *world.World, error) {
	var w *world.World
	t.Oracles = t.oracles()
	f := func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = world.NewWorld(world.WorldConfig{Scenario: t.Scenario, Edition: t.Edition, Rules: t.Rules,
			Settings: t.Settings, Factory: t.Member, NetFactory: t.NetMember, Reference: true, Oracles: t.Oracles,
			Record: record}, st)
		return w, err
	}
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = t.maxSteps()
	}
	res, err := engine.Run(f, seed, continueChooser{}, cfg)
	if err != nil {
		return res, nil, fmt.Errorf("catalog: reference run of %s (%s): %w", t.Scenario.Name, t.Edition, err)
	}
	if w == nil {
		return res, nil, fmt.Errorf("catalog: reference run of %s (%s): no world was built", t.Scenario.Name, t.Edition)
	}
	return res, w, nil
}

// ReferenceError reports a finding in a reference run (no migration): the
// scenario or the world is broken, whatever the expectation says.
type ReferenceError struct {
	Scenario string
	Edition  spec.Edition
	Finding  engine.Finding
	// Needs, when positive, is the number of steps the reference run
	// takes to its end: set for a run cut by a step bound below
	// DefaultJudgeMaxSteps that ends within it.
	Needs int
}

func (e *ReferenceError) Error() string {
	return fmt.Sprintf("catalog: reference run of %s (%s), without migration: %s at step %d: %s",
		e.Scenario, e.Edition, e.Finding.Oracle, engine.ShownStep(e.Finding.Step), e.Finding.Message)
}

// World builds one migrating world of the target whose oracles compare the
// guest's log with ref.
func (t Target) World(st engine.Streams, ref []string) (*world.World, error) {
	return world.NewWorld(world.WorldConfig{Scenario: t.Scenario, Edition: t.Edition, Rules: t.Rules,
		Settings: t.Settings, Factory: t.Member, NetFactory: t.NetMember, ReferenceLog: ref, Oracles: t.oracles(),
		CheckReplays: t.CheckReplays, RecordActors: t.RecordActors}, st)
}

// Factory returns a factory of migrating worlds that carry the reference
// guest log of their own seed. The reference runs once for probe (the
// exploration's first seed) and once for a second seed; when both logs are
// equal the guest program does not depend on the seed and every world
// shares that log, otherwise each seed gets its own reference run (cached).
func (t Target) Factory(probe uint64) (engine.Factory, error) {
	f, _, err := t.FactoryInfo(probe)
	return f, err
}

// FactoryInfo is Factory that also reports whether the worlds share one
// reference log. Only then may an exploration remember runs across seeds
// (engine.MemoConfig): the worlds then depend on their seed only through
// the streams they draw from, while a per-seed reference log makes the
// transparent oracle depend on the seed itself.
func (t Target) FactoryInfo(probe uint64) (engine.Factory, bool, error) {
	t.Oracles = t.oracles()
	if t.refs == nil {
		t.refs = &referenceLogs{}
	}
	ref, err := t.Reference(probe)
	if err != nil {
		return nil, false, err
	}
	other, err := t.Reference(engine.SplitMix64(probe ^ 0x7265666572656e63))
	if err != nil {
		return nil, false, err
	}
	if slices.Equal(ref, other) {
		return func(st engine.Streams) (engine.System, error) { return t.World(st, ref) }, true, nil
	}
	return func(st engine.Streams) (engine.System, error) {
		log, err := t.Reference(st.Seed)
		if err != nil {
			return nil, err
		}
		return t.World(st, log)
	}, false, nil
}

// referenceLogs holds the reference runs of one target by seed (Target's
// refs): the guest log, or the error, of each seed's run. It keeps at most
// cap runs (referenceLogCap when zero); a seed past them runs again when
// asked again, which gives the same log, so the cap bounds the memory of a
// row whose guest log depends on the seed without changing any result.
type referenceLogs struct {
	mu   sync.Mutex
	cap  int
	runs map[uint64]referenceLog
}

// referenceLogCap is how many seeds' reference runs one target keeps: more
// than a row's explorations ask for at the catalog's budgets, a few
// megabytes at most.
const referenceLogCap = 4096

type referenceLog struct {
	log []string
	err error
}

// get returns seed's reference run of t, running it on the first call.
// Two callers that ask for a new seed at once may both run it: the run is
// deterministic, and holding the lock through it would serialise the
// exploration's workers.
func (c *referenceLogs) get(t Target, seed uint64) ([]string, error) {
	c.mu.Lock()
	r, ok := c.runs[seed]
	c.mu.Unlock()
	if ok {
		return r.log, r.err
	}
	t.refs = nil
	r.log, r.err = t.Reference(seed)
	c.mu.Lock()
	if c.runs == nil {
		c.runs = map[uint64]referenceLog{}
	}
	limit := c.cap
	if limit <= 0 {
		limit = referenceLogCap
	}
	if len(c.runs) < limit {
		c.runs[seed] = r
	}
	c.mu.Unlock()
	return r.log, r.err
}
