package explain

import (
	"context"
	"fmt"
	"slices"

	"github.com/migsim/migsim/engine"
)

// DefaultNarrowRuns bounds the checks (CheckSlice calls) one NarrowSlice
// may spend.
const DefaultNarrowRuns = 400

// Narrowed is a slice NarrowSlice narrowed, with the check of its last
// accepted narrowing.
type Narrowed struct {
	// Slice lists the steps left, ascending; the finding's step is last.
	Slice []int `json:"slice"`
	// Check is CheckSlice's outcome on Slice: Kept is set unless the
	// slice given failed its own check (a narrowing is accepted only when
	// its check keeps the finding).
	Check SliceCheck `json:"check"`
	// Runs counts the checks (two runs each, three for a drop's); Cut is
	// set when the budget ended the narrowing before every step was
	// tried.
	Runs int  `json:"runs"`
	Cut  bool `json:"cut,omitempty"`
	// Interrupted is set when the context ended the narrowing (Cut is set
	// too): the slice so far passed its check, later drops were not tried.
	Interrupted bool `json:"interrupted,omitempty"`
	// Skipped says why the slice was not narrowed without a run (the
	// finding is the step bound: SkippedStepBound); Slice is then the
	// slice given.
	Skipped string `json:"skipped,omitempty"`
	// Cause is set when the slice ends at the step a flow error came from
	// (engine.Finding.From), not at the run's last step it is reported
	// at.
	Cause bool `json:"cause,omitempty"`
}

// SkippedStepBound is Narrowed.Skipped of a step-bound finding: a run
// that holds steps back runs to the bound as well (Explain does not
// explain one either), so every drop would keep it and the steps left
// would read as its cause.
const SkippedStepBound = "the finding is the step bound, which a run that holds steps back runs to as well"

// SkippedBeforeSteps is Narrowed.Skipped of a finding that came before
// the first step (a flow error the hypervisor's program got as the world
// was built): no step of the run is its cause, and the slice is empty.
const SkippedBeforeSteps = "the flow error came before the first step (the hypervisor's program got it as the world was built): no step of the run is its cause"

// NarrowSlice narrows a causal slice (engine.CausalSlice) of the failing
// run res of seed by running it: it drops from the slice, in turn, every
// step of one actor other than the finding's, the finding's actor's own
// earlier steps (its program runs them ahead of the finding's step
// anyway), then single steps, latest first, and keeps each drop that
// keeps the finding for the same reason (SameReason) in CheckSlice's two
// runs and in a third that holds the dropped steps back behind every
// other held-back step. What is left are the steps whose recorded place,
// ahead of the steps held back, the finding was seen to need: a step is
// left out only after those runs held it back (behind every step left,
// as long as the run allowed) and still had the finding at its step.
// That is three completions of the held-back steps, not every one
// (docs/engine.md, "Explaining"). The finding's step (a flow error's: the
// step that got it, engine.Finding.From) is never dropped. maxRuns bounds
// the checks (0: DefaultNarrowRuns); when it is spent the slice so far is
// returned, Cut set. The slice must pass CheckSlice itself, else it is
// returned as is with that check. A step-bound finding's slice is
// returned as is, with no run, Skipped set; so is the empty slice of a
// flow error that came before the first step.
func NarrowSlice(f engine.Factory, seed uint64, res engine.Result, slice []int, maxSteps, maxRuns int) (Narrowed, error) {
	return NarrowSliceContext(context.Background(), f, seed, res, slice, maxSteps, maxRuns)
}

// NarrowSliceContext is NarrowSlice stopped by ctx: once ctx is done it
// tries no more drops and returns the slice narrowed so far with Cut and
// Interrupted set (every drop it kept was checked).
func NarrowSliceContext(ctx context.Context, f engine.Factory, seed uint64, res engine.Result, slice []int, maxSteps, maxRuns int) (Narrowed, error) {
	if maxRuns <= 0 {
		maxRuns = DefaultNarrowRuns
	}
	cur := slices.Clone(slice)
	slices.Sort(cur)
	cur = slices.Compact(cur)
	out := Narrowed{Slice: cur}
	if f := res.Finding; f != nil && f.From() != f.Step && f.From() >= 0 {
		out.Cause = true
	}
	if res.Finding != nil && res.Finding.StepBound() {
		out.Skipped = SkippedStepBound
		return out, nil
	}
	if res.Finding != nil && res.Finding.Caused && res.Finding.From() < 0 {
		out.Slice, out.Skipped = []int{}, SkippedBeforeSteps
		return out, nil
	}
	check, err := CheckSlice(f, seed, res, cur, maxSteps)
	out.Runs++
	if err != nil || !check.Kept || len(cur) < 2 {
		out.Check = check
		return out, err
	}
	out.Check = check
	cs := res.Choices
	end := min(max(res.Finding.From(), 0), len(cs)-1)
	// try drops the steps drop says from cur when the check keeps the
	// finding without them.
	try := func(drop func(i int) bool) (bool, error) {
		var next []int
		for _, i := range cur {
			if i == end || !drop(i) {
				next = append(next, i)
			}
		}
		if len(next) == len(cur) {
			return false, nil
		}
		if out.Runs >= maxRuns {
			out.Cut = true
			return false, nil
		}
		if ctx.Err() != nil {
			out.Cut, out.Interrupted = true, true
			return false, nil
		}
		out.Runs++
		var held []int
		for _, i := range cur {
			if !slices.Contains(next, i) {
				held = append(held, i)
			}
		}
		c, err := checkSlice(f, seed, res, next, held, maxSteps)
		if err != nil || !c.Kept {
			return false, err
		}
		cur, out.Check = next, c
		return true, nil
	}
	var actors []int
	for _, i := range cur {
		if a := cs[i].Actor; a != cs[end].Actor && !slices.Contains(actors, a) {
			actors = append(actors, a)
		}
	}
	var drops []func(int) bool
	for _, a := range actors {
		drops = append(drops, func(i int) bool { return cs[i].Actor == a })
	}
	drops = append(drops, func(i int) bool { return cs[i].Actor == cs[end].Actor })
	for _, d := range drops {
		if _, err := try(d); err != nil {
			out.Slice = cur
			return out, err
		}
	}
	// Single steps, latest first, when the budget has a check for each;
	// else blocks of steps first (dropBlocks), which try the single steps
	// of the blocks that matter.
	if len(cur)-1 > maxRuns-out.Runs {
		var rest []int
		for _, i := range cur {
			if i != end {
				rest = append(rest, i)
			}
		}
		if err := dropBlocks(rest, try, func() bool { return out.Cut }); err != nil {
			out.Slice = cur
			return out, err
		}
		out.Slice = cur
		return out, nil
	}
	// A drop leaves the indices below k.
	for k := len(cur) - 2; k >= 0 && !out.Cut; k-- {
		i := cur[k]
		if _, err := try(func(j int) bool { return j == i }); err != nil {
			out.Slice = cur
			return out, err
		}
	}
	out.Slice = cur
	return out, nil
}

// dropBlocks drops the steps of block when try keeps the finding
// without them, else its later half and then its earlier half the same
// way, down to single steps. A slice of n steps of which k matter takes
// about 2k·log2(n/k) checks where single steps take n: on a run of
// thousands of steps (a VM of many VFs, whose hypervisor runs each
// operation once per VF) single drops spend the budget on the latest
// few hundred steps and keep every earlier one. block is ascending. It
// stops once stop says so (the budget spent, the context done).
func dropBlocks(block []int, try func(drop func(int) bool) (bool, error), stop func() bool) error {
	if len(block) == 0 || stop() {
		return nil
	}
	kept, err := try(func(i int) bool { _, ok := slices.BinarySearch(block, i); return ok })
	if err != nil || kept || len(block) == 1 {
		return err
	}
	mid := len(block) / 2
	if err := dropBlocks(block[mid:], try, stop); err != nil {
		return err
	}
	return dropBlocks(block[:mid], try, stop)
}

// Text renders the one-line summary of a narrowed slice of a run of
// steps steps: how many are left, and what a run of them showed.
func (n *Narrowed) Text(steps int) string {
	if n.Skipped == SkippedBeforeSteps {
		return fmt.Sprintf("not narrowed: %s (0 of %d steps)", n.Skipped, steps)
	}
	if n.Skipped != "" {
		return fmt.Sprintf("not narrowed: %s (the footprint slice's %d of %d steps)", n.Skipped, len(n.Slice), steps)
	}
	if !n.Check.Kept {
		return fmt.Sprintf("not narrowed: the slice of %d of %d steps, run first with the rest held back, lost the finding (%s run: %s)",
			len(n.Slice), steps, n.Check.Lost, orNone(n.Check.Oracle))
	}
	cut := ""
	switch {
	case n.Interrupted:
		cut = ", interrupted before every step was tried"
	case n.Cut:
		cut = ", budget spent before every step was tried"
	}
	what := fmt.Sprintf("%d of %d steps placed", len(n.Slice), steps)
	own := "the finding's own"
	if n.Cause {
		own = "the step that got the flow error (the run's end reports it)"
		what += ", the last of them the step that got the flow error (the run's end reports it)"
	}
	if len(n.Slice) == 1 {
		what = fmt.Sprintf("1 of %d steps placed, %s: no other step needs its place (its actor's program and waits order the rest)", steps, own)
	}
	ahead := ""
	if len(n.Slice) > 1 && len(n.Slice) < steps {
		// Explain moves single steps: the step it names can be one the
		// slice leaves out and a placed step of its actor pulls in (a
		// guest's write ahead of its placed kick); both say the same.
		ahead = "; a step left out runs where its actor's program and waits put it, its actor's earlier steps ahead of a placed one " +
			"(an ordering replay --explain names may be of such a step)"
	}
	return fmt.Sprintf("%s: run first in their recorded order, every other step held back as long as the run allows (in its recorded order, and reversed), the finding stays%s (%s%s)",
		what, ahead, plural(n.Runs, "check"), cut)
}

// orNone renders an oracle, "none" for none.
func orNone(oracle string) string {
	if oracle == "" {
		return "none"
	}
	return oracle
}
