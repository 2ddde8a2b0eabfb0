package catalog

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world"
)

// A verdict must not depend on the strategy that found it, nor a row's
// exploration on what it expects. Judge explores every row under the
// scenario's own budget and under the other sampling strategy
// (RowBudgets), runs each to its end (it does not stop at the first
// finding) and matches only when every exploration gives exactly the
// expected verdict: no finding for pass, the expected oracle or error and
// nothing else for a violation or an error row. When neither sampling
// finds anything, the row (whatever it expects) goes on to a dfs search:
// the proof of a sampling line, at preemption bound
// scenario.DefaultProofBound (or the line's proof-bound=) with state
// pruning, that either exhausts the bound or says how far its run budget
// (`proof=`) got; then, when that search (or a dfs line's own) neither
// exhausted its bound nor found anything, bound FallbackBound with the
// same budget. Sampling cannot show that no schedule fails, which a pass
// row claims; and a violation the search reaches is found whatever the
// row expects, so the same configuration gets the same verdict under any
// expectation.

// DefaultCrossSchedules bounds the second exploration of a dfs row.
const DefaultCrossSchedules = 300

// FallbackBound is the preemption bound a row's dfs search falls back to
// when it did not exhaust its own bound within its run budget and nothing
// was found: the same budget then searches every schedule that switches
// actors only where one blocks or ends (no preemption), so that the row
// says what it did prove ("exhaustive bound 0: N interleavings") besides
// how far the bound it wanted got. Such a search ends within about a
// hundred runs in most of the catalog's single-VM rows.
const FallbackBound = 0

// fallbackSearch returns the search a dfs search b falls back to after it
// explored sum: b at FallbackBound, when b's bound is above it and the
// search neither exhausted it nor found anything.
func fallbackSearch(b scenario.Budget, sum engine.Summary) (scenario.Budget, bool) {
	if b.Strategy != engine.StrategyDFS || b.Bound <= FallbackBound || sum.Complete || len(sum.Findings) > 0 {
		return scenario.Budget{}, false
	}
	b.Bound = FallbackBound
	return b, true
}

// RowBudgets returns the explorations that may judge a row whose scenario
// budget is b, whatever the row expects: b itself; then the same number
// of schedules under the other sampling strategy (random for pct, pct for
// random, pct with at most DefaultCrossSchedules schedules for dfs), same
// seed; then, for a random or pct line with a proof budget, the dfs proof
// (ProofBudget), which Judge runs only when neither sampling found
// anything. A row is sampled under both strategies: a race that one
// sampling strategy seldom reaches (random rarely puts a peer's doorbell
// inside a Freeze window; pct does at once) must not pass on the other's
// word. The bound-0 fallback (fallbackSearch) is not listed: it depends
// on what the search before it covered.
func RowBudgets(b scenario.Budget) []scenario.Budget {
	out := []scenario.Budget{b, CrossBudget(b)}
	if proof, ok := ProofBudget(b); ok {
		out = append(out, proof)
	}
	return out
}

// ProofBudget returns the dfs proof of a random or pct line with a proof
// budget: bound b.EffectiveProofBound(), state pruning, b.Proof runs. ok
// is false for a dfs line (it proves by itself) and for proof=0.
func ProofBudget(b scenario.Budget) (scenario.Budget, bool) {
	if b.Strategy == engine.StrategyDFS || b.Proof <= 0 {
		return scenario.Budget{}, false
	}
	return scenario.Budget{Edition: b.Edition, Strategy: engine.StrategyDFS, Schedules: b.Proof,
		Bound: b.EffectiveProofBound(), Depth: b.Depth, Seed: b.Seed, Line: b.Line, Reduction: "states"}, true
}

// CrossBudget is the second exploration of every row: the other sampling
// strategy with the same seed and as many schedules (at most
// DefaultCrossSchedules after a dfs line).
func CrossBudget(b scenario.Budget) scenario.Budget {
	second := b
	second.Bound = 0
	second.Proof, second.ProofBound = 0, 0
	switch b.Strategy {
	case engine.StrategyPCT:
		second.Strategy = engine.StrategyRandom
	case engine.StrategyDFS:
		second.Strategy = engine.StrategyPCT
		second.Schedules = min(b.Schedules, DefaultCrossSchedules)
		second.Reduction = ""
	default:
		second.Strategy = engine.StrategyPCT
	}
	if second.Depth == 0 {
		second.Depth = 3
	}
	return second
}

// StrategyRun is one exploration of a row (explored.Run).
type StrategyRun = explored.Run

// firstFinding returns the first finding of the row's explorations, in
// their order (the scenario's own first), and the index in runs of the
// exploration that found it; nil and 0 when none found anything.
func firstFinding(runs []StrategyRun) (*engine.Report, int) {
	for i := range runs {
		if f := runs[i].Explored.Findings; len(f) > 0 {
			rep := f[0]
			return &rep, i
		}
	}
	return nil, 0
}

// explore runs the row's explorations and sets its match from all of
// them: the line's budget and the cross-check (RowBudgets), then, when
// neither found anything, the proof and the bound-0 fallback (nextSearch).
// What runs does not depend on what the row expects; only the match does.
// It returns the row's first finding (firstFinding): the scenario's own
// exploration's when it found one, else the first a later exploration
// found, so that a row that explorations disagree on shows what was found
// rather than the pass of the exploration that missed it. memo, when set,
// lets each exploration answer known interleavings from its tree;
// seedFree, that the row's runs do not depend on the seed, lets its random
// and pct explorations fork (JudgeConfig.Fork).
// interrupted reports that ctx ended; the explorations done so far are
// kept, the one ctx cut marked Interrupted.
func (o *Outcome) explore(ctx context.Context, t Target, f engine.Factory, cfg JudgeConfig, memo *engine.MemoConfig, seedFree bool) (first *engine.Report, interrupted bool, err error) {
	want := ""
	switch o.Expected {
	case scenario.VerdictViolation:
		want = o.ExpectedOracle
	case scenario.VerdictError:
		want = "error:" + o.ExpectedOracle
	}
	var why []string
	budgets := []scenario.Budget{o.Budget, CrossBudget(o.Budget)}
	roles := []string{explored.RoleLine, explored.RoleCross}
	for i := 0; i < len(budgets); i++ {
		b := budgets[i]
		var m *engine.MemoConfig
		if memo != nil {
			mc := *memo
			m = &mc
		}
		red, states, err := explored.BudgetReduction(b)
		if err != nil {
			return nil, false, err
		}
		states = states && !cfg.NoStates
		sum, err := engine.Explore(ctx, engine.ExploreConfig{Factory: f, Strategy: b.Strategy, Schedules: b.Schedules,
			Seed: b.Seed, Jobs: cfg.Jobs, PCTDepth: b.Depth, Bound: b.Bound, Reduction: red, States: states,
			StateCap: cfg.StateCap, MaxSteps: t.maxSteps(), Progress: cfg.Progress, Memo: m,
			Fork: cfg.Fork, SeedFree: seedFree})
		if err != nil && ctx.Err() != nil {
			interrupted = true
		} else if err != nil {
			return nil, false, err
		}
		// Outcomes are deterministic; throughput and what the fork did
		// belong to explore.
		sum.Elapsed, sum.Fork = 0, nil
		// Only an exploration ctx cut short is interrupted: one that ended
		// just before ctx did is whole.
		sum.Interrupted = interrupted
		run := StrategyRun{Role: roles[i], Budget: b, Explored: sum}
		o.Runs = append(o.Runs, run)
		if i == 0 {
			o.Explored = sum
		}
		if r := mismatchReason(&run, want); r != "" {
			why = append(why, r)
		}
		if interrupted {
			break // what an unfinished exploration did not find proves nothing
		}
		if i == len(budgets)-1 {
			if next, role, ok := o.nextSearch(cfg); ok {
				budgets, roles = append(budgets, next), append(roles, role)
			}
		}
	}
	if last := o.Runs[len(o.Runs)-1]; want != "" && len(o.Runs) > 2 && !interrupted && slices.Contains(last.Verdicts(), want) {
		why = append(why, o.onlyDFSHint(want))
	}
	o.Mismatch = strings.Join(why, "; ")
	first, o.FindingRun = firstFinding(o.Runs)
	return first, interrupted, nil
}

// onlyDFSHint says what missed the verdict want that only the row's last
// exploration found, a dfs search that ran because none before it found
// anything (nextSearch), and what would let the explorations that must
// find it (the line's and the cross-check) reach it. After a random or pct
// line (the proof, or the fallback after it) that is the sampling: more
// schedules. After a dfs line (the fallback) it is the line's own search,
// which spent its run budget at its bound before it got there, and the pct
// cross-check, whose schedules are capped at DefaultCrossSchedules.
func (o *Outcome) onlyDFSHint(want string) string {
	last := o.Runs[len(o.Runs)-1]
	found := fmt.Sprintf("only dfs %s found %s", describeCount(last.Budget), want)
	if o.Budget.Strategy != engine.StrategyDFS {
		return found + ": the sampling misses it (raise the explore line's schedules=)"
	}
	line, cross := o.Runs[0].Budget, o.Runs[1].Budget
	return fmt.Sprintf("%s: the explore line's own dfs search at %s spent its run budget of %d before reaching it "+
		"(raise schedules=, or lower bound=), and the pct cross-check's %d schedules miss it "+
		"(it samples min(schedules=, %d) from the line's seed=: another seed samples others)",
		found, explored.BoundText(line.Bound), line.Schedules, cross.Schedules, DefaultCrossSchedules)
}

// mismatchReason says how run's verdicts disagree with want (an oracle,
// "error:NAME", or "" for pass), "" when they agree: a verdict found that
// is not want, want never found. A run ctx cut short (Interrupted)
// disagrees only by what it found: what it did not find yet it might have
// found later, and the reason says how far it got.
func mismatchReason(run *StrategyRun, want string) string {
	b, cut := run.Budget, run.Explored.Interrupted
	name := fmt.Sprintf("%s %s", b.Strategy, describeCount(b))
	if cut {
		runs := run.Explored.Schedules
		if b.Strategy == engine.StrategyDFS {
			runs = explored.DFSRuns(run.Explored)
		}
		name += fmt.Sprintf(" (interrupted after %d)", runs)
	}
	got := run.Verdicts()
	var other []string
	for _, g := range got {
		if g != want {
			other = append(other, g)
		}
	}
	switch {
	case want != "" && !slices.Contains(got, want) && !cut:
		return name + ": never found " + want
	case len(other) == 0:
		return ""
	case want != "" && slices.Contains(got, want):
		return fmt.Sprintf("%s: found %s besides %s", name, strings.Join(other, ", "), want)
	}
	return name + ": found " + strings.Join(other, ", ")
}

// nextSearch returns the exploration that follows the row's explorations
// so far, when none of them found anything: the proof after the sampling
// of a random or pct line (ProofBudget), then the bound-0 fallback after
// a dfs search (the proof, or a dfs line's own) that did not exhaust its
// bound (fallbackSearch; not with cfg.NoFallback). ok is false when the
// row is done.
func (o *Outcome) nextSearch(cfg JudgeConfig) (scenario.Budget, string, bool) {
	for i := range o.Runs {
		if len(o.Runs[i].Explored.Findings) > 0 {
			return scenario.Budget{}, "", false
		}
	}
	last := o.Runs[len(o.Runs)-1]
	if last.Role == explored.RoleCross {
		if proof, ok := ProofBudget(o.Budget); ok {
			return proof, explored.RoleProof, true
		}
		last = o.Runs[0] // a dfs line's own search
	}
	if last.Role == explored.RoleFallback || cfg.NoFallback {
		return scenario.Budget{}, "", false
	}
	fb, ok := fallbackSearch(last.Budget, last.Explored)
	return fb, explored.RoleFallback, ok
}

func describeCount(b scenario.Budget) string {
	if b.Strategy == engine.StrategyDFS {
		return explored.BoundText(b.Bound)
	}
	return fmt.Sprintf("%d", b.Schedules)
}

// checkNA verifies an n/a row: run under its edition (one schedule, the
// continue-the-previous-actor order), the scenario's flow must stop at an
// operation the edition lacks (world.EditionError), and that operation's
// word must be the reason the expectation states (`n/a WORD`). Anything
// else — the row runs, stops for another reason, or stops on another word
// — is a mismatch.
func (o *Outcome) checkNA(t Target) error {
	var w *world.World
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = t.World(st, nil)
		return w, err
	}, engine.ScheduleSeed(o.Budget.Seed, 0), continueChooser{}, engine.RunConfig{MaxSteps: t.maxSteps()})
	if err != nil {
		return err
	}
	o.Got, o.GotOracle = scenario.VerdictNA, o.ExpectedOracle
	fd := res.Finding
	var ee *world.EditionError
	flowErr := error(nil)
	if w != nil {
		if fo, ok := w.FlowOutcome(); ok {
			flowErr = fo.Err
		}
	}
	switch {
	case fd == nil:
		o.Got, o.GotOracle = scenario.VerdictPass, ""
		o.Mismatch = fmt.Sprintf("the row runs under %s: n/a needs an operation the edition lacks", o.Edition)
	case !errors.As(flowErr, &ee):
		o.Got, o.GotOracle = VerdictOf(fd)
		f := *fd
		o.Finding = &f
		o.Mismatch = fmt.Sprintf("the row does not stop on an operation %s lacks: %s", o.Edition, fd.Message)
	case o.ExpectedOracle == "":
		// What the row got is the word the run stopped on, whatever it
		// expects (GOT and ORACLE, JSON's got and oracle).
		o.NA, o.GotOracle = ee.Error(), ee.Word
		o.Mismatch = fmt.Sprintf("n/a states no reason; the run stops because %s (write `n/a %s`)", ee.Error(), ee.Word)
	case ee.Word != o.ExpectedOracle:
		o.NA, o.GotOracle = ee.Error(), ee.Word
		o.Mismatch = fmt.Sprintf("n/a %s, but the run stops because %s", o.ExpectedOracle, ee.Error())
	default:
		o.NA = ee.Error()
		o.Match = true
	}
	return nil
}
