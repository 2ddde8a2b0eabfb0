// Package foundby says how a schedule file was found: the migsim command
// line that runs again the exploration that found it, from what the file
// records of it (schedfile.Exploration, format 5 on; docs/engine.md,
// "Schedule files"), for a fuzzer or a person who holds the file once the
// scenario's explore line or a default has changed.
package foundby

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/devicecmd"
	"github.com/migsim/migsim/internal/shellquote"
)

// Origin is how a schedule was found: Command, the command line that runs
// its exploration again (every parameter that changes which schedule it
// writes given, defaults included), or, when the file does not say,
// Unknown, why not. For a device's counterexample Command judges the
// device's rows, and Row is the exploration of the row that found it, as
// migsim explore's flags. Scenario is set when the scenario file the
// schedule names is gone and the schedule carries its text: Command
// names FILE in its place, and Scenario says so.
type Origin struct {
	Command  string `json:"command,omitempty"`
	Row      string `json:"row,omitempty"`
	Unknown  string `json:"unknown,omitempty"`
	Scenario string `json:"scenario,omitempty"`
}

// Text renders the origin as replay prints it after "found by: ": the
// command, a row's exploration or what FILE is after it as a shell
// comment (the line pastes as it prints), or "unknown: " and why.
func (o Origin) Text() string {
	switch {
	case o.Command == "":
		return "unknown: " + o.Unknown
	case o.Row != "":
		return o.Command + "  # the row's exploration: " + o.Row
	case o.Scenario != "":
		return o.Command + "  # " + o.Scenario
	}
	return o.Command
}

// pathArg is a scenario file's path as a command's --scenario takes it: one
// catalog.FindScenario would read as a catalog name gets a "./".
func pathArg(p string) string {
	if catalog.IsScenarioPath(p) {
		return p
	}
	return "./" + p
}

// Of returns how sc was found. A schedule the reference members found
// (explore, run, merge) is found again by migsim explore with the
// scenario (its file, relative to sc.Dir, for a scenario outside the
// catalog), edition, knobs and settings, the strategy, seed and budget,
// the strategy's own parameters, and the step bound, shrink bound, shard
// and --write-run when they are not the defaults. One a device under test
// found (migsim conform) is found again by judging the device's rows: the
// conform command line, and Row the exploration of the row that found it;
// one a Go program's device found (go:NAME) has no command line, and
// Unknown says so with the row and its exploration.
func Of(sc *schedfile.Schedule) Origin {
	e := sc.Exploration
	switch {
	case sc.Format == schedfile.FormatV1:
		return Origin{Unknown: fmt.Sprintf("a schedule file of format 1 records the strategy of the exploration that found it (%s), not the rest of it (format %d on)",
			sc.Strategy, schedfile.Format)}
	case sc.Format < schedfile.Format:
		return Origin{Unknown: fmt.Sprintf("a schedule file of format %d records the strategy and base seed of the exploration that found it (%s, seed %d), not the rest of it (format %d on)",
			sc.Format, sc.Strategy, sc.BaseSeed, schedfile.Format)}
	case e == nil:
		return Origin{Unknown: "the file records no exploration: it was not found by one (a run replayed under other rules and saved)"}
	}
	params := catalog.ExploreFlags(sc)
	if schedfile.IsGoDevice(sc.Device) {
		return Origin{Unknown: fmt.Sprintf("the conformance kit of a Go program found it with that program's device %s, judging the row %s under %s (the row's exploration:%s): no migsim command runs that device",
			sc.Device, sc.Scenario, sc.Edition, params)}
	}
	scn, gone := sc.Scenario, ""
	if p := sc.ScenarioFile; p != "" {
		if !filepath.IsAbs(p) && sc.Dir != "" {
			p = filepath.Join(sc.Dir, filepath.FromSlash(p))
		}
		scn = pathArg(p)
		if _, err := os.Stat(p); err != nil && sc.ScenarioText != "" {
			// Replayed from the text the schedule carries (as
			// catalog.ScheduleScenario does): a path that names nothing
			// would not paste, so the command names FILE, that text saved.
			scn, gone = "FILE", "FILE: the scenario_text this schedule carries, saved to a file ("+p+" is gone)"
		}
	}
	if sc.Device != "" {
		// A scenario file's counterexample is found again by judging the
		// device with that file, as migsim explore explores it.
		row := strings.TrimPrefix(params, " ")
		if gone != "" {
			row += "; " + gone
		}
		return Origin{Command: devicecmd.Line("conform", "--scenario "+shellquote.Quote(scn)+" --spec "+shellquote.Quote(sc.Edition)+" --parts rows",
			sc.Device, sc.DeviceArgs, sc.DeviceTimeout), Row: row}
	}
	return Origin{Command: catalog.ExploreCommand(scn, sc.Edition, sc.Knobs, sc.Settings) + params, Scenario: gone}
}
