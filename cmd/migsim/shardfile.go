package main

import (
	"path/filepath"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/report"
)

// shardSummaryPath is where a shard of t writes its summary under --out.
func shardSummaryPath(t catalog.Target, run exploreRun) string {
	return filepath.Join(run.out, shardName(catalog.RegressName(t.Scenario.Name, t.Edition, t.Knobs(),
		catalog.SettingStrings(t.Settings)), ".summary.json", run.shard, run.shards))
}

// staleShardSchedule returns the schedule file the shard summary at path
// names when this run, which ran to its end, does not write it again
// (kept is the schedule file this run wrote, "" for none): the same
// exploration run again after the scenario or the device changed may find
// nothing, and the old schedule would sit beside a summary that does not
// name it. The schedule's name depends on the target alone, so a run with
// another finding writes over it instead. report.CheckShardOverwrite made
// sure the summary at path is this exploration's, or not one this build
// reads (then there is none). The caller removes it once the new summary
// is written.
func staleShardSchedule(path string, run exploreRun, kept string) string {
	old, err := report.ReadShardFile(path)
	if err != nil || old.ScheduleName == "" {
		return ""
	}
	stale := filepath.Join(run.out, shardName(old.ScheduleName, ".json", run.shard, run.shards))
	if stale == kept {
		return ""
	}
	return stale
}
