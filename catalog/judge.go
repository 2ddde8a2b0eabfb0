package catalog

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// Verdict names that are not oracles (docs/oracles.md, "Verdicts that are
// not oracles").
const (
	// OracleScenario is reported when a scenario file is wrong (an
	// operation the world cannot run). It never matches an expectation.
	OracleScenario = "scenario"
	// OracleReference is the oracle of an outcome whose reference run
	// (without migration) already failed. It never matches an expectation.
	OracleReference = "reference"
)

// JudgeConfig configures Judge.
type JudgeConfig struct {
	// Jobs bounds parallel runs (zero: GOMAXPROCS). Outcomes do not depend
	// on it.
	Jobs int
	// MaxSteps bounds each run (zero: DefaultJudgeMaxSteps).
	MaxSteps int
	// Member builds member devices; nil means the world's default.
	Member member.Factory
	// NetMember builds the members of a world of virtio-net VFs; nil
	// means the reference virtio-net.
	NetMember member.Factory
	// Oracles are the checks every world runs; nil means the whole
	// registry (oracle.All), an empty non-nil list none.
	Oracles []observe.Oracle
	// Shrink configures the shrinking of the first finding (zero value:
	// the engine's defaults).
	Shrink engine.ShrinkConfig
	// Progress, when set, receives the exploration's progress.
	Progress func(engine.Progress)
	// NoMemo turns the exploration memo off (it is on for targets whose
	// worlds share one reference log; see Target.FactoryInfo), and the
	// shrink's memo (engine.ShrinkConfig.NoMemo). Outcomes do not depend on
	// it.
	NoMemo bool
	// NoStates turns dfs's state pruning off where an explore line asks
	// for it (reduction=states): the exploration a device without a state
	// hash gets. Verdicts do not depend on it; the explored counts do.
	NoStates bool
	// NoFallback leaves out the bound-0 search that follows a row's dfs
	// search when it neither exhausted its bound nor found anything
	// (FallbackBound): the
	// conformance kit's choice, whose budgets are short and whose report
	// is per requirement.
	NoFallback bool
	// NoRaceCheck leaves out the runs without migration that tell whether
	// a transparent finding may be the guest program's own race
	// (Target.RaceCaveat): the conformance kit judges a device against the
	// catalog's scenarios, whose guest programs do not race.
	NoRaceCheck bool
	// RowStart, when set, is called by JudgeAll before each row (row
	// counts from 0 of rows), in the order the rows start (rowOrder),
	// whatever the jobs.
	RowStart func(row, rows int, s *scenario.Scenario, e scenario.Expectation)
	// RowProgress, when set, is called by JudgeAll, in place of Progress,
	// with each progress update of a row's explorations and the row (as
	// RowStart numbers it), one call at a time: rows judged side by side
	// (Jobs) each report their own explorations.
	RowProgress func(row int, p engine.Progress)
	// ShrinkCtx, when set, bounds the shrinking of the first finding
	// instead of ctx, so that a finding found before ctx ended is still
	// shrunk (until ShrinkCtx ends too).
	ShrinkCtx context.Context
	// ProofRuns, when positive, is the least run budget of a row's proof:
	// a sampling line's proof=, a dfs line's schedules=. A machine with time proves rows the catalog's budgets,
	// sized for CI, leave unexhausted (migsim run --proof-runs).
	ProofRuns int
	// StateCap caps the states a dfs search with state pruning remembers,
	// and its known transitions (engine.ExploreConfig.StateCap; zero:
	// engine.DefaultStateCap): a proof raised by ProofRuns may fill the
	// default's (migsim run --state-cap).
	StateCap int
	// MaxRuns, when positive, caps every exploration of a row at MaxRuns
	// schedules and its proof at MaxRuns runs, after ProofRuns: the
	// explore line's and the expect line's own budgets alike (the
	// conformance kit's --schedules, the tests' -short budgets).
	MaxRuns int
	// RequireProof, when positive, asks every row that expects and gets
	// pass to be proved: one of its dfs searches ran every schedule within
	// a preemption bound of at least RequireProof, or every schedule
	// (explored.Proved); JudgeAll sets the others' Unproved (migsim run
	// --require-proof).
	RequireProof int
	// Fork starts the runs of a row's dfs searches from copies of the
	// world at their branch points (engine.ExploreConfig.Fork), and those
	// of its random and pct explorations from a copy at their first
	// choice point when the row's runs do not depend on the seed
	// (ExploreConfig.SeedFree, as for the memo), its worlds recording
	// their actors (Target.RecordActors) so that a copy can rebuild them.
	// Outcomes do not depend on it (migsim run --fork).
	Fork bool

	// refs, when set, holds the reference runs of the row by seed, shared
	// with other judgements of the same row (CheckGenerated's, whose two
	// judges and reference check differ only in their jobs, which no
	// reference run takes); nil: the judge keeps its own.
	refs *referenceLogs
}

// rowBudget is the budget a row is judged with: its scenario's
// (Scenario.RowBudget), its proof raised to ProofRuns, everything capped
// at MaxRuns.
func (cfg JudgeConfig) rowBudget(s *scenario.Scenario, e scenario.Expectation) scenario.Budget {
	b := cfg.withProofRuns(s.RowBudget(e))
	if cfg.MaxRuns > 0 {
		b.Schedules, b.Proof = min(b.Schedules, cfg.MaxRuns), min(b.Proof, cfg.MaxRuns)
	}
	return b
}

// withProofRuns raises a row's proof budget to cfg.ProofRuns (a sampling
// line's proof=, a dfs line's run budget) and its proof's preemption bound
// to cfg.RequireProof (a sampling line's proof-bound=, a dfs line's bound
// when it has one). Every row gets them, whatever it expects: a row's
// exploration does not depend on its expectation.
func (cfg JudgeConfig) withProofRuns(b scenario.Budget) scenario.Budget {
	dfs := b.Strategy == engine.StrategyDFS
	if cfg.ProofRuns > 0 && dfs {
		b.Schedules = max(b.Schedules, cfg.ProofRuns)
	} else if cfg.ProofRuns > 0 {
		b.Proof = max(b.Proof, cfg.ProofRuns)
	}
	if cfg.RequireProof > 0 && dfs && b.Bound >= 0 {
		b.Bound = max(b.Bound, cfg.RequireProof)
	} else if cfg.RequireProof > 0 && !dfs {
		b.ProofBound = max(b.EffectiveProofBound(), cfg.RequireProof)
	}
	return b
}

// Outcome is the judged result of one expectation of one scenario.
type Outcome struct {
	Scenario string
	// File is the scenario's file; Embedded reports whether it is the
	// embedded catalog's.
	File     string
	Embedded bool
	Question int
	// Line is the expectation's line in the scenario file.
	Line    int
	Edition spec.Edition
	// Knobs are the expectation's knobs as written; Settings its settings.
	Knobs    []string
	Settings []scenario.Arg
	// Expected and ExpectedOracle are the expectation; Got and GotOracle
	// the verdict of the run (the oracle for a violation, the error's
	// name for an error, empty for pass and n/a). An Interrupted row
	// without a finding has Got pass but proved nothing: GotVerdict says
	// GotNone, as the verdict table does.
	Expected       scenario.Verdict
	ExpectedOracle string
	Got            scenario.Verdict
	GotOracle      string
	// Finding is the first finding (lowest schedule index) of the first
	// exploration of the row that found one (Runs[FindingRun]), if any:
	// the scenario's own exploration's, else the cross-check's.
	Finding *engine.Finding
	// FindingIndex is the schedule index of Finding in its exploration.
	FindingIndex int
	// FindingRun is the index in Runs of the exploration that found
	// Finding (0: the scenario's own).
	FindingRun int
	// Budget is the scenario's exploration; Explored what it covered.
	Budget   scenario.Budget
	Explored engine.Summary
	// Runs are every exploration of the row (RowBudgets): the scenario's
	// budget first, then the cross-check under the other sampling
	// strategy, then, when neither found anything, a sampling line's proof
	// and the fallback to bound 0 of a dfs search that ran out of budget.
	Runs []StrategyRun
	// Match reports whether every exploration agrees with Expected (never
	// for an Interrupted row; Status says whether its mismatch is
	// certain).
	Match bool
	// Mismatch says why a row does not match besides its verdict: another
	// oracle fired too, a strategy disagreed, an n/a that does not hold.
	// Of an exploration ctx cut short it holds only what is certain: a
	// verdict found that is not the expected one.
	Mismatch string
	// NA is the mechanical reason of an n/a row: the operation its
	// edition lacks.
	NA string
	// Shrunk is the shrunk first finding; Schedule its schedule file.
	Shrunk   *engine.ShrinkResult
	Schedule *schedfile.Schedule
	// Defect explains an outcome that can never match (a scenario error, a
	// panic, a failing reference run).
	Defect string
	// Caveat qualifies a finding that may not be what it seems: a
	// transparent violation of a scenario whose guest log depends on the
	// schedule without migration too (Target.RaceCaveat).
	Caveat string
	// CaveatEvidence is the run without migration that showed the race
	// behind Caveat (ReferenceRace.Evidence: the finding's own schedule,
	// a random or a pct one); "" without a caveat or when the check was
	// interrupted.
	CaveatEvidence string
	// RaceCheckInterrupted is set when the context ended the runs without
	// migration that judge a transparent finding (Target.RaceCaveat)
	// before they were done: Caveat then says how far they got. The
	// verdict does not depend on them.
	RaceCheckInterrupted bool
	// Interrupted is set when the context ended the exploration early:
	// Explored and the finding are what it got to.
	Interrupted bool
	// NotRun is set when the context ended before the row started
	// (JudgeAll): nothing of it ran, so it has no verdict (GotNone) and
	// no exploration; it is still one of the rows selected, so that a
	// table of an interrupted run lists every row it was asked to judge.
	NotRun bool
	// Impact is the first finding's impact (judgeImpact); its value and
	// evidence are also in Finding and in Schedule's finding.
	Impact ImpactOf
	// Unproved says why a row that expects and gets pass is not proved,
	// when JudgeConfig.RequireProof asks for proofs (StatusUnproved); ""
	// when it is proved or none was asked.
	Unproved string
}

// VerdictOf turns a finding into a verdict: nil is pass, "error:NAME" is
// error NAME, anything else a violation of its oracle.
func VerdictOf(f *engine.Finding) (scenario.Verdict, string) {
	if f == nil {
		return scenario.VerdictPass, ""
	}
	if name, ok := strings.CutPrefix(f.Oracle, oracle.ErrorPrefix); ok {
		return scenario.VerdictError, name
	}
	return scenario.VerdictViolation, f.Oracle
}

// defect says why a finding can never match an expectation, or "".
func defect(f *engine.Finding) string {
	if f == nil {
		return ""
	}
	switch f.Oracle {
	case OracleScenario:
		return "the scenario file is wrong: " + f.Message
	case engine.OraclePanic:
		return "the simulator panicked: " + f.Message
	case OracleReference:
		return "the reference run is broken: " + f.Message
	}
	return ""
}

// Judge runs one expectation of a scenario: the reference run, then every
// exploration of the row (RowBudgets: the scenario's budget, the other
// sampling strategy and, when they find nothing, the proof) with worlds that compare against it, each to its end, and
// shrinks the first finding. The row matches when every exploration gives
// the expected verdict and nothing else. An `n/a` expectation is checked
// (checkNA): the run must stop on the operation its edition lacks. The
// error is for runs that cannot be built or a cancelled ctx; a broken
// reference run is an outcome with a Defect.
// When ctx ends during an exploration, the outcome so far is returned
// with Interrupted set together with the context's error, its first
// finding shrunk under cfg.ShrinkCtx.
func Judge(ctx context.Context, s *scenario.Scenario, e scenario.Expectation, cfg JudgeConfig) (Outcome, error) {
	b := cfg.rowBudget(s, e)
	out := newOutcome(s, e, b)
	t, err := NewTarget(s, e.Edition, e.Knobs, nil)
	if err != nil {
		return out, fmt.Errorf("catalog: judge %s line %d: %w", s.Name, e.Line, err)
	}
	t.Settings, t.Member, t.NetMember, t.MaxSteps, t.Oracles = e.Settings, cfg.Member, cfg.NetMember, cfg.MaxSteps, cfg.Oracles
	t.RecordActors = cfg.Fork
	// Every run of the row without migration at one seed is the same
	// run: the exploration's, the impact's, the run facts' and the race
	// check's share it.
	t.refs = cfg.refs
	if t.refs == nil {
		t.refs = &referenceLogs{}
	}
	if e.Verdict == scenario.VerdictNA {
		if err := out.checkNA(t); err != nil {
			return out, fmt.Errorf("catalog: judge %s line %d: %w", s.Name, e.Line, err)
		}
		return out, nil
	}
	f, seedFree, err := t.FactoryInfo(engine.ScheduleSeed(b.Seed, 0))
	var refErr *ReferenceError
	if errors.As(err, &refErr) {
		fd := refErr.Finding
		fd.Message = "in the run without migration (" + fd.Oracle + "): " + fd.Message
		if fd.Oracle != OracleScenario && fd.Oracle != engine.OraclePanic {
			fd.Oracle = OracleReference
		}
		out.Got, out.GotOracle, out.Finding = scenario.VerdictViolation, fd.Oracle, &fd
		out.Defect = defect(&fd)
		return out, nil
	}
	if err != nil {
		return out, fmt.Errorf("catalog: judge %s line %d: %w", s.Name, e.Line, err)
	}
	var memo *engine.MemoConfig
	if seedFree && !cfg.NoMemo {
		memo = &engine.MemoConfig{}
	}
	rep, interrupted, err := out.explore(ctx, t, f, cfg, memo, seedFree)
	if err != nil {
		return out, fmt.Errorf("catalog: judge %s line %d (%s): %w", s.Name, e.Line, e.Edition, err)
	}
	out.Interrupted = interrupted
	out.Got = scenario.VerdictPass
	if rep != nil {
		fd := rep.Finding
		out.Finding, out.FindingIndex = &fd, rep.Index
		out.Got, out.GotOracle = VerdictOf(&fd)
		out.Defect = defect(&fd)
		shrinkCtx := ctx
		if cfg.ShrinkCtx != nil {
			shrinkCtx = cfg.ShrinkCtx
		}
		if err := out.shrink(shrinkCtx, t, f, *rep, out.Runs[out.FindingRun].Budget, cfg); err != nil {
			return out, fmt.Errorf("catalog: judge %s line %d (%s): %w", s.Name, e.Line, e.Edition, err)
		}
		if err := out.judgeImpact(t, rep.Seed, rep.Result.Choices); err != nil {
			return out, fmt.Errorf("catalog: judge %s line %d (%s): %w", s.Name, e.Line, e.Edition, err)
		}
		if !cfg.NoRaceCheck {
			rc, err := t.RaceCaveat(ctx, b.Seed, FoundRun{Seed: rep.Seed, Choices: rep.Result.Choices, Finding: &fd})
			if err != nil {
				return out, fmt.Errorf("catalog: judge %s line %d (%s): %w", s.Name, e.Line, e.Edition, err)
			}
			out.Caveat, out.CaveatEvidence, out.RaceCheckInterrupted = rc.Caveat, rc.Evidence, rc.Interrupted
		}
	}
	out.Match = out.Defect == "" && out.Mismatch == "" && out.Got == out.Expected && out.GotOracle == out.ExpectedOracle
	if interrupted {
		out.Match = false // an unfinished exploration proves nothing
		return out, fmt.Errorf("catalog: judge %s line %d (%s): %w", s.Name, e.Line, e.Edition, ctx.Err())
	}
	return out, nil
}

// newOutcome is the outcome of row (s, e) under budget b before anything
// of it ran: what the row is, and what it expects.
func newOutcome(s *scenario.Scenario, e scenario.Expectation, b scenario.Budget) Outcome {
	return Outcome{Scenario: s.Name, File: s.File, Embedded: Embedded(s), Question: s.Question, Line: e.Line, Edition: e.Edition,
		Knobs: e.Knobs, Settings: e.Settings, Expected: e.Verdict, ExpectedOracle: e.Oracle, Budget: b}
}

// shrink shrinks the first finding and records its schedule; b is the
// budget of the exploration that found it (its strategy and base seed name
// the schedule).
func (o *Outcome) shrink(ctx context.Context, t Target, f engine.Factory, rep engine.Report, b scenario.Budget, cfg JudgeConfig) error {
	sc := cfg.Shrink
	if sc.MaxSteps == 0 {
		sc.MaxSteps = t.maxSteps()
	}
	sc.NoMemo, sc.JustRan = sc.NoMemo || cfg.NoMemo, true
	sr, err := engine.ShrinkContext(ctx, f, rep.Seed, rep.Result.Choices, rep.Finding.Oracle, sc)
	if err != nil {
		return err
	}
	o.Shrunk = &sr
	o.Schedule = t.Schedule(b.Strategy, b.Seed, rep.Index, sr.Result)
	red, states, err := explored.BudgetReduction(b) // as explore reads it
	if err != nil {
		return err
	}
	o.Schedule.Exploration = explored.FileRecord(b, red, states && !cfg.NoStates, cfg.StateCap, t.maxSteps(), sc.MaxReplays)
	if sr.Result.Finding != nil {
		fd := *sr.Result.Finding
		o.Finding = &fd
	}
	return nil
}

// ExploredText describes what an outcome's exploration covered:
// "pct 2000 schedules", "exhaustive bound 2: 1234 interleavings",
// "random 256/2000 schedules, first finding at #17", "not run".
func (o *Outcome) ExploredText() string {
	if o.NotRun {
		return NotRunText
	}
	if o.Expected == scenario.VerdictNA {
		if o.NA != "" {
			return "checked: " + o.NA
		}
		return "checked"
	}
	if len(o.Runs) > 1 {
		var parts []string
		for i := range o.Runs {
			parts = append(parts, o.Runs[i].Text())
		}
		return strings.Join(parts, "; ")
	}
	if o.Explored.Schedules == 0 && o.Explored.Pruned == 0 {
		if o.Interrupted {
			return "interrupted before its first run"
		}
		return "not run"
	}
	b, sum := o.Budget, o.Explored
	var s string
	switch {
	case b.Strategy == engine.StrategyDFS:
		s = explored.DFSText(b, sum)
	case sum.Interrupted:
		s = explored.InterruptedText(b, sum)
	case o.Finding != nil:
		s = fmt.Sprintf("%s %d/%s", b.Strategy, sum.Schedules, plural.Count(b.Schedules, "schedule"))
	default:
		s = b.Strategy + " " + plural.Count(sum.Schedules, "schedule")
	}
	if o.Finding != nil {
		s += fmt.Sprintf(", first finding at #%d", o.FindingIndex)
	}
	return s
}

// VerdictText renders a verdict with its oracle or error name
// ("violation frozen-context", "error EINVAL/INVALID_FIELD", "pass").
func VerdictText(v scenario.Verdict, oracle string) string {
	if oracle == "" {
		return v.String()
	}
	return v.String() + " " + oracle
}
