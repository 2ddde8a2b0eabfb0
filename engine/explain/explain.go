// Package explain says which orderings of two steps a failing run's
// finding needs, by moving each step as early and as late as it can run
// and bisecting where a move loses the finding (docs/engine.md,
// "Explaining").
package explain

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/migsim/migsim/engine"
)

// DefaultRuns bounds the runs one Explain may spend.
const DefaultRuns = 2000

// Config configures Explain.
type Config struct {
	// MaxRuns bounds the runs; zero means DefaultRuns.
	MaxRuns int
	// MaxSteps bounds each run (engine.RunConfig.MaxSteps); give the bound the
	// explained run had.
	MaxSteps int
}

// Order is an ordering a finding needs: step Before ran before step
// After (indices into the explained run), and a run with After before
// Before, every other step in its recorded order as far as the run
// allowed, did not have the finding.
type Order struct {
	Before int `json:"before"`
	After  int `json:"after"`
	// Moved is the step Explain moved (Before or After): hastened ahead
	// of Before when it is After, delayed past After when it is Before.
	Moved int `json:"moved"`
	// Instead is the oracle of the finding the reversed run had instead,
	// first ("" for none). InsteadMessage is that finding's message when
	// its oracle is the explained finding's own and its reason another
	// (SameReason): an oracle that judges the whole run, as the
	// transparent oracle compares the guest's log, fires for any
	// difference, and the reversed run's difference is not the one
	// reported.
	Instead        string `json:"instead,omitempty"`
	InsteadMessage string `json:"instead_message,omitempty"`
	// kept and gone are the two runs that show the order (Runs).
	kept, gone []engine.Choice
}

// Runs returns the two runs that show the order, as choices to replay
// (engine.NewReplay) with the explained run's factory and seed: in kept
// Before ran before After and the finding stayed, in gone After ran
// before Before and it went. Only orders Explain returned in this process
// have them (a shard summary does not carry them).
func (o Order) Runs() (kept, gone []engine.Choice) { return o.kept, o.gone }

// Explanation says which orderings of a failing run its finding needs
// (Explain).
type Explanation struct {
	// Orders are the orderings found, by Before then After. None is
	// implied by another through program order (a step of the same actor
	// as its Before ran no earlier, and one of the same actor as its After
	// no later), none is reversed alongside another kept order whose
	// own reversal leaves it in place (that other names the cause), and
	// one per pair of labels.
	Orders []Order `json:"orders"`
	// Steps counts the steps up to the finding's (included), for a flow
	// error up to the step that got it (Cause); Checked those Explain
	// moved both ways before its budget or its context ran out, nearest
	// the finding (that step) first.
	Steps   int `json:"steps"`
	Checked int `json:"checked"`
	// Cause is set when the finding is a flow error, reported when the
	// run ends, whose steps are counted up to the hypervisor's step that
	// got it (engine.Finding.From): the steps after it did not make the
	// error.
	Cause bool `json:"cause,omitempty"`
	// Unpinned counts the moves that lost the finding without naming a
	// step the moved one must not pass (the bisection's two runs did not
	// differ in one step's place).
	Unpinned int `json:"unpinned,omitempty"`
	// Runs counts the runs spent.
	Runs int `json:"runs"`
	// Skipped says why nothing was moved, when that was decided before
	// any run (a step-bound finding).
	Skipped string `json:"skipped,omitempty"`
	// Interrupted is set when the context ended the explanation early.
	Interrupted bool `json:"interrupted,omitempty"`
}

// Text renders the one-line summary.
func (e *Explanation) Text() string {
	runs := plural(e.Runs, "run")
	switch {
	case e.Skipped != "":
		return "not explained: " + e.Skipped
	case e.Steps == 0:
		return "not explained: the finding came before any step"
	case e.Checked == 0 && len(e.Orders) == 0:
		why := "the run budget was spent"
		if e.Interrupted {
			why = "interrupted"
		}
		return fmt.Sprintf("not explained: %s before one step was moved both ways (%s)", why, runs)
	}
	upTo, nearest := "", "the finding"
	if e.Cause {
		upTo, nearest = " up to the one that got the flow error", "it"
	}
	scope := fmt.Sprintf("each of %d steps%s moved both ways", e.Steps, upTo)
	found := "found"
	if e.Checked < e.Steps {
		cut := "the run budget ran out"
		if e.Interrupted {
			cut = "it was interrupted"
		}
		scope = fmt.Sprintf("%d of %d steps%s moved both ways, nearest %s first, before %s", e.Checked, e.Steps, upTo, nearest, cut)
		found = "found so far"
	}
	unpinned := ""
	if e.Unpinned > 0 {
		unpinned = fmt.Sprintf("; %s lost the finding without naming one step to blame", plural(e.Unpinned, "other move"))
	}
	switch len(e.Orders) {
	case 0:
		switch {
		case e.Unpinned == 0 && e.Checked >= e.Steps:
			// Every step was moved both ways and none lost the finding:
			// within what moving one step can tell, the interleaving
			// does not matter.
			return fmt.Sprintf("the finding does not depend on the interleaving, as far as moving one step tells: "+
				"every step, moved as early and as late as it can run, kept it, so no ordering of two steps decides it (%s, %s)", scope, runs)
		case e.Unpinned == 0:
			return fmt.Sprintf("no ordering of two steps %s: every move kept the finding (%s, %s)", found, scope, runs)
		}
		return fmt.Sprintf("no ordering of two steps %s: %s lost the finding without naming one step to blame (%s, %s)",
			found, plural(e.Unpinned, "move"), scope, runs)
	case 1:
		return fmt.Sprintf("1 ordering decides it: with the two steps reversed (the others in their recorded order as far as the run allows), the finding goes (%s, %s%s)",
			scope, runs, unpinned)
	}
	return fmt.Sprintf("%d orderings decide it: with any one reversed (the others in their recorded order as far as the run allows), the finding goes (%s, %s%s)",
		len(e.Orders), scope, runs, unpinned)
}

// plural renders "1 run" or "n runs".
func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// Explain finds the orderings a failing run res of seed needs. It moves
// each step up to the finding's (a flow error's: the hypervisor's step
// that got it, engine.Finding.From, as the causal slice starts from it),
// nearest the finding first: hastened (run
// as soon as it is enabled, every other step in its recorded order as far
// as the run allows) and delayed (run only when nothing else is). When a
// move loses the finding, a bisection over the decision the move starts
// or ends at finds two runs that differ in whether the moved step ran
// before or after one other step: with one order the finding stays, with
// the other it goes. That pair is an Order; both of its runs were run.
// A moved run keeps the finding when it has it for the same reason
// (SameReason). A step-bound finding is not explained (every moved run
// would run to the bound), nor a flow error that came before the first
// step. res must have a finding.
func Explain(ctx context.Context, f engine.Factory, seed uint64, res engine.Result, cfg Config) (Explanation, error) {
	if res.Finding == nil {
		return Explanation{}, errors.New("explain: the run has no finding")
	}
	if cfg.MaxRuns <= 0 {
		cfg.MaxRuns = DefaultRuns
	}
	cs := res.Choices
	end := min(max(res.Finding.Step, 0), len(cs)-1)
	// A flow error is reported when the run ends, whichever actor took
	// the last step: the steps after the one that got it did not make it,
	// and moving them names orderings of the run's tail. They stay in the
	// recording the moved runs follow.
	from := min(res.Finding.From(), end)
	ex := Explanation{Steps: from + 1, Cause: from != end && from >= 0}
	switch {
	case res.Finding.StepBound():
		ex.Skipped = "the finding is the step bound, which every moved run would run to"
		return ex, nil
	case res.Finding.Caused && from < 0:
		ex.Steps, ex.Skipped = 0, SkippedBeforeSteps
		return ex, nil
	}
	x := &explainer{ctx: ctx, f: f, seed: seed, finding: res.Finding, max: cfg.MaxRuns,
		r: engine.NewRunner(engine.RunConfig{MaxSteps: cfg.MaxSteps}), cs: cs[:end+1]}
	x.index()
	var found []Order
	for j := from; j >= 0 && x.more(); j-- {
		h, ok, err := x.hasten(j)
		if err != nil {
			return ex, err
		}
		if ok {
			found = append(found, h) // shown by its runs, even if the delay is cut
		}
		if x.cut {
			break
		}
		d, ok, err := x.delay(j)
		if err != nil {
			return ex, err
		}
		if ok {
			found = append(found, d)
		}
		if x.cut {
			break // j's delay ran out of budget: j is not checked
		}
		ex.Checked++
	}
	ex.Orders = x.dedupe(x.tightest(x.strongest(found)))
	slices.SortFunc(ex.Orders, func(a, b Order) int {
		if a.Before != b.Before {
			return a.Before - b.Before
		}
		return a.After - b.After
	})
	ex.Runs, ex.Unpinned = x.runs, x.unpinned
	ex.Interrupted = ctx.Err() != nil && ex.Checked < ex.Steps
	return ex, nil
}
