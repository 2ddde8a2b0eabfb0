package catalog

import (
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/scenario"
)

// Row statuses (Outcome.Status): what the verdict table marks a row (ok,
// MISMATCH, INTERRUPTED) and what its JSON row's status says.
const (
	StatusMatch       = "match"
	StatusMismatch    = "mismatch"
	StatusInterrupted = "interrupted"
	StatusNotRun      = "not-run"
	StatusUnproved    = "unproved"
)

// NotRunText is what a row a signal kept from starting (NotRun) says it
// explored: the verdict table's EXPLORED, JSON's explored text.
const NotRunText = "not run: a signal ended the run before this row started"

// Status is where the row stands. StatusMatch: every exploration gave
// the expected verdict and nothing else. StatusMismatch: the row does not
// match; for a row a signal cut short (Interrupted), only when what ran
// already disagrees with the expectation (Mismatch or Defect: a finished
// exploration's verdicts, or a finding made before the signal that is not
// the expected verdict), which nothing the rest of the row could find
// would undo. StatusInterrupted: a signal cut the row short before
// anything disagreed, so it proves nothing. StatusNotRun: a signal ended
// the run before the row started (NotRun). StatusUnproved: the row
// matches its pass, but a proof was asked (JudgeConfig.RequireProof) and
// none of its dfs searches gives one (Unproved says why).
func (o *Outcome) Status() string {
	switch {
	case o.NotRun:
		return StatusNotRun
	case o.Interrupted && o.Mismatch == "" && o.Defect == "":
		return StatusInterrupted
	case o.Match && !o.Interrupted && o.Unproved != "":
		return StatusUnproved
	case o.Match && !o.Interrupted:
		return StatusMatch
	}
	return StatusMismatch
}

// unproved is what a judged row's Unproved says (Outcome.Unproved): why
// its explorations prove no pass at cfg.RequireProof, "" when they do,
// when none was asked, or when the row is not a pass it matched.
func (cfg JudgeConfig) unproved(o *Outcome) string {
	if cfg.RequireProof <= 0 || !o.Match || o.Interrupted || o.Expected != scenario.VerdictPass || o.Got != scenario.VerdictPass {
		return ""
	}
	return explored.ProofShortfall(o.Runs, cfg.RequireProof)
}

// GotNone is a row's verdict got (GotVerdict) when a signal cut it short
// before any exploration found something, or before it started: no
// verdict was reached, not even pass, which only a row judged to its end
// proves.
const GotNone = "none"

// GotDefect is a row's verdict got when its run could not judge the
// scenario at all (Defect: the scenario file is wrong, the simulator
// panicked, the run without migration is broken): not a verdict on the
// device or the spec text, whatever oracle name the finding carries.
const GotDefect = "defect"

// GotVerdict is the verdict the row got as the verdict table shows it
// (GOT, JSON's `got`): Got's word, GotDefect for a row with a Defect, or
// GotNone for an Interrupted row without a finding and for a row that
// never started (NotRun). A finding made before the signal is certain and
// stays the row's verdict.
func (o *Outcome) GotVerdict() string {
	if o.Defect != "" {
		return GotDefect
	}
	if o.NotRun || o.Interrupted && o.Finding == nil {
		return GotNone
	}
	return o.Got.String()
}

// GotText is GotVerdict with the oracle or error name (VerdictText): what
// a mismatch's "expected X, got Y" says.
func (o *Outcome) GotText() string {
	if o.GotOracle == "" {
		return o.GotVerdict()
	}
	return o.GotVerdict() + " " + o.GotOracle
}
