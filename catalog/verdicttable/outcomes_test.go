package verdicttable

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// The rows the writers' tests print, built as catalog.Judge leaves them.

// crossCheckRow is a row of a scenario file whose own exploration (random,
// 2 schedules) found nothing while the cross-check (pct, same seed) found
// the guest's FLR ending the migration session (catalog's
// TestJudge_FindingOfACrossCheck judges such a row).
func crossCheckRow(t *testing.T) catalog.Outcome {
	line := scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 2, Seed: 265}
	cross := scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 2, Depth: 3, Seed: 265}
	found := engine.Report{Index: 1, Finding: engine.Finding{Oracle: "error:vf-reset", Impact: catalog.ImpactFlow, Step: 40}}
	return catalog.Outcome{Scenario: "gen-104", File: filepath.Join(t.TempDir(), "gen-104.scn"), Line: 27, Edition: spec.Virtio14,
		Expected: scenario.VerdictPass, Got: scenario.VerdictError, GotOracle: "vf-reset",
		Finding: &found.Finding, FindingIndex: 1, FindingRun: 1, Budget: line,
		Explored: engine.Summary{Schedules: 2, Distinct: 2},
		Runs: []catalog.StrategyRun{
			{Role: explored.RoleLine, Budget: line, Explored: engine.Summary{Schedules: 2, Distinct: 2}},
			{Role: explored.RoleCross, Budget: cross, Explored: engine.Summary{Schedules: 2, Distinct: 2, Failing: 1,
				Findings: []engine.Report{found}}},
		},
		Mismatch: "pct 2: found error:vf-reset",
		Shrunk:   &engine.ShrinkResult{Before: engine.Size{Steps: 60}, After: engine.Size{Steps: 41}, Replays: 12, Executed: 10},
		// As catalog.Judge records the exploration that found it.
		Schedule: &schedfile.Schedule{Scenario: "gen-104", Edition: spec.Virtio14.String(), Strategy: engine.StrategyPCT, BaseSeed: 265, Index: 1,
			Exploration: explored.FileRecord(cross, engine.ReductionSleep, false, 0, catalog.DefaultJudgeMaxSteps, 0)}}
}

// proofFoundRow is a mismatch whose finding neither sampling made but the
// dfs proof did, with state pruning, a state cap and a step bound other
// than the defaults (migsim run --state-cap, a scenario's max-steps).
func proofFoundRow(t *testing.T) catalog.Outcome {
	o := crossCheckRow(t)
	proof, ok := catalog.ProofBudget(scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 2, Seed: 265, Proof: 500, Depth: 3})
	require.True(t, ok)
	found := o.Runs[1].Explored.Findings[0]
	o.Runs[1].Explored = engine.Summary{Schedules: 2, Distinct: 2}
	o.Runs = append(o.Runs, catalog.StrategyRun{Role: explored.RoleProof, Budget: proof, Explored: engine.Summary{Schedules: 40, Distinct: 40, Failing: 1,
		Findings: []engine.Report{found}}})
	o.FindingRun, o.Mismatch = 2, "dfs bound 2: found error:vf-reset"
	o.Schedule = &schedfile.Schedule{Scenario: "gen-104", Edition: spec.Virtio14.String(), Strategy: engine.StrategyDFS, BaseSeed: 265, Index: 1,
		Exploration: explored.FileRecord(proof, engine.ReductionSleep, true, 4096, 5000, 0)}
	return o
}

// caveatRow is a row whose transparent finding may be the guest program's
// own race (catalog.Target.RaceCaveat).
func caveatRow() catalog.Outcome {
	b := scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 50, Seed: 1}
	return catalog.Outcome{Scenario: "racy", Edition: spec.Draft2023, Expected: scenario.VerdictViolation, ExpectedOracle: "transparent",
		Got: scenario.VerdictViolation, GotOracle: "transparent", Match: true, Budget: b,
		Finding:        &engine.Finding{Oracle: "transparent", Step: 12, Message: "the guest's log differs"},
		Caveat:         "without migration the guest's log already depends on the schedule (random schedule 3, seed 9: transparent at step 8: …)",
		CaveatEvidence: catalog.RaceEvidenceRandom}
}

// interruptedProofRow is a pass row whose proof a signal cut short after
// its sampling ran to its end.
func interruptedProofRow() catalog.Outcome {
	line := scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 300, Depth: 3, Seed: 1, Proof: 1_000_003}
	cross := scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 300, Depth: 3, Seed: 1}
	proof := scenario.Budget{Strategy: engine.StrategyDFS, Schedules: 1_000_003, Bound: 2, Seed: 1, Reduction: "states"}
	return catalog.Outcome{Scenario: "judge-flr-freeze", Question: 1, Edition: spec.Draft2023, Expected: scenario.VerdictPass,
		Got: scenario.VerdictPass, Budget: line, Explored: engine.Summary{Schedules: 300, Distinct: 40}, Interrupted: true,
		Runs: []catalog.StrategyRun{
			{Role: explored.RoleLine, Budget: line, Explored: engine.Summary{Schedules: 300, Distinct: 40}},
			{Role: explored.RoleCross, Budget: cross, Explored: engine.Summary{Schedules: 300, Distinct: 35}},
			{Role: explored.RoleProof, Budget: proof, Explored: engine.Summary{Schedules: 120, Pruned: 30, Distinct: 120, Interrupted: true}},
		}}
}

// certainMismatchRow is a pass row whose line found a violation before a
// signal cut its cross-check short: a mismatch, interrupted too.
func certainMismatchRow() catalog.Outcome {
	line := scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 300, Depth: 3, Seed: 1}
	cross := scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 300, Depth: 3, Seed: 1}
	found := engine.Report{Index: 7, Finding: engine.Finding{Oracle: "frozen-context", Step: 30, Message: "the second read differs"}}
	return catalog.Outcome{Scenario: "judge-flr-freeze", Question: 1, Edition: spec.Draft2023, Expected: scenario.VerdictPass,
		Got: scenario.VerdictViolation, GotOracle: "frozen-context", Finding: &found.Finding, FindingIndex: 7, Budget: line,
		Explored: engine.Summary{Schedules: 300, Distinct: 40, Failing: 3, Findings: []engine.Report{found}}, Interrupted: true,
		Runs: []catalog.StrategyRun{
			{Role: explored.RoleLine, Budget: line, Explored: engine.Summary{Schedules: 300, Distinct: 40, Failing: 3, Findings: []engine.Report{found}}},
			{Role: explored.RoleCross, Budget: cross, Explored: engine.Summary{Schedules: 256, Distinct: 35, Interrupted: true}},
		},
		Mismatch: "pct 300: found frozen-context"}
}

// raceCheckCutRow is caveatRow whose runs without migration a signal ended
// after 3 of their runs (the finding's replay, the random and the pct
// runs).
func raceCheckCutRow() catalog.Outcome {
	o := caveatRow()
	o.Caveat = (&catalog.RaceCheckInterruptedError{Runs: 3, Of: catalog.RaceCheckRuns}).Caveat()
	o.RaceCheckInterrupted, o.CaveatEvidence = true, ""
	return o
}
