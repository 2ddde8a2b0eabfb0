package catalog

import (
	"errors"
	"fmt"
	"hash/fnv"
	"path/filepath"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/spec"
)

// RegressDir is where the catalog's shrunk counterexamples live, relative to
// the module root (`migsim run --write-regress` writes there).
const RegressDir = "catalog/testdata/regress"

// RegenerateCommand is the command that rewrites the regression schedules.
const RegenerateCommand = "go run ./cmd/migsim run --write-regress"

// ErrStale is wrapped when a schedule's scenario hash differs from the
// scenario's: the scenario was edited after the schedule was recorded.
var ErrStale = errors.New("stale schedule")

// maxRegressBase bounds the name RegressName builds, before ".json": file
// systems take 255 bytes a name, and a shard's summary adds about 40 to it.
const maxRegressBase = 200

// RegressName returns the file name of a target's regression schedule:
// <scenario>_<edition>[_<knob>…][_set-<setting>…].json, with every character
// other than letters, digits, '-', '.', '=' replaced by '-'. A name longer
// than maxRegressBase bytes (a long scenario name, many settings) keeps
// its first bytes and ends in a hash of the whole, so it stays a legal
// file name and distinct names stay distinct.
func RegressName(scenario string, ed spec.Edition, knobs, settings []string) string {
	parts := []string{scenario, ed.String()}
	parts = append(parts, knobs...)
	for _, s := range settings {
		parts = append(parts, "set-"+s)
	}
	for i, p := range parts {
		parts[i] = strings.Map(func(r rune) rune {
			if r == '-' || r == '.' || r == '=' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
				return r
			}
			return '-'
		}, p)
	}
	base := strings.Join(parts, "_")
	if len(base) > maxRegressBase {
		h := fnv.New64a()
		h.Write([]byte(base))
		base = fmt.Sprintf("%s-%016x", base[:maxRegressBase-17], h.Sum64())
	}
	return base + ".json"
}

// ScheduleRegressName returns the file name of a schedule's regression file.
func ScheduleRegressName(s *schedfile.Schedule) string {
	ed, _ := spec.ParseEdition(s.Edition)
	return RegressName(s.Scenario, ed, s.Knobs, s.Settings)
}

// RegressName returns the regression file name of an outcome. Its knobs
// are named canonically: only those that differ from the edition's
// defaults, sorted (as in the schedule file).
func (o *Outcome) RegressName() string {
	knobs := o.Knobs
	if r, err := spec.ParseRules(o.Edition, o.Knobs); err == nil {
		knobs = r.Diff(o.Edition)
	}
	return RegressName(o.Scenario, o.Edition, knobs, SettingStrings(o.Settings))
}

// WriteRegress writes the outcome's shrunk schedule under dir and returns
// the path; it refuses outcomes without a schedule.
func (o *Outcome) WriteRegress(dir string) (string, error) {
	if o.Schedule == nil {
		return "", fmt.Errorf("catalog: regress: %s %s: no shrunk schedule (verdict %s)", o.Scenario, o.Edition, o.Got)
	}
	p := filepath.Join(dir, o.RegressName())
	if err := WriteSchedule(o.Schedule, p); err != nil {
		return "", fmt.Errorf("catalog: regress: %s: %w", p, err)
	}
	return p, nil
}

// TargetOf builds the target a schedule runs: its scenario (see
// ScheduleScenario), edition, knobs and settings.
func TargetOf(sc *schedfile.Schedule) (Target, error) {
	s, err := ScheduleScenario(sc)
	if err != nil {
		return Target{}, err
	}
	ed, err := spec.ParseEdition(sc.Edition)
	if err != nil {
		return Target{}, fmt.Errorf("catalog: schedule: field edition: %w", err)
	}
	return NewTarget(s, ed, sc.Knobs, sc.Settings)
}

// ReplaySchedule rebuilds the schedule's target (reference run included)
// and replays its choices strictly: same steps, same finding oracle, same
// trace hash, else an error wrapping engine.ErrDiverged that names the step.
// cfg.Trace receives the trace lines.
func ReplaySchedule(sc *schedfile.Schedule, cfg engine.RunConfig) (engine.Result, error) {
	t, err := TargetOf(sc)
	if err != nil {
		return engine.Result{}, err
	}
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = DefaultJudgeMaxSteps
	}
	t.MaxSteps = cfg.MaxSteps
	return ReplayOn(t, sc, cfg)
}

// ReplayOn replays sc's choices strictly on the target t, as
// ReplaySchedule does on the target the schedule names: t may be built with
// a device under test (the conformance kit's ScheduleTarget).
func ReplayOn(t Target, sc *schedfile.Schedule, cfg engine.RunConfig) (engine.Result, error) {
	f, err := t.Factory(sc.Seed)
	if err != nil {
		return engine.Result{}, err
	}
	return sc.Replay(f, cfg)
}
