package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/migsim/migsim/internal/plural"
)

// DefaultShrinkReplays bounds the replays one Shrink may spend.
const DefaultShrinkReplays = 5000

// ShrinkConfig configures Shrink.
type ShrinkConfig struct {
	// MaxReplays bounds the candidate replays (0: DefaultShrinkReplays).
	MaxReplays int
	// MaxSteps bounds each replay (RunConfig.MaxSteps).
	MaxSteps int
	// NoMemo runs the system for every candidate instead of answering the
	// runs it already ran from the shrink's memo; the result is the same
	// (TestShrink_MemoSameResult).
	NoMemo bool
	// JustRan says the choices come from a run this process has just made
	// with the seed (an exploration's finding): a replay of them that does
	// not end in the finding is then the system's non-determinism
	// (ErrNotDeterministic) rather than a schedule that does not fail.
	JustRan bool
	// Progress, when set, is told after each candidate's replay the
	// replays so far, the budget and the best failing schedule's size.
	Progress func(replays, max int, best Size)
}

// Size measures a schedule. Shrinking orders schedules by preemptions,
// then relevant steps (the causal slice), then steps, then the actor
// sequence (lexicographically).
type Size struct {
	Steps       int `json:"steps"`
	Preemptions int `json:"preemptions"`
	// Relevant is the size of the causal slice of the finding's reported
	// step (CausalSlice's but for a flow error, whose reported step is the
	// run's last: shrinkSlice).
	Relevant int `json:"relevant,omitempty"`
}

// String renders "N steps, P preemptions".
func (s Size) String() string {
	return plural.Count(s.Steps, "step") + ", " + plural.Count(s.Preemptions, "preemption")
}

// ShrinkResult is a shrunk failing run.
type ShrinkResult struct {
	// Before and After are the sizes of the input and the output.
	Before, After Size
	// Replays counts candidate replays; Executed those that ran the
	// system (the others were answered by the shrink's memo, below).
	Replays, Executed int
	// Interrupted is set when the context ended shrinking early: Result
	// is the smallest failing run found until then.
	Interrupted bool
	// BudgetSpent is set when the replay budget (ShrinkConfig.MaxReplays)
	// ran out while a pass still had candidates to try: Result is the
	// smallest failing run found within it, which a larger budget may
	// shrink further (not set when Interrupted is).
	BudgetSpent bool `json:",omitempty"`
	// Result is the shrunk run; it owns its choices.
	Result Result
	// Slice lists the indices of Result's steps the finding depends on
	// (CausalSlice), ascending.
	Slice []int
}

// SliceText renders the slice as SliceSummary does.
func (r *ShrinkResult) SliceText() string { return SliceSummary(len(r.Slice), len(r.Result.Choices)) }

// SliceSummary renders a causal slice of n of a run's steps: "N of M
// steps matter", or, when it is every step of several, says that the
// footprints did not narrow it and where the orderings are named.
func SliceSummary(n, steps int) string {
	if n == steps && steps > 1 {
		return fmt.Sprintf("all %d steps matter: the steps' footprints do not separate them "+
			"(replay --explain names the orderings the finding needs)", steps)
	}
	return fmt.Sprintf("%d of %d steps matter", n, steps)
}

// ErrNotFailing is matched (errors.Is) by ShrinkContext's error when the
// schedule it was given, run again, does not end in a finding of the
// oracle (with ShrinkConfig.JustRan the error matches ErrNotDeterministic
// too).
var ErrNotFailing = errors.New("the schedule does not end in the finding")

// notFailingError is ShrinkContext's error for a schedule that does not
// fail with its oracle; it matches ErrNotFailing.
type notFailingError string

func (e notFailingError) Error() string { return string(e) }

// Is reports whether target is ErrNotFailing.
func (e notFailingError) Is(target error) bool { return target == ErrNotFailing }

// Shrink is ShrinkContext without a context.
func Shrink(f Factory, seed uint64, choices []Choice, oracle string, cfg ShrinkConfig) (ShrinkResult, error) {
	return ShrinkContext(context.Background(), f, seed, choices, oracle, cfg)
}

// ShrinkContext reduces a failing schedule while it still fails with the
// same oracle. The passes, repeated until none helps or the replay budget
// is spent: (1) replace each preemption by continuing the previous actor;
// (2) keep only the causal slice; (3) remove every step of one actor; (4)
// delta-debug the choice list (ddmin: remove chunks, halving the chunk
// size when nothing can go); (5) canonicalise: swap adjacent independent
// steps into ascending actor order. Candidates replay leniently (see NewLenientReplay), so edited
// lists stay meaningful; a candidate is kept only when it fails with the
// same oracle and is smaller (see Size), so the result never has more
// preemptions than the input. When ctx ends, the smallest failing run so
// far is returned with Interrupted set.
//
// Most candidates replay, leniently, into a run an earlier candidate already
// ran (a removed step the lenient replay puts back, a swap that changes
// nothing): over the catalog 94% of them did. Every candidate replays the
// same seed, so the shrink keeps a decision-tree memo of the runs it
// executed (MemoConfig, with its determinism checks) and answers such a
// candidate from it without running the system: same candidates, same
// result, fewer runs (ShrinkResult.Executed). A run that contradicts the
// memo ends the shrink with its error: the system is not deterministic.
func ShrinkContext(ctx context.Context, f Factory, seed uint64, choices []Choice, oracle string, cfg ShrinkConfig) (ShrinkResult, error) {
	if cfg.MaxReplays <= 0 {
		cfg.MaxReplays = DefaultShrinkReplays
	}
	if oracle == "" {
		return ShrinkResult{}, fmt.Errorf("engine: shrink: seed %d: no oracle: only a failing run shrinks", seed)
	}
	sh := newShrinker(ctx, f, seed, oracle, cfg)
	first, err := sh.replay(choices)
	if err != nil {
		return ShrinkResult{}, err
	}
	if oracleOf(first.Finding) != oracle {
		err := notFailingError(fmt.Sprintf("engine: shrink: seed %d: schedule of %d choices ends in %q, want finding %q",
			seed, len(choices), oracleOf(first.Finding), oracle))
		if cfg.JustRan {
			return ShrinkResult{}, fmt.Errorf("%w: %w", err, ErrNotDeterministic)
		}
		return ShrinkResult{}, err
	}
	sh.cur, sh.curRelevant = first, len(shrinkSlice(first))
	before := sizeOf(first)
	// The passes ask want only when they have a candidate next, so that a
	// candidate the budget refused marks the shrink as cut by it
	// (BudgetSpent) and a pass with none left does not; a round that
	// helped calls for another.
	for sh.want() {
		progress := sh.removePreemptions()
		progress = sh.keepSlice() || progress
		progress = sh.removeActors() || progress
		progress = sh.ddmin() || progress
		progress = sh.canonicalise() || progress
		if !progress {
			break
		}
	}
	if sh.err != nil {
		return ShrinkResult{}, sh.err
	}
	return ShrinkResult{Before: before, After: sizeOf(sh.cur), Replays: sh.replays, Executed: sh.executed, Interrupted: ctx.Err() != nil,
		BudgetSpent: sh.spent && ctx.Err() == nil, Result: sh.cur, Slice: CausalSlice(sh.cur)}, nil
}

func sizeOf(r Result) Size {
	return Size{Steps: len(r.Choices), Preemptions: r.Preemptions, Relevant: len(shrinkSlice(r))}
}

// CausalSlice returns the indices of the steps of res that its finding
// depends on through happens-before: the finding's step (Finding.From: a
// flow error's is the hypervisor's step that got the error, not the run's
// last step it is reported at), and backwards every earlier step of the
// same actor as a step in the slice or whose footprint conflicts with one.
// Clock advances are not dependencies here (a step after an advance may
// still rely on time having passed). Without a finding the slice is nil;
// a finding that came before the first step (a flow error of the
// hypervisor's program's start) has an empty one.
func CausalSlice(res Result) []int {
	if res.Finding == nil || len(res.Choices) == 0 {
		return nil
	}
	if res.Finding.From() < 0 {
		return []int{}
	}
	return sliceBack(res.Choices, res.Finding.From())
}

// shrinkSlice is the causal slice the shrinker measures and keeps: the
// one of the finding's reported step (Finding.Step), even for a flow
// error, so that its relevant-step counts and candidates, and so the
// shrunk runs, stay those they were before flow errors were sliced from
// their cause.
func shrinkSlice(res Result) []int {
	if res.Finding == nil || len(res.Choices) == 0 {
		return nil
	}
	return sliceBack(res.Choices, res.Finding.Step)
}

// sliceBack is the happens-before slice of step end of cs (clamped to
// the run).
func sliceBack(cs []Choice, end int) []int {
	end = min(max(end, 0), len(cs)-1)
	slice := []int{end}
	actors := map[int]bool{cs[end].Actor: true}
	for j := end - 1; j >= 0; j-- {
		dep := actors[cs[j].Actor]
		for _, k := range slice {
			if dep {
				break
			}
			dep = cs[j].Footprint.Conflicts(cs[k].Footprint)
		}
		if dep {
			slice = append(slice, j)
			actors[cs[j].Actor] = true
		}
	}
	slices.Reverse(slice)
	return slice
}

// shrinkMemoNodes caps a shrink's memo (about 25 MB): a shrink of the
// default 5,000 replays adds at most the steps after each candidate's edit.
// shrinkMemoBytes caps it too, where decisions are wide (MemoConfig.MaxBytes).
const (
	shrinkMemoNodes = 100_000
	shrinkMemoBytes = 32 << 20
)

// newShrinker returns a shrinker of failing runs of seed with the oracle's
// finding; cfg.MaxReplays must be positive.
func newShrinker(ctx context.Context, f Factory, seed uint64, oracle string, cfg ShrinkConfig) *shrinker {
	sh := &shrinker{ctx: ctx, f: f, seed: seed, oracle: oracle, max: cfg.MaxReplays, r: NewRunner(RunConfig{MaxSteps: cfg.MaxSteps}),
		progress: cfg.Progress}
	if !cfg.NoMemo {
		sh.memo = newMemo(MemoConfig{MaxNodes: shrinkMemoNodes, MaxBytes: shrinkMemoBytes})
	}
	return sh
}

type shrinker struct {
	ctx     context.Context
	f       Factory
	seed    uint64
	oracle  string
	max     int
	replays int
	r       *Runner
	cur     Result
	// memo holds every run the shrink executed (all with seed; nil with
	// ShrinkConfig.NoMemo); walk and log are its walk state and the
	// executed run's record.
	memo     *memo
	walk     memoWalk
	log      eventLog
	executed int
	// curRelevant is the size of cur's causal slice.
	curRelevant int
	progress    func(replays, max int, best Size)
	// err is a run that contradicted a remembered one: the system is not
	// deterministic, and the shrink stops with it.
	err error
	// spent is set when a candidate, or another round of the passes, was
	// refused for the budget.
	spent bool
}

// more reports whether the budget and the context allow another replay.
func (sh *shrinker) more() bool { return sh.replays < sh.max && sh.ctx.Err() == nil && sh.err == nil }

// want is more, asked where the shrink has a candidate to replay next (or
// another round of the passes to run): a refusal for the budget marks the
// shrink as cut by it.
func (sh *shrinker) want() bool {
	if sh.more() {
		return true
	}
	if sh.replays >= sh.max {
		sh.spent = true
	}
	return false
}

// replay runs a candidate leniently and returns a Result owning its
// choices: from the memo when an earlier candidate ran the same run (a
// failing run's choices are rebuilt from the tree), else by running the
// system, which the memo then remembers. One remembered answer in
// MemoConfig.VerifyEvery is run again and compared.
func (sh *shrinker) replay(cs []Choice) (Result, error) {
	sh.replays++
	ch := NewLenientReplay(cs)
	if sh.memo == nil {
		sh.executed++
		res, err := sh.r.RunSeed(sh.f, sh.seed, ch)
		if err != nil {
			return Result{}, fmt.Errorf("engine: shrink: seed %d: %w", sh.seed, err)
		}
		res.Choices = slices.Clone(res.Choices)
		return res, nil
	}
	leaf, at, ev, err := sh.memo.walk(&sh.walk, sh.seed, ch)
	if err != nil {
		return Result{}, fmt.Errorf("engine: shrink: seed %d: %w", sh.seed, err)
	}
	if leaf != nil && !sh.memo.verify(sh.replays) {
		return leaf.result(sh.seed, sh.memo, &sh.walk, true), nil
	}
	sh.executed++
	picks := slices.Clone(sh.walk.picks)
	var res Result
	if leaf != nil {
		res, err = recheck(sh.r, sh.f, sh.seed, picks, leaf)
	} else {
		var log, path *eventLog
		if !sh.memo.full {
			log = &sh.log
		}
		res, path, err = sh.memo.runMiss(sh.r, log, sh.f, sh.seed, picks, ch, at, ev)
		if path != nil {
			err = sh.memo.insert(at, path)
		}
	}
	if errors.Is(err, ErrNotDeterministic) {
		return Result{}, fmt.Errorf("engine: shrink: seed %d: the same choices ran differently, so no shrunk schedule would reproduce: %w", sh.seed, err)
	}
	if err != nil {
		return Result{}, fmt.Errorf("engine: shrink: seed %d: %w", sh.seed, err)
	}
	res.Choices = slices.Clone(res.Choices)
	return res, nil
}

// try replays a candidate and adopts it when it still fails the same way
// and is smaller.
func (sh *shrinker) try(cs []Choice) bool {
	if !sh.want() {
		return false
	}
	res, err := sh.replay(cs)
	if sh.progress != nil {
		defer func() {
			sh.progress(sh.replays, sh.max, Size{Steps: len(sh.cur.Choices), Preemptions: sh.cur.Preemptions, Relevant: sh.curRelevant})
		}()
	}
	if errors.Is(err, ErrNotDeterministic) {
		sh.err = err // the memo's answers cannot be trusted: stop
		return false
	}
	if err != nil || res.Finding == nil || res.Finding.Oracle != sh.oracle || res.Preemptions > sh.cur.Preemptions {
		return false
	}
	rel := len(shrinkSlice(res))
	if !smaller(res, rel, sh.cur, sh.curRelevant) {
		return false
	}
	sh.cur, sh.curRelevant = res, rel
	return true
}

// smaller orders results by preemptions, relevant steps (ra, rb: the
// sizes of their causal slices), steps, then actor sequence.
func smaller(a Result, ra int, b Result, rb int) bool {
	if a.Preemptions != b.Preemptions {
		return a.Preemptions < b.Preemptions
	}
	if ra != rb {
		return ra < rb
	}
	if len(a.Choices) != len(b.Choices) {
		return len(a.Choices) < len(b.Choices)
	}
	for i := range a.Choices {
		if x, y := a.Choices[i].Actor, b.Choices[i].Actor; x != y {
			return x < y
		}
	}
	return false
}

func (sh *shrinker) removePreemptions() bool {
	progress := false
	for j := 0; j < len(sh.cur.Choices); j++ {
		if !sh.cur.Choices[j].Preempt {
			continue
		}
		if !sh.want() {
			break
		}
		cand := slices.Clone(sh.cur.Choices)
		cand[j] = Choice{Index: -1}
		if sh.try(cand) {
			progress = true
			j--
		}
	}
	return progress
}

// keepSlice tries the causal slice alone: every step the finding does not
// depend on is dropped at once.
func (sh *shrinker) keepSlice() bool {
	slice := shrinkSlice(sh.cur)
	if len(slice) == len(sh.cur.Choices) {
		return false
	}
	cand := make([]Choice, 0, len(slice))
	for _, j := range slice {
		cand = append(cand, sh.cur.Choices[j])
	}
	return sh.try(cand)
}

// removeActors tries, for each actor from the highest id down, the
// schedule without any of its steps.
func (sh *shrinker) removeActors() bool {
	progress := false
	var actors []int
	for _, c := range sh.cur.Choices {
		if !slices.Contains(actors, c.Actor) {
			actors = append(actors, c.Actor)
		}
	}
	slices.Sort(actors)
	for i := len(actors) - 1; i >= 0 && sh.want(); i-- {
		cand := slices.DeleteFunc(slices.Clone(sh.cur.Choices), func(c Choice) bool { return c.Actor == actors[i] })
		if len(cand) < len(sh.cur.Choices) && sh.try(cand) {
			progress = true
		}
	}
	return progress
}

func (sh *shrinker) ddmin() bool {
	progress := false
	n := 2
	for len(sh.cur.Choices) >= 2 && sh.want() {
		cs := sh.cur.Choices
		if n > len(cs) {
			n = len(cs)
		}
		chunk := (len(cs) + n - 1) / n
		reduced := false
		for start := 0; start < len(cs); start += chunk {
			end := min(start+chunk, len(cs))
			cand := append(slices.Clone(cs[:start]), cs[end:]...)
			if sh.try(cand) {
				reduced, progress = true, true
				n = max(n-1, 2)
				break
			}
		}
		if !reduced {
			if n >= len(cs) {
				break
			}
			n = min(2*n, len(cs))
		}
	}
	return progress
}

func (sh *shrinker) canonicalise() bool {
	progress := false
	for j := 0; j+1 < len(sh.cur.Choices); j++ {
		a, b := sh.cur.Choices[j], sh.cur.Choices[j+1]
		if a.Actor <= b.Actor || a.Footprint.Conflicts(b.Footprint) {
			continue
		}
		if !sh.want() {
			break
		}
		cand := slices.Clone(sh.cur.Choices)
		cand[j], cand[j+1] = b, a
		if sh.try(cand) {
			progress = true
			j = max(j-2, -1)
		}
	}
	return progress
}
