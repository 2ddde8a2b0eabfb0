package catalog

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Schedule records a run of the target as a schedule: its edition, knobs,
// settings and scenario, the exploration's base seed and the schedule's
// index in it. A scenario outside the embedded catalog travels as its
// absolute path and its canonical text (WriteSchedule makes the path
// relative to the schedule file).
func (t Target) Schedule(strategy string, baseSeed uint64, index int, res engine.Result) *schedfile.Schedule {
	sc := schedfile.New(strategy, res)
	sc.Edition = t.Edition.String()
	sc.Knobs = append([]string{}, t.Knobs()...)
	sc.Scenario, sc.ScenarioHash = t.Scenario.Name, scenario.RunHash(t.Scenario)
	sc.BaseSeed, sc.Index = baseSeed, index
	if !Embedded(t.Scenario) {
		sc.ScenarioFile = t.Scenario.File
		if abs, err := filepath.Abs(t.Scenario.File); err == nil {
			sc.ScenarioFile = abs
		}
		sc.ScenarioText = t.Scenario.Format()
	}
	if len(t.Settings) > 0 {
		sc.Settings = SettingStrings(t.Settings)
	}
	return sc
}

// WriteSchedule writes sc to path with its scenario file made relative to
// path's directory, so the schedule replays from any working directory
// (and wherever the pair is moved together). sc itself is left as it is.
func WriteSchedule(sc *schedfile.Schedule, path string) error {
	return scheduleAt(sc, path).WriteFile(path)
}

// ScheduleBytes returns the bytes WriteSchedule writes to path.
func ScheduleBytes(sc *schedfile.Schedule, path string) ([]byte, error) {
	return scheduleAt(sc, path).Marshal()
}

// scheduleAt returns a copy of sc with its scenario file relative to
// path's directory.
func scheduleAt(sc *schedfile.Schedule, path string) *schedfile.Schedule {
	c := *sc
	if c.ScenarioFile != "" && filepath.IsAbs(c.ScenarioFile) {
		if dir, err := filepath.Abs(filepath.Dir(path)); err == nil {
			if rel, err := filepath.Rel(dir, c.ScenarioFile); err == nil {
				c.ScenarioFile = filepath.ToSlash(rel)
			}
		}
	}
	return &c
}

// ReadScheduleFile reads a schedule file (schedfile.ReadFile) and
// checks the fields only the world gives a meaning to (CheckSchedule).
// Errors name the file and the field.
func ReadScheduleFile(path string) (*schedfile.Schedule, error) {
	s, err := schedfile.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if err := CheckSchedule(s); err != nil {
		return nil, fmt.Errorf("catalog: schedule %s: %w", path, err)
	}
	if s.Finding != nil && s.ScenarioFile == "" && s.ScenarioText == "" {
		s.Finding.Message = oldEmbeddedPath.ReplaceAllString(s.Finding.Message, "${1}"+EmbeddedDir+"/$2")
	}
	return s, nil
}

// oldEmbeddedPath matches the path of an embedded scenario as a catalog
// scenario's schedule file recorded it in its finding's message before
// the path was EmbeddedDir's (scenarios/NAME.scn:LINE, not
// catalog/scenarios/NAME.scn:LINE): ReadScheduleFile reads the old form
// as the new one, so that a committed regression schedule shows the path
// its replay's finding shows.
var oldEmbeddedPath = regexp.MustCompile(`(^|[\s(])scenarios/([A-Za-z0-9._=-]+\.scn:)`)

// CheckSchedule checks a schedule's edition, its knobs (known, and as the
// recorder writes them: only those that differ from the edition's
// defaults, sorted), its settings (known keys, typed values) and its
// finding's oracle (CheckFindingOracle).
func CheckSchedule(s *schedfile.Schedule) error {
	ed, err := spec.ParseEdition(s.Edition)
	if err != nil {
		return fmt.Errorf("field edition: %w", err)
	}
	for _, k := range s.Knobs {
		if err := scenario.CheckKnobFor(k, ed); err != nil {
			return fmt.Errorf("field knobs: %w", err)
		}
	}
	r, err := spec.ParseRules(ed, s.Knobs)
	if err != nil {
		return fmt.Errorf("field knobs: %w", err)
	}
	if want := r.Diff(ed); !slices.Equal(want, s.Knobs) && len(want)+len(s.Knobs) > 0 {
		return fmt.Errorf("field knobs: %q is not how a schedule records them (want %q: the knobs that differ from %s's defaults, sorted)", s.Knobs, want, ed)
	}
	args, err := ParseSettings(s.Settings)
	if err != nil {
		return fmt.Errorf("field settings: %w", err)
	}
	if err := Vocabulary().CheckSettings(nil, args); err != nil {
		return fmt.Errorf("field settings: %w", err)
	}
	if s.Finding != nil {
		if err := CheckFindingOracle(s.Finding.Oracle); err != nil {
			return fmt.Errorf("field finding.oracle: %w", err)
		}
	}
	return nil
}

// ScheduleScenario finds the scenario a schedule was recorded against: the
// file it names (relative to the schedule file's directory from format 2 on),
// else the text it carries when that file is gone, else the embedded
// catalog's scenario of that name. The scenario's hash for the file's
// format (ScheduleHash) must equal the recorded one, else the error wraps
// ErrStale.
func ScheduleScenario(sc *schedfile.Schedule) (*scenario.Scenario, error) {
	var s *scenario.Scenario
	var err error
	p := sc.ScenarioFile
	if p != "" && sc.Format != schedfile.FormatV1 && !filepath.IsAbs(p) && sc.Dir != "" {
		p = filepath.Join(sc.Dir, filepath.FromSlash(p))
	}
	fromText := false
	switch {
	case p == "" && sc.ScenarioText == "":
		s, err = CatalogScenario(sc.Scenario)
	case p != "" && (sc.ScenarioText == "" || fileExists(p)):
		s, err = LoadScenarioFile(p)
	default:
		name := p
		if name == "" {
			name = "scenario_text of the schedule"
		}
		fromText = true
		s, err = LoadScenario(name, []byte(sc.ScenarioText))
	}
	if err != nil {
		return nil, err
	}
	if s.Name != sc.Scenario {
		return nil, fmt.Errorf("catalog: schedule names scenario %q, %s defines %q", sc.Scenario, s.File, s.Name)
	}
	hash := ScheduleHash(s, sc.Format)
	if hash != sc.ScenarioHash {
		src := s.File
		if fromText && p != "" {
			src = "the schedule's scenario_text: " + p + " is gone"
		}
		return nil, fmt.Errorf("catalog: %w: scenario %s (%s) has hash %s, the schedule was recorded against %s; %s",
			ErrStale, s.Name, src, hash, sc.ScenarioHash, staleHint(s, sc, p == "" && sc.ScenarioText == "", fromText))
	}
	return s, nil
}

// ScheduleHash is the scenario hash a schedule file of format f records
// for s: from format 4 on its run hash (scenario.RunHash: prose, expect and
// explore lines may change), in formats 3 and 2 the hash of its whole
// parsed form, in format 1 the hash of the file's bytes.
func ScheduleHash(s *scenario.Scenario, f int) string {
	switch {
	case f == schedfile.FormatV1:
		return s.SourceHash
	case f < schedfile.FormatV4:
		return s.Hash
	}
	return scenario.RunHash(s)
}

// staleHint says how to get a fresh schedule for a stale one: explore the
// scenario again (the command names the schedule's edition, knobs,
// settings, strategy and seed), or, for a counterexample the conformance
// kit recorded with a device under test, judge that device again; and for
// one of the catalog's regression schedules (fromCatalog) also the command
// that rewrites them all. A scenario read from the text the schedule
// carries (fromText: its file is gone) has no file to explore: the command
// names FILE, where that text is to be saved.
func staleHint(s *scenario.Scenario, sc *schedfile.Schedule, fromCatalog, fromText bool) string {
	scn := s.Name
	switch {
	case fromText:
		scn = "FILE"
	case !fromCatalog:
		scn = s.File
	}
	cmd := ExploreCommand(scn, sc.Edition, sc.Knobs, sc.Settings)
	var note string
	switch {
	case sc.Exploration != nil:
		// The exploration the schedule came from (format 5 on).
		cmd += ExploreFlags(sc)
	case sc.Strategy != "":
		// The exploration the schedule came from, as far as an older file
		// says: its strategy and seed (not a dfs schedule's bound).
		cmd += fmt.Sprintf(" --strategy %s --seed %d", sc.Strategy, sc.BaseSeed)
		switch sc.Strategy {
		case engine.StrategyDFS:
			note = " (with the --bound it was found at, which the file does not record)"
		case engine.StrategyRandom, engine.StrategyPCT:
			// Schedule Index is reached only by a budget of more: a
			// finding an exploration of many schedules found late is not
			// within the scenario's own budget.
			if ed, err := spec.ParseEdition(sc.Edition); err == nil && sc.Index >= s.BudgetFor(ed).Schedules {
				cmd += fmt.Sprintf(" --schedules %d", sc.Index+1)
			}
		}
	}
	if sc.Device != "" {
		// The finding was the device's: the reference would not find it.
		if fromCatalog {
			cmd = "migsim conform --device " + shellquote.Quote(sc.Device) + " --scenario " + s.Name + " --spec " + sc.Edition
			if len(sc.DeviceArgs) > 0 {
				cmd += " --"
				for _, a := range sc.DeviceArgs {
					cmd += " " + shellquote.Quote(a)
				}
			}
			return "the scenario changed since the device's counterexample was recorded: judge the device again for a fresh one: " + cmd
		}
		note += "; the file was recorded with the device " + sc.Device + ", which explore does not run (it runs the reference)"
	}
	if fromCatalog {
		return fmt.Sprintf("the catalog's scenario changed since: regenerate the catalog's regression schedules (%s), or explore again for a fresh schedule: %s%s", RegenerateCommand, cmd, note)
	}
	if fromText {
		return "the scenario text the schedule carries does not hash to its scenario_hash (the schedule file was edited, " +
			"or another build of migsim reads the text otherwise): explore the scenario again for a fresh schedule, " +
			"FILE being that text saved to a file: " + cmd + note
	}
	return "the scenario was edited after the schedule was recorded: explore again for a fresh schedule: " + cmd + note
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// ExploreCommand is the migsim explore command line that explores a
// scenario (a catalog name or a file) under an edition, knobs and
// settings (key=value each) with the scenario's own budget.
// Each word is quoted for a POSIX shell (a scenario file's path may hold
// a space), so that the line pastes as it prints.
func ExploreCommand(scn, edition string, knobs, settings []string) string {
	cmd := "migsim explore --scenario " + shellquote.Quote(scn) + " --spec " + shellquote.Quote(edition)
	for _, k := range knobs {
		cmd += " --knob " + shellquote.Quote(k)
	}
	for _, kv := range settings {
		cmd += " --set " + shellquote.Quote(kv)
	}
	return cmd
}

// ReplayCommand is the migsim replay command line that replays the
// schedule file at path, the path quoted for a POSIX shell.
func ReplayCommand(path string) string {
	return "migsim replay " + shellquote.Quote(path)
}
