package scenario

import (
	"fmt"
	"strconv"

	"github.com/migsim/migsim/spec"
)

// Scenario is one parsed scenario file: the world it declares (VFs, queues,
// settings), the programs of its actors, the verdicts it expects under each
// edition and knob set, and how much exploration proves them.
//
// The text format is line-oriented; see docs/scenarios.md. A scenario reads
// like the spec's own examples:
//
//	scenario flr-during-freeze
//	question 1
//	title FLR during freeze (guest starts FLR, owner freezes, FLR completes)
//	requirements DP-DEV-12 DRAFT-FRZ-02
//	vfs 1
//
//	guest vcpu0
//	  probe
//	  write sector=0 count=8 pattern=0xa1
//	  flr
//
//	expect draft-2023 pass
//	expect draft-2023 flr-vs-mode=complete-anyway violation frozen-context
//	explore strategy=pct schedules=2000
type Scenario struct {
	// File is where the scenario was read from (for error messages).
	File         string
	Name         string
	Question     int
	Title        string
	Explain      []string
	Requirements []string
	VFs          int
	Queues       int
	// Settings are world settings (`set key=value`), in file order.
	Settings []Arg
	Actors   []*Program
	Expect   []Expectation
	Explore  []Budget
	// RequirementPos and SettingPos are where each requirement ID and
	// setting was written (parallel to Requirements and Settings' Pos).
	RequirementPos []Pos
	// Source is the file's bytes. Hash is a short hash of the parsed
	// (canonical) form, Format's output: comments, blank lines and spacing
	// do not change it. SourceHash is a short hash of the bytes themselves
	// (what schedule files of format 1 recorded).
	Source     string
	Hash       string
	SourceHash string
	// unreadExplore says an explore line had a problem and was left out
	// (a scenario with problems, for Check only: see parse).
	unreadExplore bool
}

// Pos is a position in a scenario file: 1-based line and byte column (0
// when unknown, e.g. for a scenario built in code).
type Pos struct {
	Line, Col int
}

// ActorKind is the kind of an actor program.
type ActorKind uint8

// Actor kinds.
const (
	ActorGuest ActorKind = iota + 1
	ActorHypervisor
	ActorPeer
)

// String returns guest, hypervisor or peer.
func (k ActorKind) String() string {
	switch k {
	case ActorGuest:
		return "guest"
	case ActorHypervisor:
		return "hypervisor"
	case ActorPeer:
		return "peer"
	}
	return fmt.Sprintf("actor-%d", uint8(k))
}

// Program is the operation list of one actor. Edition, when set, limits the
// program to that edition (a scenario may give each edition its own
// hypervisor flow).
type Program struct {
	Kind    ActorKind
	Name    string
	Edition spec.Edition
	Args    []Arg
	Ops     []Op
	Line    int
	// NameCol is the column of the actor's name (of the kind word for a
	// hypervisor or an unnamed actor).
	NameCol int
}

// Op is one operation of an actor program: a verb and its arguments.
type Op struct {
	Verb string
	Args []Arg
	Line int
	// Col is the column of the verb.
	Col int
}

// Arg is one argument: key=value, or a bare word (Key empty).
type Arg struct {
	Key   string
	Value string
	// Pos is where the argument was written.
	Pos Pos
}

// String renders the argument as it is written in a scenario file.
func (a Arg) String() string {
	v := quoteWord(a.Value)
	if a.Key == "" {
		return v
	}
	return a.Key + "=" + v
}

// quoteWord returns w as one word of a scenario line: as it is when it
// lexes back to itself, else as a Go quoted string.
func quoteWord(w string) string {
	if w == "" {
		return strconv.Quote(w)
	}
	for i := 0; i < len(w); i++ {
		if c := w[i]; c <= ' ' || c == 0x7f || c == '"' || c == '#' {
			return strconv.Quote(w)
		}
	}
	return w
}

// Verdict is what a scenario expects (or got) under one edition and knob set.
type Verdict uint8

// Verdicts.
const (
	// VerdictPass: no oracle fired within the stated budget.
	VerdictPass Verdict = iota + 1
	// VerdictViolation: an oracle fired (Expectation.Oracle names which).
	VerdictViolation
	// VerdictError: the flow stopped with a named error (Expectation.Oracle
	// holds the error's name), with no hang and no silent success.
	VerdictError
	// VerdictNA: the question does not apply to the edition.
	VerdictNA
)

// String returns pass, violation, error or n/a.
func (v Verdict) String() string {
	switch v {
	case VerdictPass:
		return "pass"
	case VerdictViolation:
		return "violation"
	case VerdictError:
		return "error"
	case VerdictNA:
		return "n/a"
	}
	return fmt.Sprintf("verdict-%d", uint8(v))
}

// Expectation is one `expect` line: under Edition with Knobs applied to its
// defaults (and Settings applied to the scenario's), the run gives Verdict;
// for a violation, Oracle names the oracle; for an error, the error's name;
// for n/a, the verb or mode word the edition lacks (the reason).
type Expectation struct {
	Edition spec.Edition
	// Knobs are key=value; Check checks each against spec's knobs.
	Knobs []string
	// KnobCols are the columns of Knobs (parallel to it; empty for an
	// expectation built in code).
	KnobCols []int
	Settings []Arg
	Verdict  Verdict
	Oracle   string
	Note     string
	Line     int
	// OracleCol is the column of Oracle.
	OracleCol int
	// Proof, when positive, is this row's own proof run budget
	// (`proof=` on the expect line), in place of its explore line's
	// Budget.Proof: a pass row that exhausts its search in seconds gets
	// the budget it needs without its edition's other rows spending it.
	Proof int
	// ProofBound, when positive, is this row's own proof preemption bound
	// (`proof-bound=`), in place of its explore line's Budget.ProofBound.
	ProofBound int
	// ProofCol is the column of the first of proof= and proof-bound=.
	ProofCol int
}

// RowBudget returns the exploration budget of one expectation: its
// edition's (BudgetFor) with the row's own proof= and proof-bound=.
func (s *Scenario) RowBudget(e Expectation) Budget {
	b := s.BudgetFor(e.Edition)
	if e.Proof > 0 {
		b.Proof = e.Proof
	}
	if e.ProofBound > 0 {
		b.ProofBound = e.ProofBound
	}
	return b
}

// Budget is one `explore` line: how a scenario proves its expectations.
type Budget struct {
	// Edition limits the budget to one edition (0: every edition).
	Edition   spec.Edition
	Strategy  string
	Schedules int
	// Bound is the preemption bound for dfs; Depth the d of pct.
	Bound int
	Depth int
	Seed  uint64
	Line  int
	// Reduction is dfs's reduction (`reduction=`): sleep (sleep sets, the
	// default when empty), dpor, none, or states (sleep sets with state
	// pruning: a state explored before is not explored again).
	Reduction string
	// Proof is the run budget of the dfs search (preemption bound
	// ProofBound, state pruning) that tries to prove a pass row of a
	// random or pct line exhaustively (`proof=`; DefaultProofRuns when the
	// line does not say, 0 for none). A dfs line proves by itself: 0.
	Proof int
	// ProofBound is the proof's preemption bound (`proof-bound=`,
	// DefaultProofBound..MaxBound); 0 means DefaultProofBound.
	ProofBound int
}

// DefaultProofBound is the preemption bound a pass row of a sampling line
// is proved at (Budget.Proof) unless its line raises it (proof-bound=).
const DefaultProofBound = 2

// EffectiveProofBound is the preemption bound of the budget's proof.
func (b Budget) EffectiveProofBound() int {
	if b.ProofBound == 0 {
		return DefaultProofBound
	}
	return b.ProofBound
}

// Reductions lists the values of an explore line's reduction=.
var Reductions = []string{"sleep", "dpor", "none", "states"}
