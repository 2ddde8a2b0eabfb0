package verdicttable

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// replayPath is the schedule file of a row's counterexample when one
// exists: its regression schedule (RegressPath), else the copy a finding
// report under reportDir holds.
func replayPath(o *catalog.Outcome, regressDir, reportDir string) string {
	if p := catalog.RegressPath(o, regressDir); p != "" || reportDir == "" || o.Schedule == nil {
		return p
	}
	p := filepath.Join(reportDir, catalog.ScheduleRegressName(o.Schedule))
	if _, err := os.Stat(p); err != nil {
		return ""
	}
	return p
}

// scheduleHint says how to get the schedule of a row's counterexample
// that no file holds: --write-regress writes a matching row of a scenario
// file next to the file; it writes no mismatched row, nor a catalog row
// (the catalog's regression schedules are the source tree's, which a run
// outside the tree, or with another --regress-dir, does not see): those
// --report-dir writes (with its report) or explore finds again. "" for a
// row without a shrunk schedule.
func scheduleHint(o *catalog.Outcome) string {
	file := catalog.UserScenarioFile(o)
	switch {
	case o.Schedule == nil:
		return ""
	case o.Match && file != "":
		return "not written; run again with --write-regress to write it next to " + file
	}
	scn := o.Scenario
	if file != "" {
		scn = file
	}
	knobs := o.Knobs
	if r, err := spec.ParseRules(o.Edition, o.Knobs); err == nil {
		knobs = r.Diff(o.Edition)
	}
	cmd := catalog.ExploreCommand(scn, o.Edition.String(), knobs, catalog.SettingStrings(o.Settings))
	if o.FindingRun > 0 && o.FindingRun < len(o.Runs) {
		cmd += budgetFlags(o.Runs[o.FindingRun].Budget)
	}
	return "not written; --report-dir DIR writes it (and a report), or explore it: " + cmd
}

// budgetFlags are the migsim explore flags that run exploration b of a
// row instead of the scenario's own: the cross-check that found a row's
// finding when the scenario's own exploration did not (same seed).
func budgetFlags(b scenario.Budget) string {
	s := fmt.Sprintf(" --strategy %s --schedules %d", b.Strategy, b.Schedules)
	switch b.Strategy {
	case engine.StrategyPCT:
		s += fmt.Sprintf(" --depth %d", b.Depth)
	case engine.StrategyDFS:
		s += fmt.Sprintf(" --bound %d", b.Bound)
	}
	return s
}
