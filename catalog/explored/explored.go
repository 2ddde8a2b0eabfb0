// Package explored describes the explorations that judge a catalog row
// (catalog.Judge): which one each is (Role), what it covered (Run), as the
// verdict table words it (Run.Text: "exhaustive bound 2: N interleavings",
// "bound 2 interrupted after N of M runs") and as its JSON shows it
// (Record), and the dfs reduction an explore line names (BudgetReduction).
package explored

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
)

// BudgetReduction returns the dfs reduction of an explore line
// (`reduction=`): sleep sets when it names none, and whether states
// already explored are pruned (`reduction=states`: sleep sets with state
// pruning).
func BudgetReduction(b scenario.Budget) (engine.Reduction, bool, error) {
	if b.Reduction == "states" {
		return engine.ReductionSleep, true, nil
	}
	if b.Reduction == "" {
		return engine.ReductionSleep, false, nil
	}
	r, err := engine.ParseReduction(b.Reduction)
	if err != nil {
		return 0, false, fmt.Errorf("catalog: explore line %d: %w", b.Line, err)
	}
	return r, false, nil
}

// BoundText renders a dfs preemption bound for a reader: "bound 2", or
// "unbounded" for a negative bound (none), which files keep as -1.
func BoundText(bound int) string {
	if bound < 0 {
		return "unbounded"
	}
	return fmt.Sprintf("bound %d", bound)
}

// DFSText describes what a dfs exploration covered: "exhaustive bound 2:
// 980 interleavings (670 runs ended at states already explored)", or,
// when the run budget ran out or the exploration was interrupted first,
// how far it got, and when its state table filled, if it did (FullText):
// "bound 2 not exhausted: run budget of 1000 spent, 510 interleavings
// (490 runs ended at states already explored); state table full at run
// 474, known transitions at run 347 (1024 each): later ones not
// remembered".
func DFSText(b scenario.Budget, sum engine.Summary) string {
	var s string
	switch {
	case sum.Interrupted && !sum.Complete:
		s = InterruptedText(b, sum)
	case sum.Complete && sum.BoundHit:
		s = fmt.Sprintf("exhaustive %s: %s", BoundText(b.Bound), plural.Count(sum.Schedules, "interleaving"))
	case sum.Complete && b.Bound < 0:
		s = fmt.Sprintf("exhaustive: %s (unbounded)", plural.Count(sum.Schedules, "interleaving"))
	case sum.Complete:
		s = fmt.Sprintf("exhaustive: %s (bound %d never cut)", plural.Count(sum.Schedules, "interleaving"), b.Bound)
	default:
		s = fmt.Sprintf("%s not exhausted: run budget of %d spent, %s", BoundText(b.Bound), b.Schedules, plural.Count(sum.Schedules, "interleaving"))
	}
	if sum.StateHits > 0 {
		s += fmt.Sprintf(" (%s ended at states already explored)", plural.Count(sum.StateHits, "run"))
	}
	if full := FullText(sum); full != "" && !sum.Complete {
		s += "; " + full
	}
	return s
}

// FullText says when a dfs search's state table and known transitions
// reached their cap (Summary.StatesFullAt, TransitionsFullAt), "" when
// neither did: "state table full at run 812345 (1048576 states): later
// states not remembered". Past it the search is still sound, but no run
// ends at a state it explored later: a search that did not exhaust its
// bound may have lost its way there.
func FullText(sum engine.Summary) string {
	states, trans := sum.StatesFullAt, sum.TransitionsFullAt
	switch {
	case states > 0 && trans > 0:
		return fmt.Sprintf("state table full at run %d, known transitions at run %d (%d each): later ones not remembered", states, trans, sum.StateCap)
	case states > 0:
		return fmt.Sprintf("state table full at run %d (%s): later states not remembered", states, plural.Count(sum.StateCap, "state"))
	case trans > 0:
		return fmt.Sprintf("known transitions full at run %d (%d): later ones not remembered", trans, sum.StateCap)
	}
	return ""
}

// InterruptedText describes an exploration that ctx ended before its end:
// "pct interrupted after 120 of 300 schedules", "bound 2 interrupted after
// 5000 of 1000000 runs, 420 interleavings".
func InterruptedText(b scenario.Budget, sum engine.Summary) string {
	if b.Strategy != engine.StrategyDFS {
		return fmt.Sprintf("%s interrupted after %d of %s", b.Strategy, sum.Schedules, plural.Count(b.Schedules, "schedule"))
	}
	return fmt.Sprintf("%s interrupted after %d of %s, %s", BoundText(b.Bound), DFSRuns(sum), plural.Count(b.Schedules, "run"),
		plural.Count(sum.Schedules, "interleaving"))
}

// DFSRuns is the part of its run budget a dfs exploration spent: its
// complete runs and the runs it pruned.
func DFSRuns(sum engine.Summary) int {
	return sum.Schedules + sum.Pruned
}

// Roles of a row's explorations (Run.Role), in the order they
// run: the line's own, the other sampling strategy's, the dfs proof, the
// bound-0 fallback.
const (
	RoleLine     = "line"
	RoleCross    = "cross"
	RoleProof    = "proof"
	RoleFallback = "fallback"
)

// Run is one exploration of a row.
type Run struct {
	// Role says which of the row's explorations this is (RoleLine, …).
	Role     string
	Budget   scenario.Budget
	Explored engine.Summary
}

// Verdicts lists the verdict names the run's schedules gave, in the order
// first found: an oracle, or "error:NAME".
func (r *Run) Verdicts() []string {
	var out []string
	for _, f := range r.Explored.Findings {
		if !slices.Contains(out, f.Finding.Oracle) {
			out = append(out, f.Finding.Oracle)
		}
	}
	return out
}

// Text describes the run: "pct 300 schedules", "exhaustive bound 2: 487
// interleavings (825 runs ended at states already explored)", "random 50
// schedules, 50 failing, first at #0", "pct interrupted after 120 of 300
// schedules".
func (r *Run) Text() string {
	b, sum := r.Budget, r.Explored
	s := b.Strategy + " " + plural.Count(sum.Schedules, "schedule")
	switch {
	case b.Strategy == engine.StrategyDFS:
		s = DFSText(b, sum)
	case sum.Interrupted:
		s = InterruptedText(b, sum)
	}
	if len(sum.Findings) > 0 {
		s += fmt.Sprintf(", %d failing, first at #%d", sum.Failing, sum.Findings[0].Index)
	}
	return s
}

// Record is one exploration of a row (Run) in the JSON table of
// `migsim run --format json` (docs/scenarios.md, "The table as JSON").
type Record struct {
	// Role is RoleLine, RoleCross, RoleProof or RoleFallback.
	Role     string `json:"role"`
	Strategy string `json:"strategy"`
	// Bound is a dfs search's preemption bound (-1: none).
	Bound *int `json:"bound,omitempty"`
	// Budget is the schedules of a sampling, the run budget of a dfs
	// search; Runs the part of it spent (a dfs search's complete and
	// pruned runs); Schedules the complete runs (a dfs search's
	// interleavings), StateHits a dfs search's runs that ended at states
	// already explored.
	Budget    int `json:"budget"`
	Runs      int `json:"runs"`
	Schedules int `json:"schedules"`
	Distinct  int `json:"distinct"`
	StateHits int `json:"state_hits,omitempty"`
	// StatesFull and TransitionsFull are the run at which a dfs search's
	// state table and known transitions reached StateCap (FullText),
	// absent when they did not.
	StatesFull      int `json:"states_full,omitempty"`
	TransitionsFull int `json:"transitions_full,omitempty"`
	StateCap        int `json:"state_cap,omitempty"`
	// Exhaustive: a dfs search ran every schedule within its bound
	// (BoundHit: the bound cut some). It is CompleteWithinBound, under the
	// name the record always had; the row's explored.exhaustive means
	// CompleteUnbounded, so both are spelt out. CompleteUnbounded: it ran
	// every schedule and the bound cut none. Unexhausted says why a dfs
	// search is not exhaustive: "budget" (its run budget ran out) or
	// "interrupted".
	Exhaustive          bool   `json:"exhaustive"`
	CompleteWithinBound bool   `json:"complete_within_bound"`
	CompleteUnbounded   bool   `json:"complete_unbounded"`
	BoundHit            bool   `json:"bound_hit,omitempty"`
	Unexhausted         string `json:"unexhausted,omitempty"`
	Interrupted         bool   `json:"interrupted"`
	// Failing counts the runs that ended in a finding; Verdicts names
	// what they found, in the order first found.
	Failing  int      `json:"failing"`
	Verdicts []string `json:"verdicts,omitempty"`
	Text     string   `json:"text"`
}

// RecordOf is r as the JSON table shows it.
func RecordOf(r *Run) Record {
	b, sum := r.Budget, r.Explored
	e := Record{Role: r.Role, Strategy: b.Strategy, Budget: b.Schedules, Runs: sum.Schedules, Schedules: sum.Schedules,
		Distinct: sum.Distinct, Interrupted: sum.Interrupted, Failing: sum.Failing, Verdicts: r.Verdicts(), Text: r.Text()}
	if b.Strategy != engine.StrategyDFS {
		return e
	}
	bound := b.Bound
	e.Bound, e.Runs, e.StateHits = &bound, DFSRuns(sum), sum.StateHits
	e.StatesFull, e.TransitionsFull, e.StateCap = sum.StatesFullAt, sum.TransitionsFullAt, sum.StateCap
	e.Exhaustive, e.BoundHit = sum.Complete, sum.BoundHit
	e.CompleteWithinBound, e.CompleteUnbounded = sum.Complete, sum.Complete && !sum.BoundHit
	switch {
	case sum.Complete:
	case sum.Interrupted:
		e.Unexhausted = "interrupted"
	default:
		e.Unexhausted = "budget"
	}
	return e
}
