package engine

import (
	"fmt"
	"slices"
)

// DefaultShrinkReplays bounds the replays one Shrink may spend.
const DefaultShrinkReplays = 5000

// ShrinkConfig configures Shrink.
type ShrinkConfig struct {
	// MaxReplays bounds the candidate replays; zero means
	// DefaultShrinkReplays.
	MaxReplays int
	// MaxSteps bounds each replay (RunConfig.MaxSteps).
	MaxSteps int
}

// Size measures a schedule. Shrinking orders schedules by steps, then
// preemptions, then the actor sequence (lexicographically).
type Size struct {
	Steps       int `json:"steps"`
	Preemptions int `json:"preemptions"`
}

// String renders "N steps, P preemptions".
func (s Size) String() string {
	return fmt.Sprintf("%d steps, %d preemptions", s.Steps, s.Preemptions)
}

// ShrinkResult is a shrunk failing run.
type ShrinkResult struct {
	// Before and After are the sizes of the input and the output.
	Before, After Size
	// Replays counts candidate replays.
	Replays int
	// Result is the shrunk run; it owns its choices.
	Result Result
}

// Shrink reduces a failing schedule while it still fails with the same
// oracle. The passes, repeated until none helps or the replay budget is
// spent: (1) replace each preemption by continuing the previous actor;
// (2) delta-debug the choice list (ddmin: remove chunks, halving the chunk
// size when nothing can go); (3) canonicalise: swap adjacent independent
// steps into ascending actor order. Candidates replay leniently (see
// NewLenientReplay), so edited lists stay meaningful; a candidate is kept
// only when it fails with the same oracle and is smaller (see Size).
func Shrink(f Factory, seed uint64, choices []Choice, oracle string, cfg ShrinkConfig) (ShrinkResult, error) {
	if cfg.MaxReplays <= 0 {
		cfg.MaxReplays = DefaultShrinkReplays
	}
	sh := &shrinker{f: f, seed: seed, oracle: oracle, max: cfg.MaxReplays, r: NewRunner(RunConfig{MaxSteps: cfg.MaxSteps})}
	first, err := sh.replay(choices)
	if err != nil {
		return ShrinkResult{}, err
	}
	if oracleOf(first.Finding) != oracle {
		return ShrinkResult{}, fmt.Errorf("engine: shrink: seed %d: schedule of %d choices ends in %q, want finding %q",
			seed, len(choices), oracleOf(first.Finding), oracle)
	}
	sh.cur = first
	before := sizeOf(first)
	for sh.replays < sh.max {
		progress := sh.removePreemptions()
		progress = sh.ddmin() || progress
		progress = sh.canonicalise() || progress
		if !progress {
			break
		}
	}
	return ShrinkResult{Before: before, After: sizeOf(sh.cur), Replays: sh.replays, Result: sh.cur}, nil
}

func sizeOf(r Result) Size { return Size{Steps: len(r.Choices), Preemptions: r.Preemptions} }

type shrinker struct {
	f       Factory
	seed    uint64
	oracle  string
	max     int
	replays int
	r       *Runner
	cur     Result
}

// replay runs a candidate leniently and returns a Result owning its choices.
func (sh *shrinker) replay(cs []Choice) (Result, error) {
	sh.replays++
	res, err := sh.r.RunSeed(sh.f, sh.seed, NewLenientReplay(cs))
	if err != nil {
		return Result{}, fmt.Errorf("engine: shrink: seed %d: %w", sh.seed, err)
	}
	res.Choices = slices.Clone(res.Choices)
	return res, nil
}

// try replays a candidate and adopts it when it still fails the same way
// and is smaller.
func (sh *shrinker) try(cs []Choice) bool {
	if sh.replays >= sh.max {
		return false
	}
	res, err := sh.replay(cs)
	if err != nil || oracleOf(res.Finding) != sh.oracle || !smaller(res, sh.cur) {
		return false
	}
	sh.cur = res
	return true
}

// smaller orders results by steps, preemptions, then actor sequence.
func smaller(a, b Result) bool {
	if len(a.Choices) != len(b.Choices) {
		return len(a.Choices) < len(b.Choices)
	}
	if a.Preemptions != b.Preemptions {
		return a.Preemptions < b.Preemptions
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
	for j := 0; j < len(sh.cur.Choices) && sh.replays < sh.max; j++ {
		if !sh.cur.Choices[j].Preempt {
			continue
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

func (sh *shrinker) ddmin() bool {
	progress := false
	n := 2
	for len(sh.cur.Choices) >= 2 && sh.replays < sh.max {
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
	for j := 0; j+1 < len(sh.cur.Choices) && sh.replays < sh.max; j++ {
		a, b := sh.cur.Choices[j], sh.cur.Choices[j+1]
		if a.Actor <= b.Actor || a.Footprint.Conflicts(b.Footprint) {
			continue
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
