package verdicttable

import (
	"os"
	"path/filepath"

	"github.com/migsim/migsim/catalog"
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
// --report-dir writes (with its report) or explore finds again, with the
// flags of the exploration that found it (catalog.ExploreFlags of what the
// schedule records: the scenario's own, or the cross-check or proof that
// found what it missed, with their strategy, budget, seed, reduction,
// state pruning and step bound), so that the command, pasted, runs that
// exploration. "" for a row without a shrunk schedule.
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
	if o.Schedule.Exploration != nil {
		cmd += catalog.ExploreFlags(o.Schedule)
	}
	return "not written; --report-dir DIR writes it (and a report), or explore it: " + cmd
}
