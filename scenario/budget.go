package scenario

import "github.com/migsim/migsim/spec"

// Limits of the scenario language. Every number a scenario (or the
// command line, which shares these) gives is checked against them at load,
// so no value can make a run hang or exhaust memory.
const (
	// MaxVFs bounds `vfs`, the VFs every host enables (PCIe SR-IOV's
	// TotalVFs is 16 bits). How many of them one VM migrates together is
	// the world's limit (world/vocab.MaxVMVFs), checked at load too.
	MaxVFs = 65535
	// MaxQueues bounds `queues` (request queues per VF).
	MaxQueues = 64
	// MaxSchedules bounds an exploration's schedules (`schedules=`,
	// --schedules): a billion, a budget for shards and Ctrl-C (an
	// exploration's memory does not grow with its schedules).
	MaxSchedules = 1_000_000_000
	// MaxSteps bounds a run's step bound (--max-steps, and the step bound
	// a shard summary records): the longest catalog run takes a few
	// thousand steps.
	MaxSteps = 10_000_000
	// MaxDepth bounds pct's depth d: its change points are drawn up front,
	// so memory grows with d.
	MaxDepth = 64
	// MaxBound bounds dfs's preemption bound (-1: unbounded).
	MaxBound = 64
	// DefaultProofRuns is the run budget of a row's proof
	// (Budget.Proof) when the explore line gives none: no more than the
	// row's second sampling exploration cost before there were proofs, so
	// a row that is cheap to prove is proved, the others say how far the
	// search got, and lines raise it where the proof takes seconds.
	DefaultProofRuns = 100
	// MaxQuestion bounds `question`.
	MaxQuestion = 1000
	// MaxName bounds the bytes of a name a scenario gives (docs/scenarios.md,
	// "Scenario files"): the scenario's, an actor's, a verb, a key, a knob, a signal
	// (signal, await, set hv-await=), a setting's value of kind ArgName.
	// Names reach step labels, traces and schedule files, whose names
	// engine/schedfile bounds at 64 KiB; 256 bytes is seven times the
	// longest name the catalog gives (34 bytes), and a label of a signal
	// by an actor, both at the limit, stays near 530 bytes.
	MaxName = 256
	// MaxText bounds the bytes of a setting's free-text value (ArgText,
	// `vm-vfs=`), which a schedule file records with the row's settings:
	// the longest list of distinct VFs a VM may take (256 five-digit
	// numbers) is 1,535 bytes.
	MaxText = 4096
	// MaxTitle bounds the bytes of a scenario's title (`title`), which
	// `migsim run --list`, the verdict table's reports and a finding's
	// report print on a line of their own: eight times the longest title
	// the catalog gives (122 bytes), a long sentence even in a script of
	// three bytes a character, yet a line, not a page.
	MaxTitle = 1024
	// MaxExplain bounds the bytes of a scenario's explanation, its
	// `explain` lines together, which a finding's report and
	// docs/questions.md print as one paragraph: 64 KiB, about 27 times
	// the catalog's longest (2,400 bytes in 28 lines), some twenty pages
	// of prose.
	MaxExplain = 64 << 10
	// MaxNumberText bounds the bytes of a number as written (leading
	// zeros after a 0x, 0o or 0b prefix are allowed): a 64-bit number
	// in binary with its sign and prefix is 67 bytes.
	MaxNumberText = 128
)

// DefaultBudget is the exploration of a scenario that states none for an
// edition: 100 random schedules from seed 1, and a row whose sampling
// finds nothing (whatever it expects) proved with the default proof budget.
var DefaultBudget = Budget{Strategy: "random", Schedules: 100, Depth: 3, Seed: 1, Proof: DefaultProofRuns}

// BudgetFor returns the scenario's exploration budget for an edition: the
// first `explore` line for that edition, else the first for every edition,
// else DefaultBudget.
func (s *Scenario) BudgetFor(ed spec.Edition) Budget {
	for _, b := range s.Explore {
		if b.Edition == ed {
			return b
		}
	}
	for _, b := range s.Explore {
		if b.Edition == 0 {
			return b
		}
	}
	return DefaultBudget
}
