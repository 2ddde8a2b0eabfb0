package report

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
)

// ExplorationDoc is the JSON document `migsim explore --format json` and
// `migsim merge --format json` print in place of the text report: what was
// explored, what it covered and the first finding with its schedule file,
// under the names `migsim run --format json` gives the same things in a
// row (docs/scenarios.md, "The table as JSON").
type ExplorationDoc struct {
	// Scenario, Edition, Knobs and Settings are the target; Target and
	// Budget the text header's words for it and its budget.
	Scenario string   `json:"scenario"`
	Edition  string   `json:"edition"`
	Knobs    []string `json:"knobs"`
	Settings []string `json:"settings,omitempty"`
	Target   string   `json:"target"`
	Budget   string   `json:"budget"`
	// Explored is what the exploration covered.
	Explored DocExplored `json:"explored"`
	// Findings are the first finding of each oracle, lowest schedule
	// index first; Finding the first one's, shrunk when it was (its impact,
	// requirements and actors then the shrunk run's).
	Findings []DocFinding    `json:"findings"`
	Finding  *engine.Finding `json:"finding,omitempty"`
	// Shrunk is the first finding's size before and after shrinking;
	// NotShrunk says it was kept as found (--no-shrink).
	Shrunk    *DocShrunk `json:"shrunk,omitempty"`
	NotShrunk bool       `json:"not_shrunk,omitempty"`
	// Slice is the shrunk finding's causal slice narrowed by running it
	// (the text's "slice:" line; absent with --slice-runs 0).
	Slice *DocSlice `json:"slice,omitempty"`
	// Why is the shrunk finding's explanation (the text's "why:" lines;
	// absent with --explain-runs 0).
	Why *DocWhy `json:"why,omitempty"`
	// Expected is the "expected:" line: how the first finding, or
	// finding nothing, stands to the scenario's expect line.
	Expected string `json:"expected,omitempty"`
	Caveat   string `json:"caveat,omitempty"`
	// CaveatEvidence is the run without migration that showed the race
	// behind Caveat: finding-schedule, random or pct.
	CaveatEvidence string `json:"caveat_evidence,omitempty"`
	// Schedule is the first finding's schedule file as written, Replay
	// the command that replays it.
	Schedule string `json:"schedule,omitempty"`
	Replay   string `json:"replay,omitempty"`
	// Merged is the number of shard summaries merge combined (absent for
	// explore).
	Merged int `json:"merged,omitempty"`
}

// DocExplored is what an exploration covered, as a row's explored object
// names it: the strategy and its budget (dfs: the run budget, per shard),
// the complete runs (schedules; dfs: interleavings), runs pruned (dfs runs
// cut short before their end, not schedules: state_hits of them by state
// pruning, pruned_sleep_sets by sleep sets; PrunedText), runs executed
// (merge: the runs its shards executed, summed, which are not one
// process's: docs/scale.md),
// distinct interleavings (capped: a lower bound), runs that ended in a
// finding and, for dfs, the bound and whether the search was exhaustive
// within it (complete_within_bound) or altogether (complete_unbounded;
// exhaustive, as a row's), and the state-pruned runs counted without
// running them (pruned_known: known transitions), and when the state
// table and known transitions reached their cap (states_full,
// transitions_full: the run at which each did, as a row's exploration
// records them; state_cap: the cap; absent when neither did).
type DocExplored struct {
	Strategy            string `json:"strategy"`
	Budget              int    `json:"budget"`
	Schedules           int    `json:"schedules"`
	Pruned              int    `json:"pruned,omitempty"`
	Executed            int    `json:"executed"`
	Distinct            int    `json:"distinct"`
	DistinctCapped      bool   `json:"distinct_capped,omitempty"`
	Failing             int    `json:"failing"`
	Bound               *int   `json:"bound,omitempty"`
	Exhaustive          bool   `json:"exhaustive,omitempty"`
	CompleteWithinBound *bool  `json:"complete_within_bound,omitempty"`
	CompleteUnbounded   *bool  `json:"complete_unbounded,omitempty"`
	BoundHit            bool   `json:"bound_hit,omitempty"`
	StateHits           int    `json:"state_hits,omitempty"`
	PrunedSleepSets     int    `json:"pruned_sleep_sets,omitempty"`
	PrunedKnown         int    `json:"pruned_known,omitempty"`
	StatesFull          int    `json:"states_full,omitempty"`
	TransitionsFull     int    `json:"transitions_full,omitempty"`
	StateCap            int    `json:"state_cap,omitempty"`
	Shards              int    `json:"shards,omitempty"`
	Interrupted         bool   `json:"interrupted"`
}

// DocFinding is one finding of the list: its schedule's index and seed,
// and the finding as found. The seed is written as a string of decimal
// digits, as the schedule file writes it: a run's seed is mostly above
// 2^53, which readers that hold JSON numbers as doubles (JavaScript,
// jq before 1.7) round to a seed that replays nothing.
type DocFinding struct {
	Index   int            `json:"index"`
	Seed    uint64         `json:"seed,string"`
	Finding engine.Finding `json:"finding"`
}

// DocShrunk is a finding's size before and after shrinking; Interrupted
// says a second Ctrl-C cut the shrink, BudgetSpent that its replay budget
// (--shrink-replays) ran out while a pass had candidates left (After may
// then not be minimal).
type DocShrunk struct {
	Before      engine.Size `json:"before"`
	After       engine.Size `json:"after"`
	Interrupted bool        `json:"interrupted,omitempty"`
	BudgetSpent bool        `json:"budget_spent,omitempty"`
}

// DocSlice is a narrowed causal slice (explain.Narrowed): the steps left,
// numbered as the text numbers them, of the shrunk run's Of steps; Kept is
// false when the footprint slice itself lost the finding when run first
// (Steps is then that slice), or when it was not run (Skipped says why:
// a step-bound finding; Steps is then the footprint slice); Checks counts
// the checks run (two runs each); Cut says the budget or an interrupt
// (Interrupted) ended the narrowing before every step was tried.
type DocSlice struct {
	Steps       []DocSliceStep `json:"steps"`
	Of          int            `json:"of"`
	Kept        bool           `json:"kept"`
	Checks      int            `json:"checks"`
	Cut         bool           `json:"cut,omitempty"`
	Interrupted bool           `json:"interrupted,omitempty"`
	Skipped     string         `json:"skipped,omitempty"`
}

// DocWhy is an explanation (explain.Explanation): the text's summary, the
// orderings of two steps the finding needs, numbered and labelled as the
// text numbers them (the text also names the admin commands a PF's step
// completed, which it records the run again to find; the labels here are
// the run's own), and what was checked: Steps up to the finding's (with
// Cause, up to the step that got the flow error), Checked of them moved
// both ways, Runs spent, Unpinned moves that lost the
// finding without naming a step; Skipped says why nothing was moved,
// Interrupted that an interrupt ended it early.
type DocWhy struct {
	Text        string     `json:"text"`
	Orders      []DocOrder `json:"orders"`
	Steps       int        `json:"steps"`
	Checked     int        `json:"checked"`
	Cause       bool       `json:"cause,omitempty"`
	Runs        int        `json:"runs"`
	Unpinned    int        `json:"unpinned,omitempty"`
	Skipped     string     `json:"skipped,omitempty"`
	Interrupted bool       `json:"interrupted,omitempty"`
}

// DocOrder is one ordering the finding needs: Before ran before After and
// the finding stayed; with After moved ahead of Before it went (Instead:
// the oracle of the finding the reversed run had instead; InsteadMessage
// its message when that oracle is the finding's own, for another reason).
// Moved is the step that was moved (Before or After's number).
type DocOrder struct {
	Before  DocSliceStep `json:"before"`
	After   DocSliceStep `json:"after"`
	Moved   int          `json:"moved"`
	Instead string       `json:"instead,omitempty"`
	// InsteadMessage is explain.Order.InsteadMessage.
	InsteadMessage string `json:"instead_message,omitempty"`
}

// DocSliceStep is one step of a narrowed slice: its number and label.
type DocSliceStep struct {
	Step  int    `json:"step"`
	Label string `json:"label"`
}

// Doc is the report as its JSON document. The scenario, edition, knobs
// and settings are the report's data (Scenario, Edition, Knobs, Settings),
// which explore sets and shard summaries carry to merge; Target is only
// the header's text.
func (r *Exploration) Doc() ExplorationDoc {
	sum := &r.Summary
	d := ExplorationDoc{Scenario: r.Scenario, Edition: r.Edition, Knobs: append([]string{}, r.Knobs...),
		Target: r.Target, Budget: r.Budget, Findings: []DocFinding{},
		NotShrunk: r.NotShrunk, Expected: r.Expected, Caveat: r.Caveat, CaveatEvidence: r.CaveatEvidence, Merged: r.Merged}
	if len(r.Settings) > 0 {
		d.Settings = append([]string{}, r.Settings...)
	}
	d.Explored = DocExplored{Strategy: r.Strategy, Budget: r.Schedules, Schedules: sum.Schedules, Pruned: sum.Pruned,
		Executed: sum.Executed, Distinct: sum.Distinct, DistinctCapped: sum.DistinctCapped, Failing: sum.Failing,
		StateHits: PrunedByStates(sum), PrunedSleepSets: PrunedBySleepSets(sum), Interrupted: sum.Interrupted}
	if sum.Strategy == engine.StrategyDFS || r.Strategy == engine.StrategyDFS {
		d.Explored.PrunedKnown = KnownRuns(sum)
		d.Explored.StatesFull, d.Explored.TransitionsFull, d.Explored.StateCap = sum.StatesFullAt, sum.TransitionsFullAt, sum.StateCap
	}
	if sum.Shards > 1 {
		d.Explored.Shards = sum.Shards
	}
	if r.Strategy == engine.StrategyDFS {
		b := r.Bound
		within, unbounded := sum.Complete, sum.Complete && !sum.BoundHit
		d.Explored.Bound, d.Explored.CompleteWithinBound, d.Explored.CompleteUnbounded = &b, &within, &unbounded
		d.Explored.Exhaustive, d.Explored.BoundHit = unbounded, sum.BoundHit
	}
	for _, rep := range sum.Findings {
		d.Findings = append(d.Findings, DocFinding{Index: rep.Index, Seed: rep.Seed, Finding: rep.Finding})
	}
	if len(sum.Findings) > 0 {
		fd := sum.Findings[0].Finding
		d.Finding = &fd
	}
	if sr := r.Shrunk; sr != nil {
		d.Shrunk = &DocShrunk{Before: sr.Before, After: sr.After}
		if !r.NotShrunk {
			// A finding kept as found (--no-shrink) ran the one replay that
			// annotates it, with no candidate tried: no shrink ran out of
			// budget or was cut, as the text, which says "not shrunk", also
			// leaves unsaid.
			d.Shrunk.Interrupted, d.Shrunk.BudgetSpent = sr.Interrupted, sr.BudgetSpent
		}
		if fd := sr.Result.Finding; fd != nil {
			d.Finding = fd
		}
	}
	if n, sr := r.Narrowed, r.Shrunk; n != nil && sr != nil {
		cs := sr.Result.Choices
		d.Slice = &DocSlice{Steps: []DocSliceStep{}, Of: len(cs), Kept: n.Check.Kept, Checks: n.Runs, Cut: n.Cut, Interrupted: n.Interrupted, Skipped: n.Skipped}
		for _, i := range n.Slice {
			if i >= 0 && i < len(cs) {
				d.Slice.Steps = append(d.Slice.Steps, DocSliceStep{Step: engine.ShownStep(i), Label: cs[i].Label})
			}
		}
	}
	if ex, sr := r.Explained, r.Shrunk; ex != nil && sr != nil {
		d.Why = docWhy(ex, sr.Result.Choices)
	}
	if r.Schedule != nil && r.Path != "" {
		d.Schedule, d.Replay = r.Path, catalog.ReplayCommand(r.Path)
	}
	return d
}

// docWhy is ex as its JSON object, its steps those of the explained run cs
// (an order naming a step outside cs is left out, as the text leaves it).
func docWhy(ex *explain.Explanation, cs []engine.Choice) *DocWhy {
	w := &DocWhy{Text: ex.Text(), Orders: []DocOrder{}, Steps: ex.Steps, Checked: ex.Checked, Cause: ex.Cause, Runs: ex.Runs,
		Unpinned: ex.Unpinned, Skipped: ex.Skipped, Interrupted: ex.Interrupted}
	step := func(i int) DocSliceStep { return DocSliceStep{Step: engine.ShownStep(i), Label: cs[i].Label} }
	for _, o := range ex.Orders {
		if !orderInRun(o, cs) {
			continue
		}
		w.Orders = append(w.Orders, DocOrder{Before: step(o.Before), After: step(o.After), Moved: engine.ShownStep(o.Moved),
			Instead: o.Instead, InsteadMessage: o.InsteadMessage})
	}
	return w
}

// WriteJSON writes the report's JSON document (Doc), indented, and a
// newline.
func (r *Exploration) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(r.Doc(), "", "  ")
	if err != nil {
		return fmt.Errorf("report: encode json: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
