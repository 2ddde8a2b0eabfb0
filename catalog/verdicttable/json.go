package verdicttable

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
)

// runRow is one row of the JSON table (`migsim run --format json`).
type runRow struct {
	Question int      `json:"question,omitempty"`
	Scenario string   `json:"scenario"`
	Line     int      `json:"line"`
	Edition  string   `json:"edition"`
	Knobs    []string `json:"knobs"`
	Settings []string `json:"settings,omitempty"`
	Expected string   `json:"expected"`
	Got      string   `json:"got"`
	Oracle   string   `json:"oracle,omitempty"`
	Match    bool     `json:"match"`
	// Status is catalog.Outcome.Status: match, mismatch (a row a signal
	// cut short whose explorations already disagree too), interrupted,
	// not-run (a signal ended the run before the row started: got none,
	// no exploration).
	Status   string          `json:"status"`
	Explored runExplored     `json:"explored"`
	Finding  *engine.Finding `json:"finding,omitempty"`
	Shrunk   *runShrunk      `json:"shrunk,omitempty"`
	Replay   string          `json:"replay,omitempty"`
	Defect   string          `json:"defect,omitempty"`
	Caveat   string          `json:"caveat,omitempty"`
	// CaveatEvidence is the run without migration that showed the race
	// behind Caveat: finding-schedule (the finding's own schedule), random
	// or pct (catalog.Outcome.CaveatEvidence).
	CaveatEvidence string `json:"caveat_evidence,omitempty"`
	// RaceCheckInterrupted: a signal ended the runs without migration
	// that judge a transparent finding before they were done; Caveat says
	// how far they got.
	RaceCheckInterrupted bool   `json:"race_check_interrupted,omitempty"`
	Mismatch             string `json:"mismatch,omitempty"`
	NA                   string `json:"na,omitempty"`
	// Unproved says why a row that expects and gets pass is not proved
	// (status unproved, migsim run --require-proof).
	Unproved string `json:"unproved,omitempty"`
}

type runExplored struct {
	Strategy  string `json:"strategy"`
	Budget    int    `json:"budget"`
	Schedules int    `json:"schedules"`
	Pruned    int    `json:"pruned,omitempty"`
	Distinct  int    `json:"distinct"`
	Bound     *int   `json:"bound,omitempty"`
	// Exhaustive: the dfs line's search ran every schedule and its bound
	// cut none (CompleteUnbounded, under the name the row always had; an
	// exploration's exhaustive means CompleteWithinBound).
	Exhaustive bool `json:"exhaustive,omitempty"`
	// CompleteWithinBound: the dfs line's search ran every schedule within
	// its bound; CompleteUnbounded: and the bound cut none, so it ran
	// every schedule. Both absent for a sampling line.
	CompleteWithinBound *bool `json:"complete_within_bound,omitempty"`
	CompleteUnbounded   *bool `json:"complete_unbounded,omitempty"`
	BoundHit            bool  `json:"bound_hit,omitempty"`
	FindingIndex        *int  `json:"finding_index,omitempty"`
	// FindingStrategy names the exploration that found the finding when it
	// is not the one described here (the scenario's own): the cross-check's.
	FindingStrategy string `json:"finding_strategy,omitempty"`
	// Interrupted: a signal ended one of the row's explorations, which
	// then proves nothing.
	Interrupted bool `json:"interrupted"`
	// Proof is the row's dfs search at its own bound (a random or pct
	// line's proof, a dfs line's exploration); absent when none ran.
	Proof *explored.Record `json:"proof,omitempty"`
	// Explorations are every exploration of the row, in the order run.
	Explorations []explored.Record `json:"explorations"`
	Text         string            `json:"text"`
}

type runShrunk struct {
	Before engine.Size `json:"before"`
	After  engine.Size `json:"after"`
	// Interrupted: a second Ctrl-C cut the shrink (After may then not be
	// minimal).
	Interrupted bool `json:"interrupted,omitempty"`
	// BudgetSpent: the replay budget (--shrink-replays) ran out while a
	// pass had candidates left (After may not be minimal).
	BudgetSpent bool `json:"budget_spent,omitempty"`
}

// WriteJSON prints the rows and a summary as one JSON document; a row's
// replay command is found as WriteTable finds it.
func WriteJSON(w io.Writer, rows []catalog.Outcome, regressDir, reportDir string) error {
	doc := jsonDoc{Rows: []runRow{}}
	for i := range rows {
		o := &rows[i]
		r := runRow{Question: o.Question, Scenario: o.Scenario, Line: o.Line, Edition: o.Edition.String(),
			Knobs: append([]string{}, o.Knobs...), Settings: catalog.SettingStrings(o.Settings),
			Expected: catalog.VerdictText(o.Expected, o.ExpectedOracle), Got: o.GotVerdict(), Oracle: o.GotOracle,
			Match: o.Match, Status: o.Status(), Finding: o.Finding, Defect: o.Defect, Caveat: o.Caveat, CaveatEvidence: o.CaveatEvidence,
			RaceCheckInterrupted: o.RaceCheckInterrupted, Mismatch: o.Mismatch, NA: o.NA, Unproved: o.Unproved,
			Explored: runExplored{Strategy: o.Budget.Strategy, Budget: o.Budget.Schedules,
				Schedules: o.Explored.Schedules, Pruned: o.Explored.Pruned, Distinct: o.Explored.Distinct,
				Interrupted: o.Interrupted, Explorations: []explored.Record{}, Text: o.ExploredText()}}
		for j := range o.Runs {
			e := explored.RecordOf(&o.Runs[j])
			r.Explored.Explorations = append(r.Explored.Explorations, e)
			if e.Role == explored.RoleProof || e.Role == explored.RoleLine && e.Strategy == engine.StrategyDFS {
				r.Explored.Proof = &e
			}
		}
		if len(r.Settings) == 0 {
			r.Settings = nil
		}
		if o.Budget.Strategy == engine.StrategyDFS {
			b := o.Budget.Bound
			r.Explored.Bound = &b
			within, unbounded := o.Explored.Complete, o.Explored.Complete && !o.Explored.BoundHit
			r.Explored.Exhaustive = unbounded
			r.Explored.CompleteWithinBound, r.Explored.CompleteUnbounded = &within, &unbounded
			r.Explored.BoundHit = o.Explored.BoundHit
		}
		if o.Finding != nil {
			idx := o.FindingIndex
			r.Explored.FindingIndex = &idx
			if o.FindingRun > 0 && o.FindingRun < len(o.Runs) {
				r.Explored.FindingStrategy = o.Runs[o.FindingRun].Budget.Strategy
			}
		}
		if o.Shrunk != nil {
			r.Shrunk = &runShrunk{Before: o.Shrunk.Before, After: o.Shrunk.After, Interrupted: o.Shrunk.Interrupted, BudgetSpent: o.Shrunk.BudgetSpent}
		}
		if p := replayPath(o, regressDir, reportDir); p != "" {
			r.Replay = catalog.ReplayCommand(p)
		}
		switch r.Status {
		case catalog.StatusInterrupted:
			doc.Interrupted++
		case catalog.StatusNotRun:
			doc.NotRun++
		case catalog.StatusMatch:
			doc.Match++
		case catalog.StatusUnproved:
			doc.Unproved++
		default:
			doc.Mismatch++
		}
		doc.Rows = append(doc.Rows, r)
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode json: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write json: %w", err)
	}
	return nil
}

// jsonDoc is the document WriteJSON prints.
type jsonDoc struct {
	Rows        []runRow `json:"rows"`
	Match       int      `json:"match"`
	Mismatch    int      `json:"mismatch"`
	Interrupted int      `json:"interrupted,omitempty"`
	// NotRun counts the rows a signal kept from starting (status
	// not-run); they are in Rows too.
	NotRun int `json:"not_run,omitempty"`
	// Unproved counts the rows of status unproved (--require-proof).
	Unproved int `json:"unproved,omitempty"`
}
